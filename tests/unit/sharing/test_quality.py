"""Quality: points outside the declared region, freshness against the schedule, the HTML page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.mapping import parse_mapping
from lifeline.sharing.quality import QualityTally, freshness
from lifeline.sharing.quality_page import render_quality_html

MAPPING = """
record_type: facility
key: [id]
region: {bbox: [113.75, 22.40, 114.65, 22.87]}
fields:
  external_id: {column: id}
  name: {column: name}
  kind: {const: shelter}
  location: {lon: lon, lat: lat}
"""
NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_points_outside_the_declared_region_are_counted_not_rejected() -> None:
    mapping = parse_mapping(MAPPING)
    assert mapping.region == (113.75, 22.40, 114.65, 22.87)
    tally = QualityTally(mapping.spec, region=mapping.region)
    tally.kept_record({"name": "in Futian", "location": {"lon": 114.05, "lat": 22.54}})
    tally.kept_record({"name": "in Guangzhou", "location": {"lon": 113.26, "lat": 23.13}})
    tally.kept_record({"name": "no point"})
    report = tally.report()
    assert report["outside_region"] == 1
    assert report["outside_region_rate"] == 0.5  # of the two records that have a point
    assert report["completeness"]["location"] == pytest.approx(0.6667)


@pytest.mark.parametrize(
    "region",
    ["{bbox: [1, 2, 3]}", "{bbox: [114, 22, 113, 23]}", "{bbox: [a, b, c, d]}", "[1, 2, 3, 4]"],
)
def test_a_malformed_region_is_refused(region: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_mapping(MAPPING.replace("{bbox: [113.75, 22.40, 114.65, 22.87]}", region))
    assert err.value.problems[0].field.startswith("region")


def test_freshness_against_the_refresh_interval() -> None:
    day = 24 * 3600
    assert freshness(None, day, NOW)["status"] == "never"
    assert freshness(NOW - timedelta(hours=2), None, NOW)["status"] == "unscheduled"
    fresh = freshness(NOW - timedelta(hours=23), day, NOW)
    assert (fresh["status"], fresh["age_s"], fresh["overdue_s"]) == ("fresh", 23 * 3600, 0)
    stale = freshness(NOW - timedelta(hours=30), day, NOW)
    assert (stale["status"], stale["overdue_s"]) == ("stale", 6 * 3600)


def test_the_html_page_escapes_names_and_shows_the_figures() -> None:
    report = {
        "dataset_name": "<script>alert(1)</script> 避难场所",
        "record_type": "facility",
        "generated_at": NOW.isoformat(),
        "freshness": freshness(NOW - timedelta(hours=30), 86400, NOW),
        "records": 12,
        "open_quarantine": 3,
        "runs": 1,
        "latest_run": {"file_name": "shelters.xlsx", "validity": 0.8,
                       "duplicate_rate": 0.0, "outside_region_rate": 0.25,
                       "completeness": {"name": 1.0, "location": 0.75},
                       "invalid_by_field": {"kind": 3}},
        "history": [{"finished_at": NOW.isoformat(), "mapping_version": 2, "read": 15,
                     "accepted": 12, "merged": 0, "quarantined": 3, "validity": 0.8,
                     "duplicate_rate": 0.0, "outside_region_rate": 0.25}],
    }  # fmt: skip
    page = render_quality_html(report)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'class="stale"' in page
    assert "75.0 %" in page  # location completeness
    assert "25.0 %" in page  # outside the region
    assert "http" not in page  # nothing fetched from elsewhere


def test_a_chunk_of_kept_records_tallies_as_record_by_record() -> None:
    mapping = parse_mapping(MAPPING)
    chunk: list[dict[str, object]] = [
        {"name": "in Futian", "location": {"lon": 114.05, "lat": 22.54}},
        {"name": "", "location": {"lon": 113.26, "lat": 23.13}},
        {"name": None, "external_id": "7"},
        {"external_id": "8", "name": "x"},
    ]
    one_by_one = QualityTally(mapping.spec, region=mapping.region)
    for values in chunk:
        one_by_one.kept_record(values)
    at_once = QualityTally(mapping.spec, region=mapping.region)
    at_once.kept_records(chunk)
    assert at_once.report() == one_by_one.report()
    report = at_once.report()
    assert report["records_kept"] == 4
    assert report["completeness"]["name"] == 0.5  # "" and None hold nothing
    assert report["completeness"]["location"] == 0.5
    assert report["outside_region"] == 1
