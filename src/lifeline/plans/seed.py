"""The nine shipped plans (YAML in ``seed_data/``) and the demo seed that binds them to the
demo city's departments: the park's warehouse-fire plan belongs to the park, the others to the
city. Seeding is idempotent: saving an unchanged document adds no version."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.plans.document import from_yaml
from lifeline.plans.messages import ListActivations, ListTasks, SavePlan
from lifeline.plans.model import Plan, PlanDocument
from lifeline.registry.seed import DemoCity

SHIPPED = (
    "urban_fire.yaml",
    "warehouse_fire.yaml",
    "hazchem_leak.yaml",
    "gas_pipeline_leak.yaml",
    "rainstorm_flood.yaml",
    "typhoon.yaml",
    "earthquake.yaml",
    "mass_casualty.yaml",
    "public_health.yaml",
)
PARK_PLANS = frozenset({"park-warehouse-fire"})


def shipped_yaml(name: str) -> str:
    """The text of one shipped plan file."""
    return resources.files("lifeline.plans").joinpath("seed_data", name).read_text("utf-8")


def shipped_documents() -> list[PlanDocument]:
    """The nine shipped plans, validated."""
    return [from_yaml(shipped_yaml(name)) for name in SHIPPED]


@dataclass(frozen=True, slots=True)
class SeededPlans:
    plans: dict[str, Plan]  # plan code → plan


def seed_plans(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> SeededPlans:
    """Save the shipped plans with their departments bound to the demo city's organisations."""
    bindings = {str(dept.value): org_id for dept, org_id in city.departments.items()}
    bindings["park"] = city.park_id
    seeded: dict[str, Plan] = {}
    for doc in shipped_documents():
        owner = city.park_id if doc.code in PARK_PLANS else city.city_id
        mine = {d.code: bindings[d.code] for d in doc.departments if d.code in bindings}
        saved = bus.handle(
            SavePlan(organisation_id=owner, document=doc, bindings=mine, note="shipped plan"),
            actor,
        )
        seeded[doc.code] = saved.plan
    return SeededPlans(plans=seeded)


def plans_summary(bus: MessageBus, actor: Actor = SYSTEM_ACTOR) -> str:
    """One line per activation: plan, level, task count and departments (for the demo)."""
    activations, total = bus.handle(ListActivations(limit=20), actor)
    lines = [f"Plan activations: {total}"]
    for a in activations:
        tasks, count = bus.handle(ListTasks(activation_id=a.id, limit=500), actor)
        departments = ", ".join(sorted({t.department for t in tasks}))
        drill = " (exercise)" if a.exercise else ""
        lines.append(
            f"  {a.plan_code} level {a.level.value}{drill}: {count} tasks for {departments}"
        )
    return "\n".join(lines)
