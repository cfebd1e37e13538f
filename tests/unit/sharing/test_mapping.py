"""Mappings: parsing errors, time zones to UTC, coordinates, code maps, units, Excel dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.mapping import apply, parse_mapping, record_key

NOW = datetime(2026, 7, 1, tzinfo=UTC)

OBSERVATION = """
record_type: observation
key: [station, time]
timezone: America/Los_Angeles
fields:
  external_id: {column: station}
  sensor_id: {column: station}
  quantity: {const: water_level}
  value: {column: level_cm, scale: 0.01}
  unit: {const: m}
  observed_at: {column: time, format: ["%m/%d/%Y %I:%M:%S %p", excel]}
  location: {lon: x, lat: y}
"""


def test_local_time_becomes_utc_across_daylight_saving() -> None:
    mapping = parse_mapping(OBSERVATION)
    winter, _ = apply(mapping, {"station": "a", "time": "01/15/2017 08:00:00 AM"})
    summer, _ = apply(mapping, {"station": "a", "time": "07/15/2017 08:00:00 AM"})
    assert winter["observed_at"] == datetime(2017, 1, 15, 16, 0, tzinfo=UTC)  # PST, UTC-8
    assert summer["observed_at"] == datetime(2017, 7, 15, 15, 0, tzinfo=UTC)  # PDT, UTC-7


def test_china_time_is_the_default_zone_and_excel_serial_dates_parse() -> None:
    mapping = parse_mapping(OBSERVATION.replace("timezone: America/Los_Angeles\n", ""))
    values, problems = apply(mapping, {"station": "a", "time": "45292.5"})
    assert problems == []
    # Excel serial 45292 is 2024-01-01; .5 is noon local (+08:00) → 04:00 UTC
    assert values["observed_at"] == datetime(2024, 1, 1, 4, 0, tzinfo=UTC)


def test_units_scale_and_coordinates_from_columns() -> None:
    mapping = parse_mapping(OBSERVATION)
    values, problems = apply(
        mapping, {"station": "a", "time": "45292", "level_cm": "250", "x": "114.05", "y": "22.54"}
    )
    assert problems == []
    assert values["value"] == pytest.approx(2.5)
    assert values["location"] == {"lon": 114.05, "lat": 22.54}
    assert values["quantity"] == "water_level"
    assert record_key(mapping, {"station": "a", "time": "45292"}) == "a|45292"
    assert record_key(mapping, {"station": "a", "time": " "}) is None


def test_gcj02_source_is_converted_to_wgs84() -> None:
    mapping = parse_mapping(OBSERVATION.replace("record_type", "crs: GCJ-02\nrecord_type"))
    values, _ = apply(mapping, {"station": "a", "time": "45292", "x": "114.05", "y": "22.54"})
    point = values["location"]
    # GCJ-02 is offset from WGS84 by a few hundred metres in Shenzhen
    assert 0.001 < abs(point["lon"] - 114.05) + abs(point["lat"] - 22.54) < 0.01


@given(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)
def test_lat_lon_strings_round_trip(lat: float, lon: float) -> None:
    mapping = parse_mapping(
        "record_type: incident\nkey: [id]\nfields:\n  location: {column: loc, point: lat_lon}\n"
    )
    values, problems = apply(mapping, {"id": "1", "loc": f"({lat!r}, {lon!r})"})
    assert problems == []
    assert values["location"]["lat"] == pytest.approx(lat, abs=1e-7)
    assert values["location"]["lon"] == pytest.approx(lon, abs=1e-7)


def test_bad_values_are_problems_not_exceptions() -> None:
    mapping = parse_mapping(OBSERVATION)
    values, problems = apply(
        mapping, {"station": "a", "time": "yesterday", "level_cm": "deep", "x": "1", "y": "99"}
    )
    fields = {p.field for p in problems}
    assert fields == {"observed_at", "value", "location"}
    assert "station" not in values


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("record_type: rumour\nkey: [a]\nfields: {name: a}", "record_type"),
        ("record_type: person\nfields: {name: a}", "key"),
        ("record_type: person\nkey: [a]\nfields: {nickname: a}", "fields.nickname"),
        ("record_type: person\nkey: [a]\nfields: {name: {colum: a}}", "fields.name"),
        ("record_type: person\nkey: [a]\ntimezone: Mars/Olympus\nfields: {name: a}", "timezone"),
        ("record_type: person\nkey: [a]\ncrs: BD-10\nfields: {name: a}", "crs"),
        ("record_type: [unclosed", "mapping"),
    ],
)
def test_malformed_mappings_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mapping(text)
    assert caught.value.problems[0].field == field


def test_missing_columns_are_all_named() -> None:
    mapping = parse_mapping(OBSERVATION)
    with pytest.raises(InvalidInput, match="level_cm, x, y"):
        mapping.check_columns(["station", "time"])


def test_a_local_time_before_year_one_in_utc_is_a_problem_not_a_crash() -> None:
    mapping = parse_mapping(OBSERVATION.replace("America/Los_Angeles", '"+08:00"'))
    values, problems = apply(mapping, {"station": "a", "time": "01/01/0001 07:00:00 AM"})
    assert "observed_at" not in values
    assert [p.field for p in problems] == ["observed_at"]
    assert "out of range in UTC" in problems[0].reason
