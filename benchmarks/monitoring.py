"""Monitoring ingest throughput: observations/s stored durably through the batch path
(validation, idempotent insert, quarantine, every registered batch sink) against a bare
``executemany`` of the same rows into the same table, measured in the same run; and, when a
broker URL is given, the MQTT path with one worker process and with two worker processes
sharing a subscription.

Setup (not timed) registers ``--rules`` threshold rules through the bus (one per kind of ten
for each of ``--rules / 10`` districts) and writes ``--datastreams`` datastreams (ten per
thing, one of each kind, so every datastream is bound to exactly one rule) straight into the
registry tables, then ingests one observation per datastream (so the caches are warm). Each
timed round sends ``--rows`` observations in batches of ``--batch`` rows spread over all
datastreams (in the datastreams' order, or with ``--shuffle`` in random order, as arrivals from
many devices come), each batch one transaction. Two rates are printed: wall-clock
obs/s, and obs/s per core = rows / the process's CPU time (user + system, all its threads),
which is what the process costs whatever else runs on the machine. The values stay below the
rules' thresholds (evaluation without alarms). The table grows by every round, and SQLite's
rate falls as it grows: the ingest path's obs/s per core is also printed for each round with
the rows the table held before it (on PostgreSQL on this machine, also counting the CPU of the
server's backend processes serving the benchmark's database).

Overload (unless ``--no-overload``): for ``--overload-s`` seconds, batches are offered at
``--overload-factor`` × the measured batch-path rate to a bounded intake of ``--capacity``
observations feeding ``--writers`` threads, as the HTTP server does; what does not fit is shed.
The same is then run against an unbounded intake. Each prints what was offered, accepted,
stored (must equal accepted), shed, the peak backlog and the memory it holds (peak backlog ×
the bytes one waiting observation holds, measured with tracemalloc), the growth of the
process's RSS, and the time from the last offer until everything accepted was stored.

SQLite is a WAL file with ``synchronous=FULL``; PostgreSQL runs when
``LIFELINE_BENCH_POSTGRES_URL`` (or ``--postgres-url``) is set, in its own schema
``lifeline_bench_monitoring``, created and dropped here.

MQTT (``--mqtt-url``): ``lifeline monitoring mqtt-worker`` processes, started as an operator
would (one, then two in one shared-subscription group), on the benchmark's database; the
benchmark publishes ``--messages`` messages of ten observations as one device and reads the
workers' progress from their ``/metrics``. Printed: obs/s from the first publish until every
message was handled, obs/s per core of the workers' CPU time, and the ratio two/one. On
SQLite the two processes still take turns to write (one writer per database file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.errors import Overloaded
from lifeline.kernel.mqtt import broker_address, new_client
from lifeline.migrations.isolated import (
    add_postgres_options,
    create_schema,
    drop_schema,
    migrated_sqlite_url,
)
from lifeline.monitoring import messages as m
from lifeline.monitoring import store
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.formats import ParsedRows
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.kinds import kinds
from lifeline.monitoring.mqtt import publish_properties, topic_for
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.warning.messages import CreateRule

BENCH_SCHEMA = "lifeline_bench_monitoring"
STREAMS_PER_THING = 10
BACKLOG = 800  # MQTT messages published but not yet processed, at most


RULE_KINDS = list(SensorKind)[:10]  # ten kinds; every organisation has one rule per kind


def rule_definition(kind: SensorKind) -> dict[str, object]:
    """A two-level threshold rule with hysteresis (the benchmark's values stay below it)."""
    return {
        "name": f"{kind.value} high",
        "hazard": "benchmark",
        "select": {"kind": kind.value},
        "condition": {
            "type": "threshold",
            "levels": [
                {"level": "yellow", "raise_at": 50.0, "clear_below": 45.0},
                {"level": "red", "raise_at": 80.0, "clear_below": 75.0},
            ],
        },
    }


def register(platform: Platform, n_streams: int, n_rules: int) -> tuple[str, list[str], list[str]]:
    """A city with ``n_rules / 10`` districts, each with one threshold rule per kind of ten;
    ``n_streams / 10`` things of ten datastreams (one of each kind) spread over the districts,
    so every datastream is bound to exactly one rule."""
    bus = platform.bus
    city = bus.handle(RegisterOrganisation(name="Bench city", kind=OrgKind.CITY), SYSTEM_ACTOR)
    districts = [
        bus.handle(
            RegisterOrganisation(name=f"District {i}", kind=OrgKind.DISTRICT, parent_id=city.id),
            SYSTEM_ACTOR,
        )
        for i in range(max(1, n_rules // len(RULE_KINDS)))
    ]
    for org in districts:
        for kind in RULE_KINDS:
            bus.handle(
                CreateRule(organisation_id=org.id, definition=rule_definition(kind)), SYSTEM_ACTOR
            )
    specs = kinds()
    now = datetime.now(UTC)
    n_things = max(1, n_streams // STREAMS_PER_THING)
    things = [f"bench-thing-{i:06d}" for i in range(n_things)]
    streams = [f"bench-stream-{i:07d}" for i in range(n_things * STREAMS_PER_THING)]
    owner = [districts[i % len(districts)] for i in range(n_things)]
    with platform.engine.begin() as conn:
        conn.execute(
            store.things.insert(),
            [
                {"id": t, "name": t, "description": "", "organisation_id": owner[i].id,
                 "path": owner[i].path, "area_id": None, "lon": 114.1, "lat": 22.6,
                 "properties": "{}", "exercise": False, "created_at": now}
                for i, t in enumerate(things)
            ],
        )  # fmt: skip
        rows = []
        for i, s in enumerate(streams):
            org = owner[i // STREAMS_PER_THING]
            spec = specs[RULE_KINDS[i % STREAMS_PER_THING]]
            rows.append(
                {"id": s, "number": i + 1, "thing_id": things[i // STREAMS_PER_THING],
                 "sensor_id": None,
                 "name": s, "kind": spec.kind.value, "unit": spec.unit,
                 "min_value": spec.min_value, "max_value": spec.max_value,
                 "interval_s": spec.interval_s, "organisation_id": org.id, "path": org.path,
                 "area_id": None, "foi_lon": 114.1, "foi_lat": 22.6, "created_at": now}
            )  # fmt: skip
        conn.execute(store.datastreams.insert(), rows)
    return city.id, things, streams


def batches(
    streams: list[str], rows: int, batch: int, round_no: int, shuffle: bool = False
) -> list[tuple[list[str], np.ndarray, np.ndarray]]:
    """``rows`` observations in batches; each round uses fresh phenomenon times. The rows of a
    batch follow the datastreams' order, or with ``shuffle`` come in random order (as arrivals
    from many devices do)."""
    rng = np.random.default_rng(round_no)
    base_s = time.time() - 3600 + round_no * 60
    out = []
    for start in range(0, rows, batch):
        n = min(batch, rows - start)
        at = np.arange(start, start + n)
        if shuffle:
            at = rng.permutation(at)
        idx = (at % len(streams)).tolist()
        ids = [streams[i] for i in idx]
        t_us = np.rint((base_s + (at // len(streams)) * 0.001) * 1e6)
        out.append((ids, t_us.astype(np.int64), rng.normal(25, 2, n)))
    return out


@dataclass(frozen=True)
class Timing:
    """One timed round: wall-clock seconds and the process's CPU seconds (all its threads)."""

    wall_s: float
    cpu_s: float


def time_ingest(platform: Platform, work: list[tuple[list[str], np.ndarray, np.ndarray]]) -> Timing:
    started, cpu = time.perf_counter(), time.process_time()
    for ids, t_us, values in work:
        rows = ParsedRows(total=len(ids), index=list(range(len(ids))), datastream_ids=ids,
                          time_us=t_us, values=values)  # fmt: skip
        result = platform.bus.handle(m.IngestObservations(rows=rows, source="bench"), SYSTEM_ACTOR)
        assert result.accepted == len(ids), result.reasons()
    return Timing(time.perf_counter() - started, time.process_time() - cpu)


def time_bare(
    platform: Platform,
    work: list[tuple[list[str], np.ndarray, np.ndarray]],
    numbers: dict[str, int],
) -> Timing:
    """The same rows by a bare ``executemany`` into the same table, each batch a transaction
    (the datastream numbers looked up in a dict, as the ingest path's cache does)."""
    received = int(time.time() * 1e6)
    started, cpu = time.perf_counter(), time.process_time()
    for ids, t_us, values in work:
        with platform.engine.begin() as conn:
            conn.execute(
                store.observations.insert(),
                [
                    {"datastream_number": numbers[s], "phenomenon_time_us": t, "result": v,
                     "received_at_us": received, "batch_id": "bare"}
                    for s, t, v in zip(ids, t_us.tolist(), values.tolist(), strict=True)
                ],
            )  # fmt: skip
    return Timing(time.perf_counter() - started, time.process_time() - cpu)


def server_cpu(platform: Platform) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend process serving the benchmark's
    database, by pid (read from ``/proc``, so only for a server on this machine; empty on
    SQLite). The server's shared processes (WAL writer, checkpointer) are not counted."""
    if platform.engine.dialect.name != "postgresql":
        return {}
    with platform.engine.connect() as conn:
        pids = conn.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'"
            )
        ).scalars()
        return {int(pid): cpu_seconds(int(pid)) for pid in pids}


def server_cpu_since(platform: Platform, before: dict[int, float]) -> float:
    """The database backends' CPU seconds since ``before`` (:func:`server_cpu`)."""
    return sum(s - before.get(pid, 0.0) for pid, s in server_cpu(platform).items())


def bench_backend(name: str, url: str, args: argparse.Namespace) -> None:
    platform = build_platform(Settings(database_url=url, log_json=False))
    try:
        _, things, streams = register(platform, args.datastreams, args.rules)
        numbers = {s: i + 1 for i, s in enumerate(streams)}  # as register() numbered them
        # warm-up, not timed: one observation per datastream, so that the ingest and rule caches
        # hold every datastream (as in a running system) before the timed rounds
        time_ingest(platform, batches(streams, len(streams), args.batch, 50))
        labels = ("bare executemany", "ingest batch path")
        wall: dict[str, float] = dict.fromkeys(labels, 0.0)
        per_core: dict[str, float] = dict.fromkeys(labels, 0.0)
        rounds: list[str] = []  # the ingest path's obs/s per core, by table size before
        for r in range(args.rounds):  # interleaved; best of the rounds
            work = batches(streams, args.rows, args.batch, 2 * r, args.shuffle)
            bare = time_bare(platform, work, numbers)
            held = count_stored(platform)
            backends = server_cpu(platform)
            ours = time_ingest(
                platform, batches(streams, args.rows, args.batch, 2 * r + 1, args.shuffle)
            )
            rounds.append(f"{args.rows / ours.cpu_s:,.0f} at {held:,}")
            if backends and (server_s := server_cpu_since(platform, backends)) > 0:
                both = args.rows / (ours.cpu_s + server_s)
                rounds[-1] += f" ({both:,.0f} counting the server's backends' CPU)"
            for label, t in zip(labels, (bare, ours), strict=True):
                wall[label] = max(wall[label], args.rows / t.wall_s)
                per_core[label] = max(per_core[label], args.rows / t.cpu_s)
        for label in labels:
            print(
                f"{name:<9} {label:<20} {len(streams):>11,} {args.rows:>9,} "
                f"{wall[label]:>12,.0f} {per_core[label]:>12,.0f}"
            )
        ratio = wall["ingest batch path"] / wall["bare executemany"]
        print(f"ratio ingest/bare {name}: {ratio:.2f}")
        print(f"stored in the table {name}: {count_stored(platform):,} observations")
        print(f"ingest obs/s/core by rows already in the table {name}: {'; '.join(rounds)}")
        if not args.no_overload:
            bench_overload(name, platform, streams, wall["ingest batch path"], args)
        if args.mqtt_url:
            bench_mqtt(name, url, platform, things, streams, args)
    finally:
        platform.close()


def rss_bytes() -> int:
    """Resident set size of this process now (Linux ``/proc``; 0 where it is unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class Overload:
    """What one overload run measured."""

    offered: int = 0
    shed: int = 0
    accepted: int = 0
    stored: int = 0
    failed: int = 0
    peak_backlog: int = 0
    peak_rss_mb: float = 0.0
    offered_per_s: float = 0.0
    drain_s: float = 0.0


def count_stored(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return int(
            conn.execute(sa.select(sa.func.count()).select_from(store.observations)).scalar_one()
        )


def offered_rows(streams: list[str], k: int, n: int, base_s: float) -> ParsedRows:
    """The ``k``-th batch of ``n`` rows, as receipt parses it: fresh keys, spread over
    ``streams``, phenomenon times 1 ms apart per stream."""
    g = np.arange(k * n, (k + 1) * n)
    return ParsedRows(
        total=n,
        index=list(range(n)),
        datastream_ids=[streams[i] for i in (g % len(streams)).tolist()],
        time_us=np.rint((base_s + (g // len(streams)) * 1e-3) * 1e6).astype(np.int64),
        values=np.full(n, 25.0),
    )


def held_bytes_per_observation(streams: list[str], n: int) -> float:
    """Memory one accepted observation holds while it waits (tracemalloc, one batch)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        rows = offered_rows(streams, 0, n, time.time())
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del rows
    return held / n


def overload_run(
    platform: Platform, streams: list[str], rate: float, capacity: int, args: argparse.Namespace
) -> Overload:
    """Offer batches at ``rate`` obs/s for ``args.overload_s`` seconds, as receipt does: each
    batch is built (as if parsed), reserved in a :class:`BoundedIntake` of ``capacity`` and
    handed to a pool of writer threads (as the HTTP server's threads), or shed when it does not
    fit. After the last offer, the time until every accepted batch is durable is the drain."""
    intake = BoundedIntake(capacity)
    out = Overload()
    before = count_stored(platform)
    pool = ThreadPoolExecutor(max_workers=args.writers)
    done = threading.Event()
    base_rss = rss_bytes()

    def sample() -> None:
        while not done.wait(0.02):
            out.peak_rss_mb = max(out.peak_rss_mb, (rss_bytes() - base_rss) / 1e6)

    def write(rows: ParsedRows) -> None:
        committed = False
        try:
            result = platform.bus.handle(m.IngestObservations(rows=rows, source="bench"),
                                         SYSTEM_ACTOR)  # fmt: skip
            committed = result.accepted == rows.total
        finally:
            intake.release(rows.total, "http", committed=committed, now_s=time.monotonic())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    n, k = args.batch, 0
    base_s = time.time() - 7200
    interval_s = n / rate
    started = time.perf_counter()
    while (now := time.perf_counter()) - started < args.overload_s:
        due = started + k * interval_s
        if now < due:
            time.sleep(due - now)
        rows = offered_rows(streams, k, n, base_s)
        k += 1
        out.offered += n
        try:
            intake.reserve(n, "http")
        except Overloaded:
            out.shed += n
            continue
        pool.submit(write, rows)
    stopped = time.perf_counter()
    out.offered_per_s = out.offered / (stopped - started)
    pool.shutdown(wait=True)
    out.drain_s = time.perf_counter() - stopped
    done.set()
    sampler.join()
    snap = intake.snapshot()
    out.accepted = snap.accepted.get("http", 0)
    out.failed = snap.failed.get("http", 0)
    out.peak_backlog = snap.peak_backlog
    out.stored = count_stored(platform) - before
    return out


def bench_overload(
    name: str, platform: Platform, streams: list[str], sustained: float, args: argparse.Namespace
) -> None:
    """3× the sustained rate against the bounded intake, and against an unbounded one."""
    rate = args.overload_factor * sustained
    print(
        f"\nOverload {name}: {args.overload_factor:g}x the sustained {sustained:,.0f} obs/s for "
        f"{args.overload_s:g} s, {args.writers} writer threads"
    )
    print(
        f"{'backend':<9} {'intake':<10} {'capacity':>9} {'offered/s':>10} {'accepted':>9} "
        f"{'stored':>9} {'shed':>9} {'peak backlog':>12} {'held MB':>8} {'RSS +MB':>8} "
        f"{'drain s':>8}"
    )
    per_obs = held_bytes_per_observation(streams, args.batch)
    runs: dict[str, Overload] = {}
    for label, capacity in (("bounded", args.capacity), ("unbounded", 10**12)):
        run = overload_run(platform, streams, rate, capacity, args)
        runs[label] = run
        shown = f"{capacity:,}" if capacity < 10**12 else "-"
        print(
            f"{name:<9} {label:<10} {shown:>9} {run.offered_per_s:>10,.0f} {run.accepted:>9,} "
            f"{run.stored:>9,} {run.shed:>9,} {run.peak_backlog:>12,} "
            f"{run.peak_backlog * per_obs / 1e6:>8.1f} {run.peak_rss_mb:>8.1f} "
            f"{run.drain_s:>8.2f}"
        )
        if run.stored != run.accepted or run.failed:
            raise SystemExit(f"{label}: accepted {run.accepted} but stored {run.stored}")
    bounded, unbounded = runs["bounded"], runs["unbounded"]
    print(f"accepted == stored {name}: yes")
    print(
        f"ratio peak backlog unbounded/bounded {name}: "
        f"{unbounded.peak_backlog / max(1, bounded.peak_backlog):.2f}"
    )
    print(
        f"ratio drain time unbounded/bounded {name}: "
        f"{unbounded.drain_s / max(1e-3, bounded.drain_s):.2f}"
    )


def scrape(port: int) -> dict[str, float]:
    """A worker's ``/metrics`` as {sample name with labels: value}."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    return {
        name: float(value)
        for name, value in (line.rsplit(" ", 1) for line in text.splitlines() if line[:1] != "#")
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux ``/proc``; 0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class WorkerProcess:
    """One ``lifeline monitoring mqtt-worker`` process and the port of its ``/metrics``."""

    proc: subprocess.Popen[str]
    metrics_port: int

    def counter(self, name: str) -> float:
        return scrape(self.metrics_port).get(name, 0.0)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()


def handled(workers: list[WorkerProcess]) -> int:
    """MQTT messages the workers have handled (stored or quarantined) so far."""
    return int(sum(w.counter("lifeline_mqtt_messages_total") for w in workers))


def start_worker(db_url: str, args: argparse.Namespace, group: str, root: str) -> WorkerProcess:
    """Start a worker process as an operator would, and wait until it has subscribed."""
    env = {
        **os.environ,
        "LIFELINE_LOG_JSON": "false",
        "LIFELINE_MONITORING_DEVICE_RATE_PER_S": "1e9",  # measure ingest, not the rate limit
        "LIFELINE_MONITORING_DEVICE_BURST": "1e9",
    }
    proc = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
        [
            sys.executable, "-m", "lifeline.cli", "monitoring", "mqtt-worker",
            "--database-url", db_url, "--mqtt-url", args.mqtt_url, "--group", group,
            "--topic-root", root, "--metrics-port", "0",
        ],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    port = 0
    for line in proc.stdout:
        if found := re.search(r"metrics at http://[^:]+:(\d+)/metrics", line):
            port = int(found.group(1))
        if line.startswith("subscribed to"):
            return WorkerProcess(proc, port)
    raise SystemExit(f"the MQTT worker did not start: {proc.communicate()[1]}")


def bench_mqtt(
    name: str, db_url: str, platform: Platform, things: list[str], streams: list[str],
    args: argparse.Namespace,
) -> None:  # fmt: skip
    """One worker process, then two sharing a subscription: obs/s from the first publish until
    the workers have handled every message, and obs/s per core of the workers' CPU time."""
    thing = things[0]
    _, key = platform.bus.handle(m.IssueDeviceKey(thing_id=thing), SYSTEM_ACTOR)
    own = streams[:STREAMS_PER_THING]
    root = f"bench{os.getpid()}"
    per_message = 10
    rates: dict[int, float] = {}
    for n_workers in (1, 2):
        group = f"bench-{os.getpid()}-{n_workers}"
        workers = [start_worker(db_url, args, group, root) for _ in range(n_workers)]
        try:
            publisher = new_client()
            host, port = broker_address(args.mqtt_url)
            publisher.connect(host, port)
            publisher.loop_start()
            props = publish_properties(key)
            base = time.time() - 600 + n_workers * 100
            payloads = [
                (
                    topic_for("org", thing, own[i % len(own)], root),
                    json.dumps({"phenomenon_time": [base + (i * per_message + j) * 1e-3
                                                    for j in range(per_message)],
                                "results": [25.0] * per_message}),
                )
                for i in range(args.messages)
            ]  # fmt: skip

            cpu_before = sum(cpu_seconds(w.proc.pid) for w in workers)
            started = time.perf_counter()
            done = 0
            for i, (topic, payload) in enumerate(payloads):
                # keep the backlog under the broker's per-session queue limit (Mosquitto: 1,000)
                while i - done > BACKLOG:  # polled sparingly: a scrape costs the worker CPU
                    time.sleep(0.05)
                    done = handled(workers)
                publisher.publish(topic, payload, qos=1, properties=props)
            deadline = time.monotonic() + 600
            while handled(workers) < args.messages:
                if time.monotonic() > deadline:
                    raise TimeoutError("MQTT workers did not finish")
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            cpu_s = sum(cpu_seconds(w.proc.pid) for w in workers) - cpu_before
            accepted = int(
                sum(w.counter("lifeline_mqtt_accepted_observations_total") for w in workers)
            )
            publisher.loop_stop()
            publisher.disconnect()
        finally:
            for w in workers:
                w.stop()
        assert accepted == args.messages * per_message, accepted
        rates[n_workers] = accepted / elapsed
        per_core = accepted / cpu_s if cpu_s > 0 else float("nan")
        print(f"{name:<9} mqtt {n_workers} worker process(es) {args.messages:>9,} msgs "
              f"{rates[n_workers]:>12,.0f} obs/s {per_core:>12,.0f} obs/s/core")  # fmt: skip
    print(f"ratio mqtt two/one worker processes {name}: {rates[2] / rates[1]:.2f}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--datastreams", type=int, default=10_000, help="Datastreams registered")
    parser.add_argument("--rules", type=int, default=1_000, help="Threshold rules (10 kinds)")
    parser.add_argument("--rows", type=int, default=200_000, help="Observations per round")
    parser.add_argument("--batch", type=int, default=5_000, help="Observations per batch")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds (best is reported)")
    parser.add_argument("--messages", type=int, default=5_000, help="MQTT messages per run")
    add_postgres_options(parser, BENCH_SCHEMA)
    parser.add_argument(
        "--mqtt-url",
        default=os.environ.get("LIFELINE_BENCH_MQTT_URL"),
        help="mqtt://host:port of a broker (default $LIFELINE_BENCH_MQTT_URL); MQTT is skipped "
        "without one",
    )
    parser.add_argument(
        "--overload-factor", type=float, default=3.0, help="Offered rate / sustained rate"
    )
    parser.add_argument("--overload-s", type=float, default=10.0, help="Seconds of overload")
    parser.add_argument(
        "--capacity", type=int, default=100_000, help="Bounded intake capacity, observations"
    )
    parser.add_argument("--writers", type=int, default=4, help="Writer threads under overload")
    parser.add_argument("--no-overload", action="store_true", help="Skip the overload runs")
    parser.add_argument(
        "--shuffle",
        action="store_true",
        help="Rows of each timed batch in random order, not by datastream",
    )
    parser.add_argument("--quick", action="store_true", help="Small sizes: does it still run?")
    args = parser.parse_args(argv)
    if args.quick:
        args.datastreams, args.rows, args.batch, args.rounds = 1_000, 10_000, 2_000, 1
        args.rules = 100
        args.overload_s, args.capacity = 1.5, 10_000
        args.messages = 300
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(
        f"Monitoring ingest throughput (observations/s, batches of {args.batch:,}, "
        f"best of {args.rounds}{', rows in random order' if args.shuffle else ''})"
    )
    print(
        f"{'backend':<9} {'path':<20} {'datastreams':>11} {'rows':>9} {'obs/s wall':>12} "
        f"{'obs/s/core':>12}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench_backend("sqlite", migrated_sqlite_url(Path(tmp) / "bench.sqlite"), args)
    if args.postgres_url and not args.no_postgres:
        scoped = create_schema(args.postgres_url, BENCH_SCHEMA)
        try:
            bench_backend("postgres", scoped, args)
        finally:
            drop_schema(args.postgres_url, BENCH_SCHEMA)
    else:
        print("postgres: skipped (no --postgres-url / LIFELINE_BENCH_POSTGRES_URL)")
    if not args.mqtt_url:
        print("mqtt: skipped (no --mqtt-url / LIFELINE_BENCH_MQTT_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
