"""An organisation tree with fire and police departments, and helpers to save the shipped plans
and to publish incident grades as the incidents context does.

::

    Shenzhen (city)                 ← "city"
    ├── Fire and Rescue (department) ← "fire"
    ├── Police (department)          ← "police"
    ├── Futian (district)            ← "district"
    │   └── Chegongmiao park         ← "park"
    └── Luohu (district)             ← "sibling"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.incidents.events import IncidentGraded
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.events import DomainEvent
from lifeline.plans.document import from_yaml
from lifeline.plans.messages import SavePlan
from lifeline.plans.model import Plan
from lifeline.plans.seed import shipped_yaml
from lifeline.registry.model import DepartmentType, OrgKind, RegisterOrganisation
from lifeline.security.model import Role
from lifeline.security.service import CreateUser
from tests.integration.security.world import PASSWORD, register_tree


@dataclass
class Orgs:
    org: dict[str, str] = field(default_factory=dict)  # level → organisation id
    path: dict[str, str] = field(default_factory=dict)
    tokens: dict[tuple[Role, str], str] = field(default_factory=dict)

    def headers(self, role: Role, level: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(role, level)]}"}


def make_orgs(platform: Platform) -> Orgs:
    orgs = Orgs()
    tree = register_tree(platform)
    for level, org in tree.items():
        orgs.org[level] = org.id
        orgs.path[level] = org.path
    for level, name, dept in (
        ("fire", "深圳市消防救援支队", DepartmentType.FIRE),
        ("police", "深圳市公安局", DepartmentType.POLICE),
    ):
        made = platform.bus.handle(
            RegisterOrganisation(
                name=name,
                kind=OrgKind.DEPARTMENT,
                department_type=dept,
                parent_id=tree["city"].id,
            ),
            SYSTEM_ACTOR,
        )
        orgs.org[level] = made.id
        orgs.path[level] = made.path
    return orgs


def sign_in(
    platform: Platform, client: TestClient, orgs: Orgs, role: Role, level: str
) -> dict[str, str]:
    username = f"{role.value}.{level}"
    platform.bus.handle(
        CreateUser(
            username=username,
            display_name=username,
            password=PASSWORD,
            organisation_id=orgs.org[level],
            roles=frozenset({role}),
        ),
        SYSTEM_ACTOR,
    )
    resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    orgs.tokens[(role, level)] = resp.json()["access_token"]
    return orgs.headers(role, level)


def save_shipped(
    platform: Platform, name: str, owner: str, bindings: dict[str, str] | None = None
) -> Plan:
    saved = platform.bus.handle(
        SavePlan(
            organisation_id=owner,
            document=from_yaml(shipped_yaml(name)),
            bindings=bindings or {},
        ),
        SYSTEM_ACTOR,
    )
    plan: Plan = saved.plan
    return plan


def publish_grade(
    platform: Platform,
    incident_id: str,
    grade: str,
    *,
    incident_type: str = "accident.fire.warehouse",
    previous: str | None = None,
    organisation_id: str | None = None,
    exercise: bool = False,
) -> None:
    """Commit an ``IncidentGraded`` as the incidents context would, then run the relay."""
    with platform.uow() as uow:
        uow.record(
            IncidentGraded(
                aggregate_id=incident_id,
                organisation_id=organisation_id,
                grade=grade,
                previous_grade=previous,
                reason="test",
                overridden=False,
                category=incident_type.split(".", maxsplit=1)[0],
                incident_type=incident_type,
                lon=114.126,
                lat=22.686,
                exercise=exercise,
            )
        )
        uow.commit()
    platform.relay.drain()


@dataclass(frozen=True, kw_only=True)
class IncidentFactsUpdated(DomainEvent):
    """The incidents context's event of new casualty figures (``measure → [old, new]``)."""

    aggregate_type: ClassVar[str] = "incident"
    changes: dict[str, tuple[float, float]]
    reason: str


def publish_facts(
    platform: Platform, incident_id: str, changes: dict[str, tuple[float, float]]
) -> None:
    with platform.uow() as uow:
        uow.record(IncidentFactsUpdated(aggregate_id=incident_id, changes=changes, reason="test"))
        uow.commit()
    platform.relay.drain()
