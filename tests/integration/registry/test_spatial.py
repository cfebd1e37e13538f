"""Areas and facilities: CRUD, owners in scope, and spatial queries on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.errors import Conflict, InvalidInput, OutOfScope
from lifeline.kernel.geo import Area, Point
from lifeline.registry.model import (
    UNSET,
    AdministrativeArea,
    AreaLevel,
    CapacityUnit,
    DefineArea,
    Facility,
    FacilityKind,
    GetArea,
    GetFacility,
    ListAreas,
    ListFacilities,
    Listing,
    RegisterFacility,
    RemoveArea,
    RemoveFacility,
    UpdateArea,
    UpdateFacility,
)
from lifeline.registry.seed import regular_polygon
from lifeline.security.model import Role
from tests.integration.registry.conftest import Tree, actor_at

FUTIAN_CENTRE = Point(114.055, 22.541)
LUOHU_CENTRE = Point(114.131, 22.555)


def _square(lon: float, lat: float, d: float) -> Area:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return Area.from_geojson({"type": "Polygon", "coordinates": [ring]})


def _facility(
    bus: MessageBus,
    owner: str,
    name: str,
    lon: float,
    lat: float,
    kind: FacilityKind = FacilityKind.SHELTER,
) -> Facility:
    facility: Facility = bus.handle(
        RegisterFacility(name=name, kind=kind, location=Point(lon, lat), organisation_id=owner),
        SYSTEM_ACTOR,
    )
    return facility


def test_area_crud(bus: MessageBus, tree: Tree) -> None:
    area: AdministrativeArea = bus.handle(
        DefineArea(
            name="福田区",
            level=AreaLevel.DISTRICT,
            organisation_id=tree.futian.id,
            boundary=regular_polygon(FUTIAN_CENTRE, 78.66),
            admin_code="440304",
            population=1553225,
        ),
        SYSTEM_ACTOR,
    )
    assert area.path == tree.futian.path
    with pytest.raises(Conflict):
        bus.handle(
            DefineArea(
                name="福田区",
                level=AreaLevel.DISTRICT,
                organisation_id=tree.futian.id,
                boundary=_square(0, 0, 1),
            ),
            SYSTEM_ACTOR,
        )
    updated: AdministrativeArea = bus.handle(
        UpdateArea(
            area_id=area.id,
            expected_version=1,
            population=1600000,
            boundary=_square(114, 22.5, 0.1),
        ),
        SYSTEM_ACTOR,
    )
    assert (updated.version, updated.population) == (2, 1600000)
    got: AdministrativeArea = bus.handle(GetArea(area_id=area.id), SYSTEM_ACTOR)
    assert got.boundary.bbox() == pytest.approx((114, 22.5, 114.1, 22.6))
    with pytest.raises(Conflict):
        bus.handle(UpdateArea(area_id=area.id, expected_version=1, name="x"), SYSTEM_ACTOR)
    bus.handle(RemoveArea(area_id=area.id, expected_version=2), SYSTEM_ACTOR)
    assert bus.handle(ListAreas(), SYSTEM_ACTOR).total == 0


def test_areas_containing_a_point(bus: MessageBus, tree: Tree) -> None:
    for org, centre, km2 in (
        (tree.futian, FUTIAN_CENTRE, 78.66),
        (tree.luohu, LUOHU_CENTRE, 78.75),
    ):
        bus.handle(
            DefineArea(
                name=org.name,
                level=AreaLevel.DISTRICT,
                organisation_id=org.id,
                boundary=regular_polygon(centre, km2),
            ),
            SYSTEM_ACTOR,
        )
    # an L-shaped park whose bbox covers the probe point but whose shape does not
    ring = [
        [114.0, 22.5],
        [114.02, 22.5],
        [114.02, 22.51],
        [114.01, 22.51],
        [114.01, 22.52],
        [114.0, 22.52],
        [114.0, 22.5],
    ]
    bus.handle(
        DefineArea(
            name="L",
            level=AreaLevel.PARK,
            organisation_id=tree.park.id,
            boundary=Area.from_geojson({"type": "Polygon", "coordinates": [ring]}),
        ),
        SYSTEM_ACTOR,
    )

    def names(point: Point, actor: Actor = SYSTEM_ACTOR) -> list[str]:
        listing: Listing[AdministrativeArea] = bus.handle(ListAreas(contains=point), actor)
        return [a.name for a in listing.items]

    assert names(FUTIAN_CENTRE) == ["福田区"]
    assert names(LUOHU_CENTRE) == ["罗湖区"]
    assert names(Point(114.0933, 22.548)) == ["福田区", "罗湖区"]  # placeholders overlap
    assert names(Point(114.015, 22.515)) == []  # in the bbox, outside the L
    assert names(Point(114.005, 22.515)) == ["L"]
    assert names(Point(114.01, 22.505)) == ["L"]  # on the boundary counts (covers)
    assert names(Point(113.5, 22.0)) == []
    assert names(LUOHU_CENTRE, actor_at(tree.futian, Role.ANALYST)) == []
    box: Listing[AdministrativeArea] = bus.handle(
        ListAreas(bbox=(114.0, 22.4, 114.05, 22.55)), SYSTEM_ACTOR
    )
    assert sorted(a.name for a in box.items) == ["L", "福田区"]


def test_facility_crud_with_source_crs(bus: MessageBus, tree: Tree) -> None:
    created: Facility = bus.handle(
        RegisterFacility(
            name="莲花山公园应急避难场所",
            kind=FacilityKind.SHELTER,
            location=Point(114.056, 22.56),
            organisation_id=tree.futian.id,
            source_crs=CoordinateSystem.GCJ02,
            capacity=50000,
            contact_phone="13812345678",
            attributes={"grade": "I"},
        ),
        SYSTEM_ACTOR,
    )
    assert created.capacity_unit is CapacityUnit.PERSONS
    got: Facility = bus.handle(GetFacility(facility_id=created.id), SYSTEM_ACTOR)
    assert got.source_crs is CoordinateSystem.GCJ02
    assert got.location == Point(114.056, 22.56)
    assert got.attributes == {"grade": "I"}
    liaison = actor_at(tree.futian, Role.DEPARTMENT_LIAISON)
    assert bus.handle(GetFacility(facility_id=created.id), liaison).contact_phone == "138****5678"
    updated: Facility = bus.handle(
        UpdateFacility(
            facility_id=created.id,
            expected_version=1,
            capacity=None,
            contact_phone=None,
            address=UNSET,
        ),
        SYSTEM_ACTOR,
    )
    assert (updated.capacity, updated.contact_phone, updated.version) == (None, None, 2)
    with pytest.raises(Conflict):
        _facility(bus, tree.futian.id, "莲花山公园应急避难场所", 114, 22.5)
    bus.handle(RemoveFacility(facility_id=created.id), SYSTEM_ACTOR)
    assert bus.handle(ListFacilities(), SYSTEM_ACTOR).total == 0


def test_facility_owner_must_be_in_scope(bus: MessageBus, tree: Tree) -> None:
    officer = actor_at(tree.futian, Role.RESERVE_OFFICER)
    ok = bus.handle(
        RegisterFacility(
            name="d",
            kind=FacilityKind.DEPOT,
            location=Point(114, 22.5),
            organisation_id=tree.park.id,
        ),
        officer,
    )
    assert ok.path == tree.park.path
    with pytest.raises(OutOfScope):
        bus.handle(
            RegisterFacility(
                name="d",
                kind=FacilityKind.DEPOT,
                location=Point(114, 22.5),
                organisation_id=tree.luohu.id,
            ),
            officer,
        )


def test_facilities_near_a_point_nearest_first(bus: MessageBus, tree: Tree) -> None:
    origin = Point(114.0, 22.5)
    # ~111 m per 0.001° of latitude
    for name, dlat in (("far", 0.03), ("near", 0.001), ("mid", 0.01), ("outside", 0.05)):
        _facility(bus, tree.futian.id, name, origin.lon, origin.lat + dlat)
    _facility(bus, tree.luohu.id, "sibling-near", origin.lon + 0.002, origin.lat)
    _facility(
        bus, tree.futian.id, "hospital", origin.lon, origin.lat - 0.02, kind=FacilityKind.HOSPITAL
    )

    def near(radius_m: float, actor: Actor = SYSTEM_ACTOR, **kw: Any) -> tuple[list[str], int]:
        listing: Listing[Facility] = bus.handle(
            ListFacilities(near=origin, radius_m=radius_m, **kw), actor
        )
        return [f.name for f in listing.items], listing.total

    assert near(4000) == (["near", "sibling-near", "mid", "hospital", "far"], 5)
    assert near(4000, limit=2, offset=1) == (["sibling-near", "mid"], 5)
    assert near(1500) == (["near", "sibling-near", "mid"], 3)
    assert near(4000, kind=FacilityKind.HOSPITAL) == (["hospital"], 1)
    officer = actor_at(tree.futian, Role.DUTY_OFFICER)
    assert near(4000, officer)[0] == ["near", "mid", "hospital", "far"]
    with pytest.raises(InvalidInput, match="go together"):
        bus.handle(ListFacilities(near=origin), SYSTEM_ACTOR)
    box: Listing[Facility] = bus.handle(
        ListFacilities(bbox=(113.99, 22.499, 114.01, 22.502)), SYSTEM_ACTOR
    )
    assert [f.name for f in box.items] == ["near", "sibling-near"]
