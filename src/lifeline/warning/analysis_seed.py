"""Demo data for the risk map and cascades: more major hazard sources across the demo city.

Registered through the bus as registry facilities of kind ``hazard_source`` with their GB 18218
major-hazard class in ``attributes.hazard_class``, owned by their district. Idempotent: a
source that already exists (same owner and name) is left alone. Locations and classes are
illustrative, not real sites. The infrastructure dependency graph needs no seeding: it ships as
``warning/seed_data/cascade_shenzhen.yaml`` and is the default of ``POST /warning/cascade``.
"""

from __future__ import annotations

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import Point
from lifeline.registry.model import (
    CapacityUnit,
    Facility,
    FacilityKind,
    ListFacilities,
    Listing,
    RegisterFacility,
)
from lifeline.registry.seed import DemoCity

# (district, name, English name, lon, lat, capacity in tonnes, major-hazard class)
HAZARD_SOURCES: tuple[tuple[str, str, str, float, float, int, str], ...] = (
    (
        "Nanshan",
        "南山液化石油气储配站",
        "Nanshan LPG storage and filling station",
        113.915,
        22.560,
        400,
        "重大危险源二级",
    ),
    (
        "Bao'an",
        "宝安化工仓储区",
        "Bao'an chemical storage zone",
        113.860,
        22.640,
        1_200,
        "重大危险源一级",
    ),
    (
        "Futian",
        "福田燃气调压站",
        "Futian gas pressure-regulating station",
        114.045,
        22.530,
        20,
        "重大危险源四级",
    ),
    (
        "Longgang",
        "龙岗加油加气站",
        "Longgang fuel and CNG station",
        114.250,
        22.720,
        60,
        "重大危险源三级",
    ),
    (
        "Pingshan",
        "坪山化工园区",
        "Pingshan chemical industrial park",
        114.350,
        22.700,
        3_000,
        "重大危险源一级",
    ),
)


def seed_analysis(bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> list[str]:
    """Register the demo hazard sources; return their facility ids."""
    ids = []
    for district, name, name_en, lon, lat, tonnes, hazard_class in HAZARD_SOURCES:
        owner = city.districts[district]
        found: Listing[Facility] = bus.handle(
            ListFacilities(organisation_id=owner, name=name, limit=1), actor
        )
        if found.items:
            ids.append(found.items[0].id)
            continue
        facility: Facility = bus.handle(
            RegisterFacility(
                name=name,
                kind=FacilityKind.HAZARD_SOURCE,
                location=Point(lon, lat),
                organisation_id=owner,
                capacity=tonnes,
                capacity_unit=CapacityUnit.TONNES,
                attributes={"name_en": name_en, "hazard_class": hazard_class},
            ),
            actor,
        )
        ids.append(facility.id)
    return ids
