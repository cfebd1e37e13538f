"""Merge-candidate search on many open incidents: the indexed searches Lifeline uses against a
naive scan of every open incident, measured in the same run.

``--incidents`` open incidents are scattered uniformly over a 60 km × 40 km box around
Shenzhen (about the city's 2,000 km²), each with a latest report in the last 20 minutes, and of
one of four merge groups. For each of ``--queries`` new reports at random points, the
candidates are searched with the default rules (W = 600 s, D = 200 m, k = 2):

- **grid index** (:class:`lifeline.incidents.merging.GridIndex`): locations hashed into
  k·D-metre cells, looking at the 3 × 3 cells around the report;
- **naive scan** (:func:`lifeline.incidents.merging.naive_candidates`): every open incident
  checked with the same ``match`` function (the baseline; run on a sample of at most 100
  reports, as it is slow);
- **SQLite open_near**: what intake does, the repository's indexed query on (active, last report
  time) and the latitude/longitude box, on a migrated SQLite file holding the incidents;
- **SQLite load all + scan**: the baseline in the database, reading every active incident and
  scanning them (on a sample of at most 20 reports).

Both searches must find the same candidates; the script checks that and prints per-query p50
and p99 latencies and the ratios naive/indexed. What this does not measure: PostgreSQL, the
rest of intake (grading, events), or HTTP.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from lifeline.incidents.merging import (
    GridIndex,
    MergeRules,
    Sighting,
    bbox_around,
    naive_candidates,
)
from lifeline.incidents.model import (
    Category,
    Facts,
    Grade,
    Incident,
    Source,
    Status,
    Step,
)
from lifeline.incidents.store import SqlIncidentsRepository
from lifeline.kernel.db import make_engine
from lifeline.kernel.geo import Point
from lifeline.migrations import runner

T0 = datetime(2026, 7, 1, 8, tzinfo=UTC)
BOX = (113.80, 22.45, 114.40, 22.81)  # min lon, min lat, max lon, max lat
GROUPS = ("fire", "leak", "traffic", "flood")
TYPES = {
    "fire": "accident.fire",
    "leak": "accident.gas.pipeline_leak",
    "traffic": "accident.traffic.road",
    "flood": "natural.flood.rainstorm",
}


def sightings(n: int, rng: random.Random, prefix: str) -> list[Sighting]:
    return [
        Sighting(
            at=T0 - timedelta(seconds=rng.uniform(0, 1200)),
            location=Point(rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3])),
            merge_group=rng.choice(GROUPS),
            category="accident",
            exercise=False,
            id=f"{prefix}{i}",
        )
        for i in range(n)
    ]


def timed(
    fn: Callable[[Sighting], list[Sighting]], queries: list[Sighting]
) -> tuple[list[float], list[set[str]]]:
    times, found = [], []
    for q in queries:
        start = time.perf_counter()
        result = fn(q)
        times.append(time.perf_counter() - start)
        found.append({s.id for s in result})
    return times, found


def row(name: str, times: list[float]) -> str:
    us = np.asarray(times) * 1e6
    return (
        f"{name:<28} {np.percentile(us, 50):>10,.1f} {np.percentile(us, 99):>10,.1f} "
        f"{len(times) / sum(times):>12,.0f}"
    )


def incident_of(s: Sighting) -> Incident:
    return Incident(
        id=s.id, title="bench", category=Category.ACCIDENT, incident_type=TYPES[s.merge_group],
        status=Status.REPORTED, grade=Grade.IV, computed_grade=Grade.IV, grade_reason="",
        grade_overridden=False, location=s.location, affected_area=None, area_id=None,
        organisation_id="bench", path="/bench/", source=Source.CALL, facts=Facts(),
        description="", exercise=False, group_id=None, merged_into=None, opened_at=s.at,
        updated_at=s.at, last_report_at=s.at, report_count=1,
        steps=(Step(Status.REPORTED, s.at, "system"),),
    )  # fmt: skip


def database_search(
    incidents: list[Sighting], queries: list[Sighting], rules: MergeRules, folder: Path
) -> tuple[list[float], list[float], list[set[str]], list[set[str]]]:
    engine = make_engine(f"sqlite:///{folder}/bench.sqlite")
    runner.upgrade(engine)
    group_of = {s.id: s.merge_group for s in incidents}
    with engine.begin() as conn:
        repo = SqlIncidentsRepository(conn)
        for s in incidents:
            repo.add_incident(incident_of(s))

    def sighting_of(i: Incident) -> Sighting:
        return Sighting(
            at=i.last_report_at,
            location=i.location,
            merge_group=group_of[i.id],
            category="accident",
            exercise=False,
            id=i.id,
        )

    indexed_t, scan_t, indexed_f, scan_f = [], [], [], []
    with engine.connect() as conn:
        repo = SqlIncidentsRepository(conn)
        for q in queries:
            start = time.perf_counter()
            near = repo.open_near(
                bbox_around(q.location, rules.search_radius_m),
                q.at - timedelta(seconds=rules.search_window_s),
                False,
            )
            hits = naive_candidates(q, [sighting_of(i) for i in near], rules)
            indexed_t.append(time.perf_counter() - start)
            indexed_f.append({s.id for s in hits})
        for q in queries[: min(20, max(1, len(queries) // 10))]:  # the scan is slow: a sample
            start = time.perf_counter()
            every = [sighting_of(i) for i in repo.active_incidents()]
            hits = naive_candidates(q, every, rules)
            scan_t.append(time.perf_counter() - start)
            scan_f.append({s.id for s in hits})
    engine.dispose()
    return indexed_t, scan_t, indexed_f, scan_f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=50_000, help="open incidents")
    parser.add_argument("--queries", type=int, default=2_000, help="new reports searched")
    parser.add_argument("--db-incidents", type=int, default=20_000, help="incidents in SQLite")
    parser.add_argument("--quick", action="store_true", help="small sizes: does it still run?")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.incidents, args.queries, args.db_incidents = 3_000, 200, 1_000
    rng = random.Random(args.seed)
    rules = MergeRules()
    incidents = sightings(args.incidents, rng, "i")
    queries = [
        Sighting(at=T0, location=q.location, merge_group=q.merge_group, category="accident",
                 exercise=False)
        for q in sightings(args.queries, rng, "q")
    ]  # fmt: skip
    # queries near existing incidents too, so there is something to find
    for k in range(0, len(queries), 2):
        near = incidents[rng.randrange(len(incidents))]
        queries[k] = Sighting(
            at=T0,
            location=Point(near.location.lon + 0.001, near.location.lat),
            merge_group=near.merge_group,
            category="accident",
            exercise=False,
        )
    print(
        f"Merge-candidate search: {args.incidents:,} open incidents, {args.queries:,} reports "
        f"(W = {rules.window_s:g} s, D = {rules.distance_m:g} m, k = {rules.ambiguity_factor:g})"
    )
    index = GridIndex(rules)
    build = time.perf_counter()
    for s in incidents:
        index.add(s)
    build_s = time.perf_counter() - build
    grid_t, grid_f = timed(index.candidates, queries)
    sample = queries[: min(100, max(1, len(queries) // 10))]  # the scan is slow: a sample
    naive_t, naive_f = timed(lambda q: naive_candidates(q, incidents, rules), sample)
    if grid_f[: len(sample)] != naive_f:
        raise SystemExit("the grid index and the naive scan disagree")
    found = sum(len(f) for f in grid_f)
    print(f"{'method':<28} {'p50 us':>10} {'p99 us':>10} {'queries/s':>12}")
    print(row("naive scan", naive_t))
    print(row("grid index", grid_t))
    print(
        f"grid index built in {build_s * 1e3:,.1f} ms; {found:,} candidates found; the naive "
        f"scan ran {len(sample):,} of the reports and found the same"
    )
    ratio = np.percentile(naive_t, 50) / np.percentile(grid_t, 50)
    print(f"ratio naive/grid p50: {ratio:.2f}")

    db_incidents = incidents[: args.db_incidents]
    with tempfile.TemporaryDirectory() as folder:
        indexed_t, scan_t, indexed_f, scan_f = database_search(
            db_incidents, queries, rules, Path(folder)
        )
    if indexed_f[: len(scan_f)] != scan_f:
        raise SystemExit("the indexed query and the full scan disagree")
    print(f"\nIn SQLite: {len(db_incidents):,} open incidents")
    print(f"{'method':<28} {'p50 us':>10} {'p99 us':>10} {'queries/s':>12}")
    print(row("load all + scan", scan_t))
    print(row("open_near (indexed box)", indexed_t))
    ratio_db = np.percentile(scan_t, 50) / np.percentile(indexed_t, 50)
    print(f"ratio scan/indexed p50: {ratio_db:.2f}")


if __name__ == "__main__":
    main()
