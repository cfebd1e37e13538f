"""Duplicate detection: strong and weak matches, the verdict, and the grid index."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.incidents.merging import (
    GridIndex,
    MergeRules,
    Sighting,
    Verdict,
    decide,
    naive_candidates,
)
from lifeline.kernel.geo import Point

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
HERE = Point(114.055, 22.541)
RULES = MergeRules()


def east(p: Point, metres: float) -> Point:
    return Point(p.lon + metres / (111_195.0 * math.cos(math.radians(p.lat))), p.lat)


def sighting(
    id_: str = "",
    at_s: float = 0,
    where: Point = HERE,
    group: str = "fire",
    phones: frozenset[str] = frozenset(),
    exercise: bool = False,
) -> Sighting:
    return Sighting(
        at=T0 + timedelta(seconds=at_s),
        location=where,
        merge_group=group,
        category="accident",
        exercise=exercise,
        phones=phones,
        id=id_,
    )


def test_one_close_compatible_incident_is_merged() -> None:
    decision = decide(sighting(at_s=300), [sighting("a", where=east(HERE, 150))], RULES)
    assert decision.verdict is Verdict.MERGE
    assert decision.main_id == "a"


def test_the_bounds_are_inclusive_and_beyond_them_a_person_decides() -> None:
    on_bound = decide(sighting(at_s=600), [sighting("a", where=east(HERE, 199.0))], RULES)
    assert on_bound.verdict is Verdict.MERGE
    beyond = decide(sighting(at_s=601), [sighting("a")], RULES)
    assert beyond.verdict is Verdict.ASK
    assert not beyond.matches[0].strong
    assert decide(sighting(at_s=1201), [sighting("a")], RULES).verdict is Verdict.NEW
    assert decide(sighting(), [sighting("a", where=east(HERE, 401))], RULES).verdict is Verdict.NEW


def test_incompatible_types_and_exercises_never_match() -> None:
    assert decide(sighting(), [sighting("a", group="leak")], RULES).verdict is Verdict.NEW
    assert decide(sighting(), [sighting("a", exercise=True)], RULES).verdict is Verdict.NEW


def test_the_same_caller_merges_from_further_away() -> None:
    phone = frozenset({"13800000000"})
    far = sighting("a", where=east(HERE, 350), phones=phone)
    assert decide(sighting(phones=phone), [far], RULES).verdict is Verdict.MERGE
    assert decide(sighting(phones=frozenset({"1"})), [far], RULES).verdict is Verdict.ASK


def test_two_strong_matches_are_ambiguous() -> None:
    decision = decide(
        sighting(),
        [sighting("a", where=east(HERE, 100)), sighting("b", where=east(HERE, -100))],
        RULES,
    )
    assert decision.verdict is Verdict.ASK
    assert {m.incident_id for m in decision.matches} == {"a", "b"}


coords = st.tuples(
    st.floats(min_value=113.9, max_value=114.1), st.floats(min_value=22.5, max_value=22.52)
)


@settings(max_examples=50)
@given(st.lists(coords, min_size=1, max_size=60), coords)
def test_the_grid_index_finds_exactly_what_a_full_scan_finds(
    incidents: list[tuple[float, float]], report: tuple[float, float]
) -> None:
    open_ = [sighting(f"i{k}", where=Point(*p)) for k, p in enumerate(incidents)]
    index = GridIndex(RULES)
    for s in open_:
        index.add(s)
    me = sighting(where=Point(*report))
    assert {s.id for s in index.candidates(me)} == {
        s.id for s in naive_candidates(me, open_, RULES)
    }
