"""Bulk-import parsing: encodings, row errors with field paths, coordinates, GeoJSON."""

from __future__ import annotations

from typing import Any

import pytest

from lifeline.kernel.coords import CoordinateSystem, from_wgs84
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.registry.importers import (
    decode_text,
    parse_facilities_csv,
    parse_geojson_areas,
    parse_geojson_facilities,
)
from lifeline.registry.model import CapacityUnit, FacilityKind

HEADER = "name,kind,lon,lat,capacity,capacity_unit,owner,address,contact_name,contact_phone"
GOOD = [
    "北京大学深圳医院,hospital,114.050,22.560,2000,beds,440304,莲花路1120号,张三,13812345678",
    "福田消防救援站,消防站,114.058,22.540,8,,440304,,,",
]


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _fields(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [p.field for p in exc.value.problems]


def test_csv_rows_become_commands_with_raw_owner() -> None:
    parsed = parse_facilities_csv(_csv(*GOOD).encode())
    assert parsed.problems == []
    first, second = (r.command for r in parsed.rows)
    assert [r.field for r in parsed.rows] == ["rows[0]", "rows[1]"]
    assert parsed.rows[0].owner == "440304"
    assert first.name == "北京大学深圳医院"
    assert first.kind is FacilityKind.HOSPITAL
    assert first.location == Point(114.05, 22.56)
    assert (first.capacity, first.capacity_unit) == (2000, CapacityUnit.BEDS)
    assert (first.contact_name, first.contact_phone) == ("张三", "13812345678")
    assert second.kind is FacilityKind.FIRE_STATION  # Chinese alias
    assert second.capacity_unit is CapacityUnit.VEHICLES  # default unit of the kind
    assert second.address is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(encoding: str) -> None:
    parsed = parse_facilities_csv(_csv(*GOOD).encode(encoding))
    assert parsed.problems == []
    assert parsed.rows[0].command.name == "北京大学深圳医院"


def test_bom_does_not_corrupt_the_first_column_name() -> None:
    assert decode_text("\ufeffname".encode()) == "name"
    assert decode_text("\ufeffname") == "name"


@pytest.mark.parametrize("content", [b"", b"   \n\n", "\ufeff".encode()])
def test_empty_file_is_a_clear_error(content: bytes) -> None:
    with pytest.raises(InvalidInput, match="the file is empty"):
        parse_facilities_csv(content)


def test_header_without_rows() -> None:
    with pytest.raises(InvalidInput, match="no data rows"):
        parse_facilities_csv(_csv())


def test_missing_and_duplicate_columns_are_named() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_facilities_csv(_csv("a,hospital,1,1,1", header="name,kind,lon,name,owner"))
    reasons = [p.reason for p in info.value.problems]
    assert "missing column 'lat'" in reasons
    assert "duplicate column 'name'" in reasons


def test_ragged_row_names_the_row_and_line() -> None:
    parsed = parse_facilities_csv(_csv(GOOD[0], "short,hospital,114", GOOD[1]))
    assert [p.field for p in parsed.problems] == ["rows[1]"]
    assert parsed.problems[0].reason == "line 3 has 3 fields; the header has 10"
    assert len(parsed.rows) == 2


def test_every_bad_field_of_every_row_is_reported() -> None:
    rows = [
        "a,hospital,abc,22.5,,,440304,,,",
        "b,castle,114.0,95,-3,barrels,,,,not-a-phone!",
        ",hospital,114.0,22.5,,,440304,,,",
    ]
    parsed = parse_facilities_csv(_csv(*rows))
    assert parsed.rows == []
    got = {(p.field, p.reason.split(" (line")[0]) for p in parsed.problems}
    assert got == {
        ("rows[0].lon", "must be a finite number"),
        ("rows[1].lat", "latitude 95.0 is outside [-90, 90]"),
        (
            "rows[1].kind",
            "unknown value 'castle' (allowed: hospital, fire_station, "
            "police_station, shelter, depot, hazard_source)",
        ),
        ("rows[1].capacity", "must be a whole number ≥ 0"),
        (
            "rows[1].capacity_unit",
            "unknown value 'barrels' (allowed: beds, persons, vehicles, m3, tonnes, m2)",
        ),
        ("rows[1].owner", "is required (an organisation id or admin code)"),
        ("rows[1].contact_phone", "must be a phone number (digits, spaces, +, -, parentheses)"),
        ("rows[2].name", "is required"),
    }
    assert parsed.problems[0].reason.endswith("(line 2)")


def test_blank_lines_are_skipped_without_shifting_row_numbers() -> None:
    parsed = parse_facilities_csv(_csv(GOOD[0], "", "x,hospital,nan,1,,,440304,,,"))
    assert [p.field for p in parsed.problems] == ["rows[1].lon"]


def test_gcj02_is_converted_and_recorded() -> None:
    wgs = Point(114.05, 22.56)
    gcj_lon, gcj_lat = from_wgs84(wgs, CoordinateSystem.GCJ02)
    row = f"h,hospital,{gcj_lon},{gcj_lat},,,440304,,,"
    parsed = parse_facilities_csv(_csv(row), CoordinateSystem.GCJ02)
    cmd = parsed.rows[0].command
    assert cmd.source_crs is CoordinateSystem.GCJ02
    assert cmd.location.distance_m(wgs) < 0.01
    assert Point(gcj_lon, gcj_lat).distance_m(wgs) > 100  # the offset really was removed


def test_extra_columns_become_attributes() -> None:
    parsed = parse_facilities_csv(
        "name,kind,lon,lat,organisation_id,hazard_class,empty\n"
        "仓库,hazard_source,114,22.6,o1,重大危险源四级,\n"
    )
    row = parsed.rows[0]
    assert row.owner == "o1"
    assert dict(row.command.attributes) == {"hazard_class": "重大危险源四级"}


def _square(lon: float = 114.0, lat: float = 22.5, d: float = 0.01) -> dict[str, Any]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _fc(*features: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def test_geojson_areas() -> None:
    parsed = parse_geojson_areas(
        _fc(
            _feature(
                _square(),
                name="福田区",
                level="district",
                owner="440304",
                admin_code="440304",
                population=1553225,
                source="survey",
            ),
        )
    )
    assert parsed.problems == []
    cmd = parsed.rows[0].command
    assert (cmd.name, cmd.admin_code, cmd.population) == ("福田区", "440304", 1553225)
    assert dict(cmd.attributes) == {"source": "survey"}
    assert cmd.boundary.contains(Point(114.005, 22.505))


def test_geojson_bad_geometry_is_reported_per_feature() -> None:
    open_ring = _square()
    open_ring["coordinates"][0].pop()
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    parsed = parse_geojson_areas(
        _fc(
            _feature(_square(), name="ok", level="district", owner="o"),
            _feature(open_ring, name="a", level="district", owner="o"),
            _feature(bowtie, name="b", level="district", owner="o"),
            _feature({"type": "Point", "coordinates": [1, 2]}, name="c", level="nope", owner="o"),
            "not a feature",
        )
    )
    fields = [p.field for p in parsed.problems]
    assert fields == [
        "features[1].geometry.coordinates[0]",
        "features[2].geometry",
        "features[3].geometry.type",
        "features[3].properties.level",
        "features[4]",
    ]
    assert "not closed" in parsed.problems[0].reason
    assert "Self-intersection" in parsed.problems[1].reason
    assert [r.field for r in parsed.rows] == ["features[0]"]


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"type": "Feature"}, "type"),
        ({"type": "FeatureCollection", "features": []}, "features"),
        ({"type": "FeatureCollection"}, "features"),
        ([], "body"),
        ("{not json", "body"),
        ("", "body"),
    ],
)
def test_geojson_document_errors(doc: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_geojson_areas(doc)
    assert _fields(info) == [field]


def test_geojson_facilities_in_bd09() -> None:
    wgs = Point(114.05, 22.56)
    lon, lat = from_wgs84(wgs, CoordinateSystem.BD09)
    parsed = parse_geojson_facilities(
        _fc(
            _feature(
                {"type": "Point", "coordinates": [lon, lat]},
                name="h",
                kind="hospital",
                owner="o",
                capacity="50",
                attributes={"level": "三甲"},
            ),
            _feature(
                {"type": "Point", "coordinates": [200, 0]}, name="x", kind="hospital", owner="o"
            ),
        ),
        CoordinateSystem.BD09,
    )
    assert [p.field for p in parsed.problems] == ["features[1].geometry.coordinates.lon"]
    cmd = parsed.rows[0].command
    assert cmd.location.distance_m(wgs) < 0.01
    assert cmd.capacity == 50
    assert dict(cmd.attributes) == {"level": "三甲"}
