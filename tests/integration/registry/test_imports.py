"""Bulk import through the bus: all rows or none, owners by id or admin code, in scope."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.eventlog import event_log
from lifeline.registry.model import (
    AdministrativeArea,
    Facility,
    ImportFacilitiesCsv,
    ImportGeoJson,
    ImportResult,
    ImportTarget,
    ListAreas,
    ListFacilities,
    Listing,
)
from lifeline.security.model import Role
from tests.integration.registry.conftest import Tree, actor_at

HEADER = "name,kind,lon,lat,capacity,capacity_unit,owner,address,contact_name,contact_phone\n"


def _count_events(platform: Platform, event_type: str) -> int:
    with platform.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count())
                .select_from(event_log)
                .where(event_log.c.type == event_type)
            ).scalar_one()
        )


def _facilities(bus: MessageBus) -> list[Facility]:
    listing: Listing[Facility] = bus.handle(ListFacilities(limit=500), SYSTEM_ACTOR)
    return listing.items


def test_csv_import_creates_every_row_with_one_event_each(
    platform: Platform, bus: MessageBus, tree: Tree
) -> None:
    csv_text = HEADER + (
        f"福田医院,医院,114.05,22.54,800,beds,440304,福田区,,\n"
        f"园区仓库,depot,114.06,22.55,,,{tree.park.id},,李四,13912345678\n"
    )
    result: ImportResult = bus.handle(
        ImportFacilitiesCsv(content=csv_text.encode("gbk")), SYSTEM_ACTOR
    )
    assert len(result.created_ids) == 2
    by_name = {f.name: f for f in _facilities(bus)}
    assert by_name["福田医院"].organisation_id == tree.futian.id  # owner by admin code
    assert by_name["园区仓库"].path == tree.park.path
    assert by_name["园区仓库"].contact_name == "李四"
    assert _count_events(platform, "FacilityRegistered") == 2


def test_one_bad_row_writes_nothing_and_names_every_problem(
    platform: Platform, bus: MessageBus, tree: Tree
) -> None:
    bus.handle(
        ImportFacilitiesCsv(content=(HEADER + "已有,hospital,114,22.5,,,440304,,,\n").encode()),
        SYSTEM_ACTOR,
    )
    csv_text = HEADER + (
        "ok,hospital,114.05,22.54,,,440304,,,\n"
        "bad lon,hospital,east,22.54,,,440304,,,\n"
        "no owner,hospital,114.05,22.54,,,999999,,,\n"
        "已有,hospital,114.05,22.54,,,440304,,,\n"
        "twice,hospital,114.05,22.54,,,440304,,,\n"
        "twice,hospital,114.05,22.54,,,440304,,,\n"
    )
    with pytest.raises(InvalidInput) as info:
        bus.handle(ImportFacilitiesCsv(content=csv_text.encode()), SYSTEM_ACTOR)
    problems = [(p.field, p.reason) for p in info.value.problems]
    assert [f for f, _ in problems] == [
        "rows[1].lon",
        "rows[2].owner",
        "rows[3].name",
        "rows[5].name",
    ]
    assert "999999" in problems[1][1]
    assert "in this file" in problems[3][1]
    assert [f.name for f in _facilities(bus)] == ["已有"]
    assert _count_events(platform, "FacilityRegistered") == 1


def test_owner_outside_scope_is_reported_like_a_missing_one(bus: MessageBus, tree: Tree) -> None:
    steward = actor_at(tree.futian, Role.DATA_STEWARD)
    csv_text = HEADER + "a,hospital,114.05,22.54,,,440303,,,\n"  # Luohu: a sibling
    with pytest.raises(InvalidInput) as info:
        bus.handle(ImportFacilitiesCsv(content=csv_text.encode()), steward)
    assert info.value.problems[0].field == "rows[0].owner"
    ok = HEADER + "a,hospital,114.05,22.54,,,440304,,,\n"
    result: ImportResult = bus.handle(ImportFacilitiesCsv(content=ok.encode()), steward)
    assert len(result.created_ids) == 1


def _feature(ring: list[list[float]], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_geojson_area_import_in_gcj02(bus: MessageBus, tree: Tree) -> None:
    ring = [[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            _feature(ring, name="福田区", level="district", owner="440304", admin_code="440304"),
            _feature(ring, name="园区", level="park", organisation_id=tree.park.id),
        ],
    }
    result: ImportResult = bus.handle(
        ImportGeoJson(target=ImportTarget.AREAS, collection=doc, crs=CoordinateSystem.GCJ02),
        SYSTEM_ACTOR,
    )
    assert len(result.created_ids) == 2
    listing: Listing[AdministrativeArea] = bus.handle(ListAreas(), SYSTEM_ACTOR)
    futian = next(a for a in listing.items if a.name == "福田区")
    min_lon, min_lat, _, _ = futian.boundary.bbox()
    # GCJ-02 → WGS84 in Shenzhen: about 0.005° west and 0.003° north
    assert 113.99 < min_lon < 113.997
    assert 22.501 < min_lat < 22.51


def test_geojson_facility_import_rejects_bad_features(bus: MessageBus, tree: Tree) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [114.0, 22.5]},
                "properties": {"name": "a", "kind": "shelter", "owner": tree.futian.id},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [114.0]},
                "properties": {"name": "b", "kind": "shelter", "owner": tree.futian.id},
            },
        ],
    }
    with pytest.raises(InvalidInput) as info:
        bus.handle(ImportGeoJson(target=ImportTarget.FACILITIES, collection=doc), SYSTEM_ACTOR)
    assert [p.field for p in info.value.problems] == ["features[1].geometry.coordinates"]
    assert _facilities(bus) == []
