"""Demo warning rules for the e-commerce park and the city: smoke (a fire in the park is a
warehouse fire: its proposals open ``accident.fire.warehouse`` incidents), combustible gas, water
level, a smoke-and-temperature-rise composite within 50 m, and a silent-gauge absence rule.

Rules select datastreams by sensor kind inside an organisation's subtree, so they fire on
whatever things and datastreams the monitoring demo registers there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.registry.seed import DemoCity
from lifeline.warning.messages import CreateRule, ListRules
from lifeline.warning.model import Rule

NOTIFY_AND_RAISE: list[dict[str, Any]] = [
    {"type": "notify", "role": "duty_officer"},
    {"type": "wait", "seconds": 120},
    {"type": "notify", "role": "commander"},
    {"type": "wait", "seconds": 300},
    {"type": "raise_level"},
    {"type": "open_incident"},
]

PARK_SMOKE: dict[str, Any] = {
    "name": "Park smoke detector",
    "hazard": "fire",
    "incident_type": "accident.fire.warehouse",
    "scale": "national",
    "select": {"kind": "smoke"},
    "condition": {
        "type": "threshold",
        "levels": [
            {"level": "yellow", "raise_at": 2.0, "clear_below": 1.5},
            {"level": "red", "raise_at": 4.0, "clear_below": 3.0},
        ],
        "persistence": {"n": 2, "m": 3},
    },
    "propose_incident_at": "red",
    "escalation": NOTIFY_AND_RAISE,
}

PARK_GAS: dict[str, Any] = {
    "name": "Combustible gas (%LEL)",
    "hazard": "gas_leak",
    "incident_type": "accident.hazmat.gas",
    "scale": "national",
    "select": {"kind": "combustible_gas"},
    "condition": {
        "type": "threshold",
        "levels": [
            {"level": "yellow", "raise_at": 10.0, "clear_below": 8.0},
            {"level": "orange", "raise_at": 25.0, "clear_below": 20.0},
            {"level": "red", "raise_at": 50.0, "clear_below": 40.0},
        ],
    },
    "propose_incident_at": "orange",
    "escalation": NOTIFY_AND_RAISE,
}

CITY_WATER: dict[str, Any] = {
    "name": "River and underpass water level",
    "hazard": "flood",
    "incident_type": "natural.flood.urban",
    "scale": "national",
    "select": {"kind": "water_level"},
    "condition": {
        "type": "threshold",
        "levels": [
            {"level": "blue", "raise_at": 2.0, "clear_below": 1.8},
            {"level": "yellow", "raise_at": 2.5, "clear_below": 2.3},
            {"level": "orange", "raise_at": 3.0, "clear_below": 2.8},
            {"level": "red", "raise_at": 3.5, "clear_below": 3.3},
        ],
        "persistence": {"for_s": 60},
    },
    "propose_incident_at": "orange",
}

PARK_SMOKE_AND_HEAT: dict[str, Any] = {
    "name": "Smoke and temperature rise within 50 m",
    "hazard": "fire",
    "incident_type": "accident.fire.warehouse",
    "scale": "national",
    "condition": {
        "type": "composite",
        "op": "all",
        "scope": "radius",
        "within_m": 50,
        "level": "red",
        "of": [
            {"kind": "smoke", "type": "threshold", "raise_at": 2.0, "clear_below": 1.5},
            {"kind": "temperature", "type": "rate_of_change", "raise_at": 5.0, "clear_below": 1.0},
        ],
    },
    "propose_incident_at": "red",
}

CITY_GAUGE_SILENT: dict[str, Any] = {
    "name": "Water-level gauge silent",
    "hazard": "sensor_offline",
    "incident_type": "natural.flood.urban",
    "scale": "national",
    "select": {"kind": "water_level"},
    "condition": {"type": "absence", "after_s": 1800, "level": "blue"},
}


@dataclass
class DemoWarning:
    rules: list[Rule] = field(default_factory=list)


def seed_warning(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> DemoWarning:
    """Create the demo rules (park rules owned by the park, water rules by the city)."""
    demo = DemoWarning()
    for owner, definition in (
        (city.park_id, PARK_SMOKE),
        (city.park_id, PARK_GAS),
        (city.park_id, PARK_SMOKE_AND_HEAT),
        (city.city_id, CITY_WATER),
        (city.city_id, CITY_GAUGE_SILENT),
    ):
        rule: Rule = bus.handle(CreateRule(organisation_id=owner, definition=definition), actor)
        demo.rules.append(rule)
    return demo


def warning_summary(bus: MessageBus) -> str:
    """One line for the demo banner: the rules in force and where their alarms appear."""
    rules, total = bus.handle(ListRules(limit=50), SYSTEM_ACTOR)
    names = ", ".join(r.name for r in rules)
    return (
        f"  early warning · {total} rules ({names}): GET /warning/alarms, live GET /warning/stream"
    )
