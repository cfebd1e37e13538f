"""Column-wise conversion of a chunk gives every row what the row-by-row rules give it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.mapping import Mapping, apply, parse_mapping, record_key
from lifeline.sharing.model import RAGGED
from lifeline.sharing.pipeline import Outcome, Pipeline
from lifeline.sharing.validation import conform

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)

SENSORS = """
record_type: observation
key: [station, time]
timezone: "+08:00"
fields:
  external_id: {column: station}
  sensor_id: {column: station}
  quantity: {const: water_level}
  value: {column: level_cm, scale: 0.01}
  unit: {const: m}
  observed_at: {column: time, format: "%Y-%m-%d %H:%M:%S"}
  location: {lon: lon, lat: lat}
"""
GAUGES = """
record_type: observation
key: [station]
timezone: Asia/Shanghai
fields:
  external_id: {column: station}
  sensor_id: {column: station, default: unknown}
  quantity: {column: kind, values: {WL: water_level, RF: rain}, default: other}
  value: {column: level_cm}
  unit: {const: "  "}
  observed_at: {column: time, format: ["%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"], timezone: UTC}
  location: {column: lon, point: lon_lat}
"""
STOCK = """
record_type: material
key: [station, kind]
fields:
  external_id: {column: station}
  name: {column: kind}
  quantity: {column: level_cm, offset: -1}
  unit: {column: lat, default: piece}
  expires_on: {column: time, format: "%Y-%m-%d"}
  location: {lon: lon, lat: lat}
"""

STATIONS = ["ST0001", " ST0002 ", "", "   ", "ＳＴ０３", "a  b", "x\ty", "站点", None, 7]
TIMES = [
    "2026-06-01 08:00:00",
    "2026-06-30 23:59:59",
    " 2026-06-01 08:00:00 ",
    "2026-07-01 16:04:59",  # now + 4:59 in +08:00: fine
    "2026-07-01 16:06:00",  # in the future
    "2026-02-30 00:00:00",
    "2026-6-1 8:00:00",
    "0000-01-01 00:00:00",
    "0001-01-01 07:00:00",
    "9999-12-31 23:59:59",
    "2026-06-01T08:00:00",
    "01/06/2026 08:00",
    "2026-06-01",
    "2026-06-01 08:00",
    "",
    "n/a",
    "2026-06-01 24:00:00",
    None,
]
LEVELS = [
    "123.4",
    " 5 ",
    "-0.0",
    "0",
    "n/a",
    "",
    "nan",
    "inf",
    "1e400",
    "１２",
    "-3",
    None,
    "1_000",
]
LONS = [
    "113.80000",
    "-181",
    "181",
    "",
    "nan",
    "abc",
    "114.1 22.5",
    "(22.5, 114.1)",
    None,
    "114.12345678",  # 8 decimals: rounded
    "114.1234567",
    "114.",
    "-0.00000005",
    "1e2",
    " 113.8",
]
LATS = ["22.50000", "91", "-90", "", "inf", "m3", None, "22.123456789", "-22.5", "22.1234565"]
KINDS = ["WL", "RF", " WL ", "XX", "", "Ｗ Ｌ", None]


def reference(mapping: Mapping, row: dict[str, Any], now: datetime) -> Outcome:
    """The row-by-row rules: key, mapping, then the checks of the fields that mapped."""
    problems: list[FieldProblem] = []
    original = row
    if RAGGED in row:
        original = {k: v for k, v in row.items() if k != RAGGED}
        problems.append(FieldProblem("row", str(row[RAGGED])))
    key = record_key(mapping, row)
    if key is None:
        problems.append(FieldProblem("key", f"key column(s) {', '.join(mapping.key)} are blank"))
    mapped, mapping_problems = apply(mapping, row)
    record, invalid = conform(mapping.spec, mapped, now)
    failed = {p.field for p in mapping_problems}
    problems.extend(mapping_problems)
    problems.extend(p for p in invalid if p.field not in failed)
    return Outcome(key=key, record=record, problems=tuple(problems), original=original)


def _row(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        "station": draw(st.sampled_from(STATIONS)),
        "time": draw(st.sampled_from(TIMES)),
        "level_cm": draw(st.sampled_from(LEVELS)),
        "lon": draw(st.sampled_from(LONS)),
        "lat": draw(st.sampled_from(LATS)),
        "kind": draw(st.sampled_from(KINDS)),
    }
    for column in draw(st.sets(st.sampled_from(sorted(row)), max_size=2)):
        del row[column]  # a short row: the reader leaves the missing cells out
    if draw(st.booleans()) and draw(st.booleans()):
        row[RAGGED] = "row has 4 cells, the header has 6"
    return row


rows_strategy = st.lists(st.composite(_row)(), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(rows=rows_strategy, text=st.sampled_from([SENSORS, GAUGES, STOCK]))
def test_a_chunk_converts_as_its_rows_do_one_by_one(rows: list[dict[str, Any]], text: str) -> None:
    mapping = parse_mapping(text)
    chunk = Pipeline(mapping).process_chunk(rows, NOW).outcomes()
    assert chunk == [reference(mapping, row, NOW) for row in rows]


def test_the_benchmark_mapping_converts_a_chunk_as_row_by_row() -> None:
    mapping = parse_mapping(SENSORS)
    rows: list[dict[str, Any]] = [
        {
            "station": f"ST{n:04d}",
            "time": f"2026-06-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:{(7 * n) % 60:02d}",
            "level_cm": "n/a" if n % 100 == 0 else f"{n * 0.7:.1f}",
            "lon": f"{113.8 + n / 1000:.5f}",
            "lat": f"{22.5 + n / 2000:.5f}",
        }
        for n in range(2_000)
    ]
    chunk = Pipeline(mapping).process_chunk(rows, NOW).outcomes()
    assert chunk == [reference(mapping, row, NOW) for row in rows]
    kept = [o for o in chunk if o.ok]
    assert len(kept) == 1_980
    first = kept[0].record
    assert first["observed_at"] == "2026-06-01T17:01:07+00:00"  # 2 June 01:01:07 in +08:00
    assert first["value"] == pytest.approx(0.007)  # 0.7 cm in m
    assert first["location"] == {"lon": 113.801, "lat": 22.5005}
    rejected = next(o for o in chunk if not o.ok)
    assert rejected.problems == (FieldProblem("value", "could not convert string to float: 'n/a'"),)


@settings(max_examples=60, deadline=None)
@given(
    coordinates=st.lists(
        st.tuples(
            st.integers(-180, 180),
            st.integers(0, 10**9 - 1),
            st.integers(0, 9),
            st.integers(-90, 90),
            st.integers(0, 10**9 - 1),
            st.integers(0, 9),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_coordinates_are_rounded_to_7_decimals_whatever_their_spelling(
    coordinates: list[tuple[int, int, int, int, int, int]],
) -> None:
    """With up to 7 decimals a coordinate is stored as read (the rounding is skipped as it
    would change nothing), with more it is rounded: either way as row by row."""

    def spelled(whole: int, fraction: int, decimals: int) -> str:
        return f"{whole}.{fraction % 10**decimals:0{decimals}d}" if decimals else str(whole)

    mapping = parse_mapping(SENSORS)
    rows: list[dict[str, Any]] = [
        {
            "station": "ST0001",
            "time": "2026-06-01 08:00:00",
            "level_cm": "1.0",
            "lon": spelled(lon, lon_fraction, lon_decimals),
            "lat": spelled(lat, lat_fraction, lat_decimals),
        }
        for lon, lon_fraction, lon_decimals, lat, lat_fraction, lat_decimals in coordinates
    ]
    chunk = Pipeline(mapping).process_chunk(rows, NOW).outcomes()
    assert chunk == [reference(mapping, row, NOW) for row in rows]
