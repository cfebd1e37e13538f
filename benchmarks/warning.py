"""Rule evaluation: the vectorised evaluator against a per-observation Python loop, and the
latency from an observation's arrival to its alarm event committed, at half the sustained load.

Setup: 10,000 datastreams and 1,000 threshold rules (two levels with hysteresis, yellow at 50 /
clear below 45, red at 80 / clear below 75) over 100 organisations × 10 sensor kinds, so each
stream is bound to exactly one rule. Values are N(20, 10) with rare excursions to 90.

1. Throughput, pure evaluation: micro-batches of 10,000 observations from random streams through
   ``RuleEngine.evaluate`` against the obvious per-observation loop (dict lookup of the stream's
   bindings, per-level hysteresis in Python) on the same data; both must find the same
   transitions. Prints observations/s for each and their ratio.
2. Sustained rate of the durable path on SQLite (a migrated temporary file): each batch's
   observations inserted and the batch handed to ``RuleEvaluationSink`` in one unit of work
   that commits (observations, alarms, events), as monitoring's ingest does.
   Then a full garbage collection's pause, as the warmed process stands and after
   ``freeze_after_startup`` (what the serving processes call once started; decision 0030),
   with their ratio; the latency legs run with the heap frozen, as those processes do. On
   SQLite the durable path runs with background WAL checkpoints, as the serving processes do
   (decision 0031; ``--no-checkpointer``: the commits run them, as before).
3. Latency at half that rate (``--load``: another share), from an observation's arrival to
   its alarm event committed and to the live stream's reader having it (published), along
   four paths in the same run:
   the old one (the intake flushes every 1,000 arrivals, the evaluator re-reads the rules'
   stamp every batch, the reader polls every 0.5 s); the MQTT worker's old policy, a window
   of 50 ms (its old default) or 5 ms after a batch's first message; and the new one, group
   commit as the worker now does it. The three worker paths drive the worker's own objects:
   a producer thread (the network) reserves each message's rows in a ``BoundedIntake`` and
   puts the message (the arrivals due when it woke, at most 10) in the inbox at its arrival
   time; the writer thread takes batches (``take_batch`` with the window, or
   ``GroupCommitInbox``: an idle writer commits the first message at once, a busy one takes
   what queued during its commit, up to 1,000 messages), commits each in one transaction and
   releases it from the intake; the stamp is cached and the reader woken by the alarm bell.
   One arrival in 1,000 is a fresh stream crossing red. Every batch stores its observations
   before the rules see it, as in production. Prints p50 and p99 of
   each and the ratios of each old path's published p99 to the new one's; ``p50 ms`` /
   ``p99 ms`` are the new path's.

Run: ``.venv/bin/python benchmarks/warning.py`` (``--quick``: 1,000 streams and 100 rules;
``--sink-only``: without the observation insert, the rules' own share of the latency;
``--database-url``: the sink and latency parts on that database instead of a temporary SQLite
file, e.g. an empty PostgreSQL database, which the run migrates and fills).
Timing never decides a test.
"""

from __future__ import annotations

import argparse
import gc
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel import eventlog
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.batching import GroupCommitInbox, take_batch
from lifeline.kernel.heap import freeze_after_startup
from lifeline.kernel.ids import new_id
from lifeline.migrations import runner
from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.model import MONITORING
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.warning.evaluator import CompiledRule, RuleEngine
from lifeline.warning.messages import CreateRule
from lifeline.warning.model import WARNING
from lifeline.warning.rules import parse_rule
from lifeline.warning.scales import scales
from lifeline.warning.service import RuleEvaluationSink

KINDS = list(SensorKind)[:10]
LEVELS = ((50.0, 45.0, 2), (80.0, 75.0, 4))  # (raise_at, clear_below, national rank)


def rule_definition(kind: SensorKind) -> dict[str, object]:
    return {
        "name": f"{kind.value} high",
        "hazard": "benchmark",
        "select": {"kind": kind.value},
        "condition": {
            "type": "threshold",
            "levels": [
                {"level": "yellow", "raise_at": LEVELS[0][0], "clear_below": LEVELS[0][1]},
                {"level": "red", "raise_at": LEVELS[1][0], "clear_below": LEVELS[1][1]},
            ],
        },
    }


@dataclass
class World:
    orgs: list[str]
    paths: dict[str, str]
    streams: list[StreamInfo]
    rules: list[CompiledRule]


def stream_number(datastream_id: str) -> int:
    """The number of the world's datastream ``ds<i>`` (``i + 1``): the observation table's key,
    which monitoring's registry would have assigned."""
    return int(datastream_id[2:]) + 1


def world(n_streams: int, n_rules: int, org_ids: list[str] | None = None) -> World:
    n_orgs = n_rules // len(KINDS)
    orgs = org_ids or [f"org{i}" for i in range(n_orgs)]
    paths = {o: f"/city/{o}/" for o in orgs}
    streams = [
        StreamInfo(f"ds{i}", f"th{i}", orgs[i % n_orgs], KINDS[(i // n_orgs) % len(KINDS)], "",
                   None, 114.0 + i * 1e-5, 22.5)
        for i in range(n_streams)
    ]  # fmt: skip
    rules = [
        CompiledRule(f"r{o}-{k.value}", 1, paths[o], parse_rule(rule_definition(k), scales()))
        for o in orgs
        for k in KINDS
    ]
    return World(orgs, paths, streams, rules)


def batches(
    w: World, n_obs: int, size: int, seed: int, spike: float = 0.002
) -> list[ObservationBatch]:
    rng = np.random.default_rng(seed)
    ids = np.array([s.datastream_id for s in w.streams])
    table = {s.datastream_id: s for s in w.streams}
    out = []
    t = 1.8e9
    for start in range(0, n_obs, size):
        n = min(size, n_obs - start)
        pick = rng.integers(0, len(ids), n)
        values = rng.normal(20.0, 10.0, n)
        spikes = rng.random(n) < spike
        values[spikes] = 90.0
        times = t + np.sort(rng.uniform(0, 1, n))
        t += 1.0
        out.append(ObservationBatch(tuple(ids[pick].tolist()), times, values, times, table))
    return out


def python_loop(w: World) -> Callable[[ObservationBatch], int]:
    """The baseline: one Python iteration per observation and binding."""
    by_kind_org = {(r.scope_path, r.definition.select.kind): r for r in w.rules}
    bindings: dict[str, list[list[bool]]] = {}
    for s in w.streams:
        rule = by_kind_org.get((w.paths[s.organisation_id], s.kind))
        bindings[s.datastream_id] = [[False, False]] if rule is not None else []

    def run(batch: ObservationBatch) -> int:
        transitions = 0
        order = np.argsort(batch.phenomenon_time_s, kind="stable")
        ids = batch.datastream_ids
        values = batch.values.tolist()
        for i in order.tolist():
            v = values[i]
            for active in bindings[ids[i]]:
                before = max((LEVELS[k][2] for k in range(2) if active[k]), default=0)
                for k, (up, down, _) in enumerate(LEVELS):
                    if v >= up:
                        active[k] = True
                    elif v < down:
                        active[k] = False
                after = max((LEVELS[k][2] for k in range(2) if active[k]), default=0)
                transitions += before != after
        return transitions

    return run


def throughput(w: World, data: list[ObservationBatch]) -> None:
    engine = RuleEngine(w.rules)
    baseline = python_loop(w)
    path_of = w.paths.get
    # bind every stream once, outside the timing (values at 0: no transition)
    every = [s.datastream_id for s in w.streams]
    zeros = np.zeros(len(every))
    warm = ObservationBatch(tuple(every), zeros, zeros, zeros, data[0].streams)
    engine.evaluate(warm, path_of)
    baseline(warm)
    engine.evaluate(data[0], path_of)
    baseline(data[0])
    n = sum(len(b) for b in data[1:])
    start = time.perf_counter()
    found_vec = sum(len(engine.evaluate(b, path_of)) for b in data[1:])
    t_vec = time.perf_counter() - start
    start = time.perf_counter()
    found_loop = sum(baseline(b) for b in data[1:])
    t_loop = time.perf_counter() - start
    if found_vec != found_loop:
        raise SystemExit(f"evaluators disagree: {found_vec} vs {found_loop} transitions")
    print(f"\nEvaluation throughput ({n:,} observations, {found_vec:,} transitions)")
    print(f"{'evaluator':<28} {'obs/s':>14}")
    print(f"{'vectorised (numpy)':<28} {n / t_vec:>14,.0f}")
    print(f"{'per-observation Python loop':<28} {n / t_loop:>14,.0f}")
    print(f"ratio vectorised/loop: {t_loop / t_vec:.2f}")


def seeded_platform(url: str, n_streams: int, n_rules: int) -> tuple[Platform, World]:
    """A migrated platform with the organisations and rules, as an operator would set it up."""
    platform = build_platform(Settings(database_url=url, log_json=False))
    runner.upgrade(platform.engine)
    bus = platform.bus
    city = bus.handle(
        RegisterOrganisation(name="深圳市", kind=OrgKind.CITY, admin_code="440300"), SYSTEM_ACTOR
    )
    orgs = [
        bus.handle(
            RegisterOrganisation(name=f"区{i}", kind=OrgKind.DISTRICT, parent_id=city.id),
            SYSTEM_ACTOR,
        ).id
        for i in range(n_rules // len(KINDS))
    ]
    for org in orgs:
        for kind in KINDS:
            bus.handle(
                CreateRule(organisation_id=org, definition=rule_definition(kind)), SYSTEM_ACTOR
            )
    return platform, world(n_streams, n_rules, orgs)


@dataclass
class Options:
    store_observations: bool = True  # --sink-only: False


OPTIONS = Options()


def commit(platform: Platform, batch: ObservationBatch) -> None:
    """Store ``batch``'s observations and hand it to the sinks in one unit of work, as
    monitoring's ingest does (only the sinks with ``--sink-only``)."""
    with platform.uow() as uow:
        if OPTIONS.store_observations:
            uow.repo(MONITORING).insert_observations(
                new_id(),
                [stream_number(s) for s in batch.datastream_ids],
                np.round(batch.phenomenon_time_s * 1_000_000).astype(np.int64).tolist(),
                batch.values.tolist(),
                round(time.time() * 1_000_000),
            )
        for sink in platform.batch_sinks:
            sink(batch, uow)
        uow.commit()


def last_seq(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return eventlog.last_seq(conn)


def sustained(platform: Platform, w: World, quick: bool, seed: int, backend: str) -> float:
    """The durable path's rate over the last half of the batches: the table has grown by then,
    as it stays through the latency legs that follow (on SQLite the rate falls as it grows)."""
    data = batches(w, (20 if quick else 100) * 10_000, 10_000, seed + 1, spike=0.0002)
    half = len(data) // 2
    seq_before = last_seq(platform)
    start = time.perf_counter()
    for b in data[:half]:
        commit(platform, b)
    middle = time.perf_counter()
    for b in data[half:]:
        commit(platform, b)
    end = time.perf_counter()
    first = sum(len(b) for b in data[:half]) / (middle - start)
    rate = sum(len(b) for b in data[half:]) / (end - middle)
    events = last_seq(platform) - seq_before
    what = "store observations, evaluate" if OPTIONS.store_observations else "sink only: evaluate"
    print(f"\nDurable path on {backend} ({what}, write alarms, commit)")
    print(f"obs/s over the first half of the batches (table growing from empty): {first:,.0f}")
    print(f"sustained obs/s (second half, batches of 10,000, {events:,} alarm events): {rate:,.0f}")
    return rate


@dataclass
class AlarmPath:
    """One way from arrival to the live stream: how the intake flushes, how often the
    evaluator re-reads the rules' stamp, and how the stream's reader learns of a commit."""

    name: str
    flush: str  # "count": every 1,000 arrivals; "window": window_s after the first; "group"
    rules_check_s: float
    bell: bool  # woken by the alarm bell, or polling every poll_s
    window_s: float = 0.0
    label: str = "new"


OLD = AlarmPath(
    "old: 1,000 per flush, stamp per batch, 0.5 s poll", "count", 0.0, False, label="old"
)
WINDOW_50 = AlarmPath(
    "window 50 ms (worker's old default), bell", "window", 1.0, True, 0.05, "window 50 ms"
)
WINDOW_5 = AlarmPath("window 5 ms, stamp cached, bell", "window", 1.0, True, 0.005, "window 5 ms")
NEW = AlarmPath("new: group commit, stamp cached, bell", "group", 1.0, True)
PATHS = (OLD, WINDOW_50, WINDOW_5, NEW)
MAX_BATCH = 1_000  # messages per batch at most, as the worker's default
MESSAGE_ROWS = 10  # observations per message at most
POLL_S = 0.5  # LIFELINE_WARNING_STREAM_POLL_S
LEGS = 3


class Reader(threading.Thread):
    """The live stream's reader: waits (bell or poll), then reads new ``AlarmRaised`` from the
    log, noting when it saw each alarm's source."""

    def __init__(self, platform: Platform, bell: bool) -> None:
        super().__init__(daemon=True)
        self.platform, self.bell = platform, bell
        self.seen_at: dict[str, float] = {}
        self.cursor = last_seq(platform)
        self.stop = threading.Event()

    def run(self) -> None:
        rings = self.platform.alarm_bell.rings
        types = frozenset({"AlarmRaised"})
        while not self.stop.is_set():
            if self.bell:
                rings = self.platform.alarm_bell.wait(rings, POLL_S)
            else:
                self.stop.wait(POLL_S)
            with self.platform.engine.connect() as conn:
                events = eventlog.read_after(conn, self.cursor, 10_000, types)
            now = time.perf_counter()
            for event in events:
                self.seen_at.setdefault(str(event.payload["source_id"]), now)
                self.cursor = event.seq


def worker(arrivals: np.ndarray, stored: Callable[[slice], None], path: AlarmPath) -> None:
    """Drive the MQTT worker's batching objects: a producer thread (the network) reserves each
    message's rows in a ``BoundedIntake`` and puts the message in the inbox once it is due;
    this thread (the writer) takes batches — by group commit (``GroupCommitInbox``, the
    worker's policy) or by a window after the first message (``take_batch``, its old one) —
    stores each in one transaction and releases it from the intake. A message carries the
    arrivals due when the producer woke, at most ``MESSAGE_ROWS``; messages are consecutive,
    so a batch is one slice of the arrivals."""
    intake = BoundedIntake(100_000)
    n = len(arrivals)
    take: Callable[[], list[tuple[int, int]]]
    if path.flush == "group":
        group: GroupCommitInbox[tuple[int, int]] = GroupCommitInbox(max_batch=MAX_BATCH)
        put, take = group.put, lambda: group.take(timeout_s=1.0)
    else:
        inbox: queue.Queue[tuple[int, int]] = queue.Queue()
        put = inbox.put
        take = lambda: take_batch(  # noqa: E731
            inbox, timeout_s=1.0, max_batch=MAX_BATCH, max_wait_s=path.window_s
        )

    def produce() -> None:
        sent = 0
        while sent < n:
            time.sleep(max(0.0, arrivals[sent] - time.perf_counter()))
            due = int(np.searchsorted(arrivals, time.perf_counter(), side="right"))
            for lo in range(sent, max(due, sent + 1), MESSAGE_ROWS):
                hi = min(lo + MESSAGE_ROWS, max(due, sent + 1), n)
                intake.wait_reserve(hi - lo, "bench", timeout_s=60.0)
                put((lo, hi))
                sent = hi

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    done = 0
    while done < n:
        batch = take()
        if not batch:
            continue
        stored(slice(batch[0][0], batch[-1][1]))
        rows = batch[-1][1] - batch[0][0]
        intake.release(rows, "bench", committed=True, now_s=time.monotonic())
        done += rows
    producer.join()


def latency(
    platform: Platform, w: World, rate: float, rounds: int, seed: int, path: AlarmPath, first: int
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Arrivals at ``rate`` per second, evenly spread; one in every 1,000 is a fresh
    stream crossing red (the k-th is the ``first + k``-th stream with no open alarm), the rest
    normal values on streams that never cross. Returns the latencies (ms) from arrival to
    commit and to the reader, and the size of every batch committed."""
    size = 1_000
    arrival_rate = rate
    n = rounds * size
    rng = np.random.default_rng(seed + 2)
    table = {s.datastream_id: s for s in w.streams}
    with platform.uow(read_only=True) as uow:
        raised = {a.source_id for a in uow.repo(WARNING).open_alarms()}
    ids = [s.datastream_id for s in w.streams if s.datastream_id not in raised]
    quiet = ids[first + rounds + 2 :]
    picks = [quiet[j] for j in rng.integers(0, len(quiet), n)]
    values = rng.normal(20.0, 5.0, n)
    crossing_at = [k * size + int(rng.integers(0, size)) for k in range(rounds)]
    for k, i in enumerate(crossing_at):
        picks[i], values[i] = ids[first + k], 90.0
    sink = platform.batch_sinks[0]
    assert isinstance(sink, RuleEvaluationSink)
    sink.rules_check_s = path.rules_check_s
    reader = Reader(platform, path.bell)
    reader.start()
    committed = np.full(n, np.nan)
    start = time.perf_counter() + 0.01
    arrivals = start + np.arange(n) / arrival_rate

    sizes: list[int] = []

    def stored(sl: slice) -> None:
        sizes.append(sl.stop - sl.start)
        times = time.time() - (time.perf_counter() - arrivals[sl])
        commit(platform, ObservationBatch(tuple(picks[sl]), times, values[sl], times, table))
        committed[sl] = time.perf_counter()

    if path.flush != "count":
        worker(arrivals, stored, path)
    taken = n if path.flush != "count" else 0
    while taken < n:  # the old intake: a flush of every 1,000 arrivals
        upto = min(taken + size, n)
        time.sleep(max(0.0, arrivals[upto - 1] - time.perf_counter()))
        stored(slice(taken, upto))
        taken = upto
    deadline = time.perf_counter() + 10.0  # ends as soon as every alarm was seen
    while len(reader.seen_at) < rounds and time.perf_counter() < deadline:
        time.sleep(0.01)
    reader.stop.set()
    platform.alarm_bell.ring()
    reader.join()
    to_commit = np.array([committed[i] - arrivals[i] for i in crossing_at]) * 1_000
    to_reader = np.array(
        [reader.seen_at.get(ids[first + k], np.nan) - arrivals[i]
         for k, i in enumerate(crossing_at)]
    ) * 1_000  # fmt: skip
    return to_commit, to_reader, sizes


def latencies(
    platform: Platform, w: World, rate: float, rounds: int, seed: int, share: float
) -> None:
    """The latency legs at ``rate`` (``share`` of the sustained rate) arrivals per second."""
    print(
        f"\nLatency observation → alarm event, at {share:g} of that load ({rate:,.0f} obs/s, "
        f"{rounds} alarms per path, in {LEGS} legs taking the paths in turn)"
    )
    print(f"{'path':<52} {'commit p50':>11} {'p99':>8} {'published p50':>14} {'p99':>8}")
    committed: dict[str, list[np.ndarray]] = {p.name: [] for p in PATHS}
    published: dict[str, list[np.ndarray]] = {p.name: [] for p in PATHS}
    batch_sizes: dict[str, list[int]] = {p.name: [] for p in PATHS}
    for leg in range(LEGS):  # in turn, so that other work on the machine weighs on each alike
        for path in PATHS[leg % len(PATHS) :] + PATHS[: leg % len(PATHS)]:
            to_commit, to_reader, sizes = latency(
                platform, w, rate, rounds // LEGS, seed + leg, path, 0
            )
            committed[path.name].append(to_commit)
            published[path.name].append(to_reader)
            batch_sizes[path.name] += sizes
    results = {}
    for path in PATHS:
        to_commit = np.concatenate(committed[path.name])
        to_reader = results[path.name] = np.concatenate(published[path.name])
        print(
            f"{path.name:<52} {np.percentile(to_commit, 50):>11.2f} "
            f"{np.percentile(to_commit, 99):>8.2f} {np.nanpercentile(to_reader, 50):>14.2f} "
            f"{np.nanpercentile(to_reader, 99):>8.2f}"
        )
    new = results[NEW.name]
    p99 = float(np.nanpercentile(new, 99))
    print(f"p50 ms: {np.nanpercentile(new, 50):.2f}")
    print(f"p99 ms: {p99:.2f}")
    for path in (OLD, WINDOW_50, WINDOW_5):
        ratio = np.nanpercentile(results[path.name], 99) / p99
        print(f"ratio {path.label}/new p99 published: {ratio:.2f}")
    for path in PATHS:
        sizes = batch_sizes[path.name]
        print(
            f"batches {path.label}: {len(sizes):,} "
            f"(mean {np.mean(sizes):,.0f}, p99 {np.percentile(sizes, 99):,.0f} observations)"
        )
    missing = sum(int(np.isnan(r).sum()) for r in results.values())
    print(f"alarms not published: {missing}")


def gc_pause() -> None:
    """A full garbage collection's pause with the warmed process's objects tracked, then after
    ``freeze_after_startup`` as the serving processes call it (decision 0030)."""

    def pause_us() -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            gc.collect()
            times.append(1e6 * (time.perf_counter() - start))
        return float(np.median(times))

    tracked = len(gc.get_objects())
    before = pause_us()
    frozen = freeze_after_startup()
    after = pause_us()
    print(f"\nFull garbage collection pause (median of 3), {tracked:,} objects tracked")
    print(f"as started: {before / 1000:,.1f} ms; after freezing {frozen:,}: {after:,.0f} µs")
    print(f"ratio started/frozen: {before / after:,.0f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 streams and 100 rules")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument(
        "--load",
        type=float,
        default=0.5,
        help="share of the sustained rate offered in the latency legs (default 0.5: half load)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="run the sink and latency parts on this (empty) database, which the run migrates "
        "and fills, e.g. postgresql+psycopg://…; default: a temporary SQLite file",
    )
    parser.add_argument(
        "--sink-only",
        action="store_true",
        help="leave out the observation insert: rules, detectors, alarm writes and commit only",
    )
    parser.add_argument(
        "--no-checkpointer",
        action="store_true",
        help="on SQLite, leave WAL checkpoints to the commits (no background checkpoints)",
    )
    args = parser.parse_args(argv)
    OPTIONS.store_observations = not args.sink_only
    n_streams, n_rules = (1_000, 100) if args.quick else (10_000, 1_000)
    n_obs = (10 if args.quick else 100) * 10_000
    print(f"Warning-rule benchmark: {n_streams:,} datastreams, {n_rules:,} rules")
    w = world(n_streams, n_rules)
    throughput(w, batches(w, n_obs, 10_000, args.seed))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        backend = url.split(":", 1)[0].split("+", 1)[0]
        platform, sink_world = seeded_platform(url, n_streams, n_rules)
        try:
            if not args.no_checkpointer:  # WAL checkpoints off the writer, as when serving
                platform.start_wal_checkpoints()
            rate = sustained(platform, sink_world, args.quick, args.seed, backend)
            gc_pause()  # and from here on the heap is frozen, as in the serving processes
            rounds = 30 if args.quick else 300
            latencies(platform, sink_world, rate * args.load, rounds, args.seed, args.load)
            if platform.wal_checkpointer is not None:
                stats = platform.wal_checkpointer.stats
                print(f"background WAL checkpoints: {stats.runs:,} ({stats.busy:,} not finished)")
        finally:
            platform.close()


if __name__ == "__main__":
    main()
