"""Parsing the observation payload forms into columns, with per-row rejections."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lifeline.kernel.errors import InvalidInput
from lifeline.monitoring.formats import RejectReason, parse_body, parse_time_us

T = 1_782_892_800  # 2026-07-01T08:00:00Z


def test_times_are_iso_with_offset_or_unix_seconds_in_exact_microseconds() -> None:
    assert parse_time_us("2026-07-01T08:00:00Z") == T * 1_000_000
    assert parse_time_us("2026-07-01T16:00:00.000001+08:00") == T * 1_000_000 + 1
    assert parse_time_us(T + 0.25) == T * 1_000_000 + 250_000
    assert parse_time_us("2026-07-01T07:00:00Z/2026-07-01T08:00:00Z") == T * 1_000_000
    for bad in ("2026-07-01T08:00:00", "yesterday", True, float("nan"), None):
        with pytest.raises(ValueError, match=r"time|Invalid isoformat|offset"):
            parse_time_us(bad)


def test_json_rows_and_sensorthings_names_parse_to_the_same_columns() -> None:
    rows = [
        {"datastream_id": "s1", "phenomenon_time": T, "result": 1},
        {"Datastream": {"@iot.id": "s2"}, "phenomenonTime": "2026-07-01T08:00:00Z",
         "result": "2.5"},
        {"datastream_id": "s3", "phenomenon_time": T, "result": True},
    ]  # fmt: skip
    parsed = parse_body(json.dumps(rows).encode(), "application/json")
    assert parsed.datastream_ids == ["s1", "s2", "s3"]
    assert parsed.values.tolist() == [1.0, 2.5, 1.0]
    assert parsed.time_us.tolist() == [T * 1_000_000] * 3
    assert parsed.rejected == []


def test_a_bad_row_is_rejected_alone_with_the_field_it_lacks() -> None:
    rows = {"observations": [
        {"datastream_id": "s1", "phenomenon_time": T},
        {"phenomenon_time": T, "result": 1},
        "not an object",
        {"datastream_id": "s1", "phenomenon_time": T, "result": [1]},
        {"datastream_id": "s1", "phenomenon_time": T, "result": 4},
    ]}  # fmt: skip
    parsed = parse_body(json.dumps(rows).encode(), "application/json; charset=utf-8")
    assert parsed.total == 5
    assert parsed.index == [4]
    assert [r.index for r in parsed.rejected] == [0, 1, 2, 3]
    assert all(r.reason is RejectReason.MALFORMED for r in parsed.rejected)
    assert parsed.rejected[0].detail.startswith("result:")
    assert parsed.rejected[1].detail.startswith("datastream_id:")


def test_ndjson_keeps_unreadable_lines_as_rejections() -> None:
    body = b'{"datastream_id": "s", "phenomenon_time": 1, "result": NaN}\n\n{oops\n'
    parsed = parse_body(body, "application/x-ndjson")
    assert parsed.total == 2
    assert np.isnan(parsed.values[0])
    assert parsed.rejected[0].index == 1
    assert "not JSON" in parsed.rejected[0].detail


def test_columnar_form_with_one_or_many_datastreams() -> None:
    one = parse_body(
        json.dumps({"datastream_id": "s", "phenomenon_time": [T, T + 1], "results": [1, 2]}
                   ).encode(), "application/json")  # fmt: skip
    assert one.datastream_ids == ["s", "s"]
    assert one.values.tolist() == [1.0, 2.0]
    many = parse_body(
        json.dumps({"datastream_ids": ["a", "b"], "phenomenon_time": ["2026-07-01T08:00:00Z", T],
                    "results": [1, "x"]}).encode(), "application/json")  # fmt: skip
    assert many.datastream_ids == ["a"]
    assert many.rejected[0].index == 1
    with pytest.raises(InvalidInput) as err:
        parse_body(b'{"datastream_id": "s", "phenomenon_time": [1], "results": []}', "")
    assert err.value.problems[0].field == "results"
    with pytest.raises(InvalidInput) as err:
        parse_body(b'{"phenomenon_time": [1], "results": [1]}', "application/json")
    assert err.value.problems[0].field == "datastream_id"


def test_unreadable_bodies_are_invalid_input_naming_the_body() -> None:
    for body in (b"{nope", b'"a string"', b'{"something": "else"}'):
        with pytest.raises(InvalidInput) as err:
            parse_body(body, "application/json")
        assert err.value.problems[0].field == "body"
