"""Row filters of sharing agreements: area and time window, bounds, records lacking the fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.row_filter import RowFilter, RowMatcher, checked_filter
from lifeline.sharing.standard import STANDARD, RecordType

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
SINCE = datetime(2026, 6, 30, tzinfo=UTC)
UNTIL = datetime(2026, 7, 1, tzinfo=UTC)


def _filter() -> RowFilter:
    made = checked_filter(
        STANDARD[RecordType.INCIDENT],
        area=SQUARE,
        time_field="reported_at",
        since=SINCE,
        until=UNTIL,
    )
    assert made is not None
    return made


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        ({"location": {"lon": 0.5, "lat": 0.5}, "reported_at": "2026-06-30T00:00:00+00:00"}, True),
        ({"location": {"lon": 1.0, "lat": 0.5}, "reported_at": "2026-06-30T12:00:00+00:00"}, True),
        ({"location": {"lon": 1.5, "lat": 0.5}, "reported_at": "2026-06-30T12:00:00+00:00"}, False),
        ({"location": {"lon": 0.5, "lat": 0.5}, "reported_at": "2026-07-01T00:00:00+00:00"}, False),
        ({"location": {"lon": 0.5, "lat": 0.5}, "reported_at": "2026-06-30T07:00:00+08:00"}, False),
        ({"reported_at": "2026-06-30T12:00:00+00:00"}, False),
        ({"location": {"lon": 0.5, "lat": 0.5}}, False),
    ],
)
def test_the_area_covers_its_boundary_and_the_window_is_half_open(
    data: dict[str, object], kept: bool
) -> None:
    assert RowMatcher(_filter())(data) is kept


def test_a_filter_round_trips_through_json() -> None:
    made = _filter()
    assert RowFilter.from_json(made.to_json()) == made


def test_nothing_set_means_no_filter_and_bad_windows_are_refused() -> None:
    spec = STANDARD[RecordType.INCIDENT]
    assert checked_filter(spec) is None
    with pytest.raises(InvalidInput) as err:
        checked_filter(spec, time_field="reported_at", since=UNTIL, until=SINCE)
    assert err.value.problems[0].field == "row_filter.until"
    with pytest.raises(InvalidInput) as err:
        checked_filter(spec, time_field="reported_at", since=datetime(2026, 6, 30))  # noqa: DTZ001
    assert err.value.problems[0].field == "row_filter.since"
