"""Seeding demo Shenzhen through the bus."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.eventlog import event_log
from lifeline.kernel.geo import Point
from lifeline.registry.model import (
    AdministrativeArea,
    DepartmentType,
    Facility,
    FacilityKind,
    GetOrganisation,
    ListAreas,
    ListFacilities,
    Listing,
    ListOrganisations,
    Organisation,
    OrgKind,
)
from lifeline.registry.seed import seed_city


def _event_count(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(event_log)).scalar_one())


def test_seed_city_builds_shenzhen_and_is_idempotent(platform: Platform) -> None:
    bus = platform.bus
    demo = seed_city(bus, SYSTEM_ACTOR)
    city: Organisation = bus.handle(GetOrganisation(organisation_id=demo.city_id), SYSTEM_ACTOR)
    assert (city.name, city.admin_code, city.kind) == ("深圳市", "440300", OrgKind.CITY)
    assert len(demo.districts) == 10
    assert set(demo.departments) == set(DepartmentType)
    orgs: Listing[Organisation] = bus.handle(ListOrganisations(limit=100), SYSTEM_ACTOR)
    assert orgs.total == 1 + 10 + 9 + 2 + 1 + 1 + 1
    park = next(o for o in orgs.items if o.id == demo.park_id)
    assert park.kind is OrgKind.PARK
    assert park.path.startswith(orgs.items[0].path)
    dapeng = next(o for o in orgs.items if o.id == demo.districts["Dapeng"])
    assert dapeng.admin_code is None

    areas: Listing[AdministrativeArea] = bus.handle(
        ListAreas(contains=Point(114.055, 22.541)), SYSTEM_ACTOR
    )
    assert "福田区" in [a.name for a in areas.items]
    futian = next(a for a in areas.items if a.name == "福田区")
    assert futian.population == 1553225
    assert "placeholder" in futian.attributes["boundary_note"]

    facilities: Listing[Facility] = bus.handle(ListFacilities(limit=100), SYSTEM_ACTOR)
    assert {f.kind for f in facilities.items} == set(FacilityKind)
    lng = next(f for f in facilities.items if f.id == demo.facilities["Dapeng LNG Terminal"])
    assert lng.attributes["hazard_class"] == "重大危险源一级"
    assert lng.organisation_id == demo.districts["Dapeng"]

    events = _event_count(platform)
    assert events == orgs.total + 11 + facilities.total  # one event per record
    again = seed_city(bus, SYSTEM_ACTOR)
    assert again == demo
    assert _event_count(platform) == events
