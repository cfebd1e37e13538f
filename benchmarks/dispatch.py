"""Optimal dispatch: 200 competing incidents × 2,000 units, against greedy nearest-unit; and
the recommendation through the message bus on a 500,000-node road network, warm against cold.

Units of five types stand at 150 stations in a Shenzhen-sized box; each incident (grade I–IV,
weights 8/4/2/1) has a run card of one to three unit types, one to three units each. ETAs come
from the travel-time port's great-circle fallback (30 km/h × 1.3 detour). Both methods run on the
same ETA matrix in the same run; printed: time of each, the grade-weighted response time
Σ w·ETA, the unweighted total ETA, slots left empty, and the ratios optimal/greedy. Also the
recommendation for one incident (ETA + coverage loss over every unit of the asked types):
p50/p99 over the incidents against plain ETA sorting.

**Recommendation on roads**: a migrated SQLite platform on the generated 500,000-node street
grid (``--quick``: 20,000) with 200 units (``--quick``: 40) at 60 stations (12), a fifth of them
out on patrol at AVL positions; ``RecommendUnits`` for incidents with a warehouse-fire run card
(3 engines, 1 ladder, 2 ambulances), answered through ``MessageBus.handle`` as a commander's
request is — loading the incident and units from the database, ETAs to the incident and the
coverage matrix to the stations. p50/p99 **cold** (no search tree kept: every query searches)
against **warm** (after the platform's ``TreeWarmer`` kept the trees of the stations and the
patrol positions; its time and memory are printed; each incident asked five times), and the
ratios cold/warm; the selected units are checked to be the same. Run: ``.venv/bin/python
benchmarks/dispatch.py`` (``--quick`` for 20 × 200 and the small grid). Timing never decides a
test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.dispatch.messages import AvlFix, RecommendUnits, RegisterUnit, ReportPositions
from lifeline.dispatch.model import Unit, UnitType
from lifeline.dispatch.optimize import greedy, optimal
from lifeline.dispatch.recommend import coverage_loss_s, recommend
from lifeline.dispatch.service import RecommendationView
from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.travel import GreatCircleTravelTimes
from lifeline.incidents.events import IncidentOpened
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.kernel.ids import new_id
from lifeline.migrations.isolated import migrated_sqlite_url
from lifeline.plans.events import PlanActivated, RequiredUnits
from lifeline.registry.model import FacilityKind, OrgKind, RegisterFacility, RegisterOrganisation

TYPES = ("fire_engine", "ambulance", "police_car", "ladder", "hazmat")
TYPE_SHARE = (0.4, 0.25, 0.2, 0.1, 0.05)
FloatArray = npt.NDArray[np.float64]
GRADES = {"I": 8.0, "II": 4.0, "III": 2.0, "IV": 1.0}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 incidents, 200 units")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)
    n_inc, n_units, n_stations = (20, 200, 15) if args.quick else (200, 2_000, 150)
    rng = np.random.default_rng(args.seed)
    box = ((113.75, 114.62), (22.45, 22.86))
    stations = np.column_stack([rng.uniform(*box[0], n_stations), rng.uniform(*box[1], n_stations)])
    home = rng.integers(0, n_stations, n_units)
    jitter = rng.normal(0, 0.002, (n_units, 2))  # some units are out on patrol near home
    units = stations[home] + jitter
    unit_types = [str(t) for t in rng.choice(TYPES, n_units, p=TYPE_SHARE)]
    incidents = np.column_stack([rng.uniform(*box[0], n_inc), rng.uniform(*box[1], n_inc)])
    grades = rng.choice(list(GRADES), n_inc, p=(0.05, 0.15, 0.3, 0.5))
    weights = np.array([GRADES[g] for g in grades])
    demand = []
    for _ in range(n_inc):
        kinds = rng.choice(TYPES[:3], rng.integers(1, 4), replace=False)
        demand.append({str(k): int(rng.integers(1, 4)) for k in kinds})
    travel = GreatCircleTravelTimes()
    print(f"Dispatch benchmark: {n_inc} incidents x {n_units} units")
    eta = assignment(travel, units, incidents, unit_types, demand, weights)
    recommendation(travel, units, stations, incidents, unit_types, demand)
    del eta
    with tempfile.TemporaryDirectory() as tmp:
        recommendation_on_roads(Path(tmp), quick=args.quick, seed=args.seed)


def assignment(
    travel: GreatCircleTravelTimes,
    units: FloatArray,
    incidents: FloatArray,
    unit_types: list[str],
    demand: list[dict[str, int]],
    weights: FloatArray,
) -> FloatArray:
    """Optimal vs greedy on one ETA matrix; prints the table and the ratios."""
    start = time.perf_counter()
    eta = travel.matrix_s([tuple(p) for p in units], [tuple(p) for p in incidents])
    matrix_s = time.perf_counter() - start

    start = time.perf_counter()
    best = optimal(eta, unit_types, demand, weights)
    optimal_s = time.perf_counter() - start
    start = time.perf_counter()
    base = greedy(eta, unit_types, demand, weights)
    greedy_s = time.perf_counter() - start
    slots = sum(sum(d.values()) for d in demand)

    print(f"{slots} unit slots asked for")
    print(f"ETA matrix ({travel.description}): {matrix_s * 1000:.1f} ms")
    print(f"{'method':<8} {'time ms':>9} {'weighted s':>12} {'total ETA s':>12} {'empty':>6}")
    for name, result, took in (("optimal", best, optimal_s), ("greedy", base, greedy_s)):
        empty = sum(result.shortfall.values())
        print(
            f"{name:<8} {took * 1000:>9.1f} {result.objective_s:>12.0f} "
            f"{result.total_eta_s:>12.0f} {empty:>6}"
        )
    print(f"ratio optimal/greedy weighted response: {best.objective_s / base.objective_s:.3f}")
    print(f"ratio optimal/greedy total ETA: {best.total_eta_s / base.total_eta_s:.3f}")
    print(f"ratio optimal/greedy time: {optimal_s / max(greedy_s, 1e-9):.2f}")
    return eta


def recommendation(
    travel: GreatCircleTravelTimes,
    units: FloatArray,
    stations: FloatArray,
    incidents: FloatArray,
    unit_types: list[str],
    demand: list[dict[str, int]],
) -> None:
    """Coverage-aware recommendation for each incident vs a plain ETA sort: p50/p99."""
    types_arr = np.asarray(unit_types, dtype=object)
    station_points = [tuple(p) for p in stations]
    aware, plain = [], []
    for i in range(len(demand)):
        wanted = set(demand[i])
        idx = np.flatnonzero(np.isin(types_arr, list(wanted)))
        start = time.perf_counter()
        to_incident = travel.to_one_s([tuple(p) for p in units[idx]], tuple(incidents[i]))
        loss = np.zeros(idx.size)
        for t in wanted:
            members = np.flatnonzero(types_arr[idx] == t)
            cover = travel.matrix_s([tuple(p) for p in units[idx[members]]], station_points)
            loss[members] = coverage_loss_s(cover)
        recommend(to_incident, [unit_types[j] for j in idx], demand[i], loss)
        aware.append(time.perf_counter() - start)
        start = time.perf_counter()
        to_incident = travel.to_one_s([tuple(p) for p in units[idx]], tuple(incidents[i]))
        np.argsort(to_incident)
        plain.append(time.perf_counter() - start)
    p50a, p99a = np.percentile(aware, [50, 99]) * 1000
    p50p, p99p = np.percentile(plain, [50, 99]) * 1000
    print(f"{'recommendation':<16} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'coverage-aware':<16} {p50a:>8.2f} {p99a:>8.2f}")
    print(f"{'ETA sort':<16} {p50p:>8.2f} {p99p:>8.2f}")
    print(f"ratio coverage-aware/ETA-sort p50: {p50a / max(p50p, 1e-9):.2f}")


RUN_CARD = {"fire_engine": 3, "ladder": 1, "ambulance": 2}
WARM_ROUNDS = 5
"""Warm queries are cheap: each incident is asked this many times, for a steadier p99."""
ROAD_TYPES = (
    UnitType.ENGINE,
    UnitType.AMBULANCE,
    UnitType.LADDER,
    UnitType.POLICE_CAR,
    UnitType.HAZMAT,
)


def recommendation_on_roads(workdir: Path, *, quick: bool, seed: int) -> None:
    """``RecommendUnits`` through the bus on a road network: cold searches against warm trees."""
    nodes, n_units, n_stations, queries = (20_000, 40, 12, 10) if quick else (500_000, 200, 60, 30)
    spec = f"synthetic:{nodes}:1"
    settings = Settings(
        database_url=migrated_sqlite_url(workdir / "roads.sqlite"),
        log_json=False,
        jwt_secret="x" * 40,
        road_network=spec,
    )
    start = time.perf_counter()
    platform = build_platform(settings)
    load_s = time.perf_counter() - start
    travel = platform.travel
    warmer = platform.tree_warmer
    assert isinstance(travel, RoadTravelTimes)
    assert warmer is not None
    rng = np.random.default_rng(seed)
    net = travel.network
    incidents = _road_world(platform, rng, n_units=n_units, n_stations=n_stations, queries=queries)
    print()
    print(
        f"Recommendation through the bus on {net.name}: {net.node_count:,} nodes "
        f"(loaded in {load_s:.1f} s), {n_units} units at {n_stations} stations, "
        f"{n_units // 5} on patrol"
    )
    travel.warm_trees([])  # cold: no tree kept, every query searches
    cold, cold_picks = _recommend_all(platform, incidents)
    warm_start = time.perf_counter()
    warmed = warmer.warm_once()
    warm_s = time.perf_counter() - warm_start
    warm, warm_picks = _recommend_all(platform, incidents * WARM_ROUNDS)
    warm_picks = warm_picks[: len(incidents)]
    w = warmed.warmth
    print(
        f"warm-up: {w.kept} trees ({w.wanted} points wanted, {w.beyond_budget} beyond the "
        f"budget) in {warm_s:.1f} s, {w.bytes / 2**20:.0f} MiB "
        f"(budget {travel.max_trees} trees, 4 bytes x {net.node_count:,} nodes each)"
    )
    print(f"{'trees':<6} {'queries':>7} {'p50 ms':>9} {'p99 ms':>9}")
    p50c, p99c = np.percentile(cold, [50, 99]) * 1000
    p50w, p99w = np.percentile(warm, [50, 99]) * 1000
    print(f"{'cold':<6} {len(cold):>7} {p50c:>9.2f} {p99c:>9.2f}")
    print(f"{'warm':<6} {len(warm):>7} {p50w:>9.2f} {p99w:>9.2f}")
    print(f"ratio cold/warm recommendation p50: {p50c / p50w:.2f}")
    print(f"ratio cold/warm recommendation p99: {p99c / p99w:.2f}")
    print(f"same units selected cold and warm: {'yes' if cold_picks == warm_picks else 'NO'}")
    platform.close()


def _road_world(
    platform: Platform, rng: np.random.Generator, *, n_units: int, n_stations: int, queries: int
) -> list[str]:
    """An organisation, stations and units at random network nodes, a fifth of the units moved
    by AVL to other nodes, and ``queries`` incidents with the run card; their ids."""
    travel = platform.travel
    assert isinstance(travel, RoadTravelTimes)
    net = travel.network
    bus = platform.bus

    def spot() -> Point:
        node = int(rng.integers(0, net.node_count))
        return Point(float(net.lon[node]), float(net.lat[node]))

    org = bus.handle(RegisterOrganisation(name="深圳市", kind=OrgKind.CITY), SYSTEM_ACTOR).id
    stations = [
        bus.handle(
            RegisterFacility(
                name=f"消防站 {i}", kind=FacilityKind.FIRE_STATION, location=spot(),
                organisation_id=org,
            ),
            SYSTEM_ACTOR,
        ).id
        for i in range(n_stations)
    ]  # fmt: skip
    units: list[Unit] = []
    for i in range(n_units):
        unit_type = ROAD_TYPES[i % len(ROAD_TYPES)]
        units.append(
            bus.handle(
                RegisterUnit(
                    call_sign=f"U{i:04d}", unit_type=unit_type,
                    station_id=stations[i % n_stations],
                ),
                SYSTEM_ACTOR,
            )
        )  # fmt: skip
    now = platform.clock.now()
    fixes = []
    for unit in units[: n_units // 5]:
        where = spot()
        fixes.append(AvlFix(unit=unit.id, lon=where.lon, lat=where.lat, at=now))
    bus.handle(ReportPositions(fixes=tuple(fixes), source="benchmark"), SYSTEM_ACTOR)
    incident_ids = []
    with platform.uow() as uow:
        for _ in range(queries):
            incident_id = new_id()
            where = spot()
            uow.record(
                IncidentOpened(
                    aggregate_id=incident_id, organisation_id=org, title="仓库火灾",
                    category="accident", incident_type="fire", source="call",
                    lon=where.lon, lat=where.lat,
                ),
                PlanActivated(
                    aggregate_id=new_id(), organisation_id=org, plan_id=new_id(),
                    plan_code="warehouse-fire", plan_version=1, incident_id=incident_id,
                    level="II", automatic=True,
                    required_units=tuple(
                        RequiredUnits(unit_type=t, count=c) for t, c in RUN_CARD.items()
                    ),
                ),
            )  # fmt: skip
            incident_ids.append(incident_id)
        uow.commit()
    platform.relay.drain()
    return incident_ids


def _recommend_all(
    platform: Platform, incidents: list[str]
) -> tuple[list[float], list[frozenset[str]]]:
    """Seconds per ``RecommendUnits`` through the bus, and the units each selects."""
    took: list[float] = []
    picks: list[frozenset[str]] = []
    for incident_id in incidents:
        start = time.perf_counter()
        view: RecommendationView = platform.bus.handle(
            RecommendUnits(incident_id=incident_id), SYSTEM_ACTOR
        )
        took.append(time.perf_counter() - start)
        picks.append(frozenset(r.unit.id for r in view.ranked if r.selected))
    return took, picks


if __name__ == "__main__":
    main()
