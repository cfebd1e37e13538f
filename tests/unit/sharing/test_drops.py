"""Which files of a drop to pick up: settled ones not seen before, each content once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.drops import (
    Decision,
    Sighting,
    check_pattern,
    decide,
    literal_suffix,
    mtime_at,
    mtime_us,
    triage,
)
from lifeline.sharing.model import DropFileStatus, DroppedFile

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def _picked(
    name: str, content_hash: str, status: DropFileStatus, *, size: int = 10, mtime: int = 1
) -> DroppedFile:
    return DroppedFile(
        id=f"{name}-{content_hash}",
        dataset_id="d",
        name=name,
        content_hash=content_hash,
        size_bytes=size,
        modified_at=mtime_at(mtime),
        status=status,
        run_id=f"run-{name}",
        picked_up_at=T0,
    )


def test_patterns_name_files_of_one_directory() -> None:
    assert check_pattern("  *.csv ") == "*.csv"
    for bad in ("", "../*.csv", "sub/*.csv", "..", "a\\b", "x" * 201):
        with pytest.raises(InvalidInput) as refused:
            check_pattern(bad)
        assert refused.value.problems[0].field == "pattern"
    assert literal_suffix("teams-*.csv") == ".csv"
    assert literal_suffix("*.xls?") is None
    assert literal_suffix("export_*") is None


def test_young_files_wait_known_ones_are_skipped_and_the_rest_hashed_oldest_first() -> None:
    picked = [_picked("a.csv", "h1", DropFileStatus.INGESTED, size=10, mtime=100)]
    failed = [_picked("c.csv", "h3", DropFileStatus.FAILED, size=5, mtime=50)]
    sightings = [
        Sighting("b.csv", 20, 300, age_s=500.0),
        Sighting("a.csv", 10, 100, age_s=900.0),  # as picked up: not read again
        Sighting("c.csv", 5, 50, age_s=950.0),  # failed before: tried again
        Sighting("d.csv", 7, 400, age_s=12.0),  # still being written
        Sighting("e.csv", 7, 410, age_s=2.0),
    ]
    plan = triage(sightings, picked + failed, settle_s=30)
    assert [s.name for s in plan.to_hash] == ["c.csv", "b.csv"]
    assert [s.name for s in plan.known] == ["a.csv"]
    assert [s.name for s in plan.waiting] == ["d.csv", "e.csv"]
    assert plan.wait_s == pytest.approx(28.0)
    # the same name touched (new mtime) is hashed again
    touched = triage([Sighting("a.csv", 10, 101, age_s=900.0)], picked, settle_s=30)
    assert [s.name for s in touched.to_hash] == ["a.csv"]
    assert triage([], picked, settle_s=30).wait_s is None


def test_each_content_is_ingested_once() -> None:
    picked = [
        _picked("a.csv", "h1", DropFileStatus.INGESTED),
        _picked("b.csv", "h2", DropFileStatus.FAILED),
    ]
    assert decide("a.csv", "h1", picked) == (Decision.SKIP, None)
    assert decide("copy.csv", "h1", picked) == (Decision.DUPLICATE, "run-a.csv")
    assert decide("a.csv", "h9", picked) == (Decision.INGEST, None)  # a changed file
    assert decide("b.csv", "h2", picked) == (Decision.INGEST, None)  # a failure is retried
    assert decide("c.csv", "h2", picked) == (Decision.INGEST, None)


@given(st.integers(min_value=0, max_value=4_000_000_000_000_000))
def test_modification_times_round_trip_in_microseconds(us: int) -> None:
    assert mtime_us(mtime_at(us)) == us
