"""Ingest validation: each row gets the first reason that applies, the rest are stored."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lifeline.monitoring.formats import ParsedRows, RejectReason
from lifeline.monitoring.model import StreamLimits
from lifeline.monitoring.validation import IngestWindow, index_streams, validate

NOW_US = 1_782_892_800 * 1_000_000
WINDOW = IngestWindow(late_window_s=3600, future_tolerance_s=60)
LIMITS = {
    "mine": StreamLimits("thing-1", "/city/district/", 0.0, 100.0),
    "theirs": StreamLimits("thing-2", "/city/sibling/", 0.0, 100.0),
}


def rows(*items: tuple[str, float, float]) -> ParsedRows:
    return ParsedRows(
        total=len(items),
        index=list(range(len(items))),
        datastream_ids=[i[0] for i in items],
        time_us=np.asarray([NOW_US + round(i[1] * 1e6) for i in items], dtype=np.int64),
        values=np.asarray([i[2] for i in items], dtype=np.float64),
    )


def test_every_reason_in_order() -> None:
    batch = rows(
        ("mine", 0, 50),
        ("nope", 0, 50),
        ("theirs", 0, 50),
        ("mine", 0, float("nan")),
        ("mine", 0, float("inf")),
        ("mine", 0, 100.5),
        ("mine", 61, 50),
        ("mine", -3601, 50),
        ("mine", -3600, 0),  # on the edge of the window and of the range: accepted
        ("mine", 999, 500),  # both out of range and in the future: range is checked first
    )
    ok, rejected = validate(batch, LIMITS, now_us=NOW_US, window=WINDOW, device_thing_id="thing-1")
    assert ok.tolist() == [True] + [False] * 7 + [True, False]
    assert {r.index: r.reason for r in rejected} == {
        1: RejectReason.UNKNOWN_DATASTREAM,
        2: RejectReason.FOREIGN_DATASTREAM,
        3: RejectReason.NOT_FINITE,
        4: RejectReason.NOT_FINITE,
        5: RejectReason.OUT_OF_RANGE,
        6: RejectReason.FUTURE,
        7: RejectReason.TOO_LATE,
        9: RejectReason.OUT_OF_RANGE,
    }
    assert "[0, 100]" in next(r.detail for r in rejected if r.index == 5)


def test_accounts_are_held_to_their_scope_paths() -> None:
    batch = rows(("mine", 0, 1), ("theirs", 0, 1))
    ok, rejected = validate(
        batch, LIMITS, now_us=NOW_US, window=WINDOW, scope_paths=("/city/district/",)
    )
    assert ok.tolist() == [True, False]
    assert rejected[0].reason is RejectReason.OUT_OF_SCOPE
    everywhere, none = validate(batch, LIMITS, now_us=NOW_US, window=WINDOW, scope_paths=("/",))
    assert everywhere.all()
    assert none == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["mine", "theirs", "nope"]),
            st.floats(-7200, 7200),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
        max_size=40,
    )
)
def test_every_row_is_either_stored_or_rejected_exactly_once(
    items: list[tuple[str, float, float]],
) -> None:
    batch = rows(*items)
    ok, rejected = validate(batch, LIMITS, now_us=NOW_US, window=WINDOW, device_thing_id="thing-1")
    assert sorted([*np.flatnonzero(ok).tolist(), *(r.index for r in rejected)]) == list(
        range(len(items))
    )
    stored = batch.values[ok]
    assert np.isfinite(stored).all()
    assert ((stored >= 0) & (stored <= 100)).all()


def test_index_streams_gives_distinct_ids_in_first_seen_order_and_each_rows_position() -> None:
    distinct, codes = index_streams(["b", "a", "b", "c", "a"])
    assert distinct == ["b", "a", "c"]
    assert codes.tolist() == [0, 1, 0, 2, 1]
    assert [distinct[c] for c in codes.tolist()] == ["b", "a", "b", "c", "a"]


@given(st.lists(st.sampled_from(["mine", "theirs", "nope"]), max_size=30))
def test_stream_verdicts_reach_every_row_of_the_stream(ids: list[str]) -> None:
    batch = rows(*((i, 0, 50) for i in ids))
    ok, rejected = validate(batch, LIMITS, now_us=NOW_US, window=WINDOW, device_thing_id="thing-1")
    assert ok.tolist() == [i == "mine" for i in ids]
    assert sorted(r.index for r in rejected) == [k for k, i in enumerate(ids) if i != "mine"]
