"""Event-log append and verify throughput on SQLite and PostgreSQL, with and without the chain.

Measures events appended per second through ``lifeline.kernel.eventlog.append`` inside a
transaction on a freshly migrated database, for two shapes (one event per transaction, and
batches of 100 per transaction), hash-chained and unchained, and the rate at which
``eventlog.verify`` walks the chain. Chained and unchained runs are interleaved in the same
process, so their ratio is meaningful even on a noisy machine; the absolute rates are not.

SQLite is a file in WAL mode with ``synchronous=FULL`` (the embedded default), so one event per
transaction measures fsync more than hashing. PostgreSQL runs when ``LIFELINE_BENCH_POSTGRES_URL``
or ``LIFELINE_TEST_POSTGRES_URL`` is set; it uses its own schema ``lifeline_bench``, created and
dropped here, so it never touches the tables of the test suite.

Run: ``.venv/bin/python benchmarks/event_log.py`` (``--quick`` for a smoke run, ``--help``).
Timing never decides a test: ``tests/integration/test_benchmark_scripts.py`` only checks that this
script runs and prints its table.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel import eventlog
from lifeline.kernel.chain import GENESIS_HASH
from lifeline.kernel.db import make_engine
from lifeline.kernel.events import DomainEvent
from lifeline.migrations.isolated import create_schema, drop_schema, migrated_sqlite_url

POSTGRES_ENVS = ("LIFELINE_BENCH_POSTGRES_URL", "LIFELINE_TEST_POSTGRES_URL")
BENCH_SCHEMA = "lifeline_bench"
ACTOR = "service:benchmark"
T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class GaugeReading(DomainEvent):
    """A realistic small event: a water-level gauge crossed a threshold."""

    aggregate_type: ClassVar[str] = "bench_gauge"

    station: str
    level_m: float
    threshold_m: float
    note: str


@dataclass(frozen=True)
class Shape:
    """How events are grouped into transactions."""

    label: str
    per_tx: int
    transactions: int

    @property
    def events(self) -> int:
        return self.per_tx * self.transactions


@dataclass(frozen=True)
class Plan:
    shapes: tuple[Shape, ...]
    rounds: int


FULL = Plan(shapes=(Shape("1 event/tx", 1, 1_000), Shape("100 events/tx", 100, 100)), rounds=3)
QUICK = Plan(shapes=(Shape("1 event/tx", 1, 20), Shape("100 events/tx", 100, 3)), rounds=1)


@dataclass(frozen=True)
class AppendResult:
    backend: str
    shape: Shape
    chained_eps: float
    unchained_eps: float

    @property
    def ratio(self) -> float:
        return self.chained_eps / self.unchained_eps


@dataclass(frozen=True)
class VerifyResult:
    backend: str
    entries: int
    entries_per_s: float


class Backend(Protocol):
    """A database to benchmark on: hands out an empty, migrated event log for each run."""

    name: str

    def fresh(self) -> AbstractContextManager[Engine]:
        """An engine on an empty, migrated event log."""
        ...

    def close(self) -> None:
        """Remove what the backend created."""
        ...


class SqliteBackend:
    """A SQLite file in WAL mode, copied from a migrated template for every run."""

    name = "sqlite"

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="lifeline-bench-"))
        self._template = self._dir / "template.sqlite"
        try:
            # disposing the last connection checkpoints the WAL into the file
            migrated_sqlite_url(self._template)
        except BaseException:
            self.close()
            raise
        self._runs = 0

    @contextmanager
    def fresh(self) -> Iterator[Engine]:
        self._runs += 1
        path = self._dir / f"run{self._runs}.sqlite"
        for suffix in ("", "-wal"):
            if Path(f"{self._template}{suffix}").exists():
                shutil.copyfile(f"{self._template}{suffix}", f"{path}{suffix}")
        engine = make_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


class PostgresBackend:
    """A private schema on the given server; the log is truncated before every run."""

    name = "postgres"

    def __init__(self, url: str) -> None:
        self._admin_url = url
        self._url = create_schema(url, BENCH_SCHEMA)

    @contextmanager
    def fresh(self) -> Iterator[Engine]:
        engine = make_engine(self._url)
        try:
            with engine.begin() as conn:
                # TRUNCATE fires no row triggers, so the append-only guard does not object.
                conn.execute(sa.text("TRUNCATE event_log"))
                conn.execute(
                    eventlog.event_log_head.update().values(last_seq=0, last_hash=GENESIS_HASH)
                )
            yield engine
        finally:
            engine.dispose()

    def close(self) -> None:
        drop_schema(self._admin_url, BENCH_SCHEMA)


def make_events(count: int, start: int) -> list[GaugeReading]:
    return [
        GaugeReading(
            aggregate_id=f"gauge-{(start + i) % 500:04d}",
            organisation_id="0190f1c2-0000-7000-8000-000000000001",
            station=f"深圳河 station {(start + i) % 500}",
            level_m=2.0 + ((start + i) % 97) / 100,
            threshold_m=2.5,
            note="water level above the yellow threshold",
        )
        for i in range(count)
    ]


def append_run(engine: Engine, shape: Shape, *, chained: bool) -> float:
    """Append ``shape.events`` events in ``shape.transactions`` transactions; return events/s."""
    batches = [make_events(shape.per_tx, i * shape.per_tx) for i in range(shape.transactions)]
    started = time.perf_counter()
    for i, batch in enumerate(batches):
        with engine.begin() as conn:
            eventlog.append(
                conn, batch, actor_id=ACTOR, occurred_at=T0 + timedelta(seconds=i), chained=chained
            )
    elapsed = time.perf_counter() - started
    return shape.events / elapsed


def verify_run(engine: Engine) -> tuple[int, float]:
    """Walk the chain; return (entries checked, entries/s). Exits if the chain is broken."""
    with engine.connect() as conn:
        started = time.perf_counter()
        checked, broken = eventlog.verify(conn)
        elapsed = time.perf_counter() - started
    if broken is not None:
        sys.exit(f"event log chain broken at seq {broken.seq}: {broken.reason}")
    return checked, checked / elapsed


def measure(backend: Backend, plan: Plan) -> tuple[list[AppendResult], VerifyResult]:
    """Interleave chained and unchained rounds and keep the best rate of each (the least
    disturbed by the rest of the machine); verify the chain after each chained run of the
    largest shape."""
    results: list[AppendResult] = []
    largest = max(plan.shapes, key=lambda shape: shape.events)
    verify_rate = 0.0
    for shape in plan.shapes:
        best = {True: 0.0, False: 0.0}
        for round_no in range(plan.rounds):
            order = (True, False) if round_no % 2 == 0 else (False, True)
            for chained in order:
                with backend.fresh() as engine:
                    best[chained] = max(best[chained], append_run(engine, shape, chained=chained))
                    if chained and shape is largest:
                        checked, per_s = verify_run(engine)
                        if checked != shape.events:
                            sys.exit(f"verify saw {checked} entries, expected {shape.events}")
                        verify_rate = max(verify_rate, per_s)
        results.append(AppendResult(backend.name, shape, best[True], best[False]))
    return results, VerifyResult(backend.name, largest.events, verify_rate)


def postgres_url(explicit: str | None) -> tuple[str | None, str]:
    """The PostgreSQL URL to use and where it came from."""
    if explicit:
        return explicit, "--postgres-url"
    for name in POSTGRES_ENVS:
        value = os.environ.get(name)
        if value:
            return value, name
    return None, ""


def print_report(
    appends: Sequence[AppendResult], verifies: Sequence[VerifyResult], skipped: Sequence[str]
) -> None:
    print()
    print("Event log append throughput (events/s, best of the rounds)")
    header = (
        f"{'backend':<10} {'shape':<15} {'events':>7} {'chained':>12} {'unchained':>12} "
        f"{'chained/unchained':>18}"
    )
    print(header)
    print("-" * len(header))
    for r in appends:
        print(
            f"{r.backend:<10} {r.shape.label:<15} {r.shape.events:>7} {r.chained_eps:>12,.0f} "
            f"{r.unchained_eps:>12,.0f} {r.ratio:>18.2f}"
        )
    print()
    print("Chain verification throughput (entries/s)")
    header = f"{'backend':<10} {'entries':>8} {'entries/s':>12}"
    print(header)
    print("-" * len(header))
    for v in verifies:
        print(f"{v.backend:<10} {v.entries:>8} {v.entries_per_s:>12,.0f}")
    print()
    for r in appends:
        print(f"ratio chained/unchained {r.backend} {r.shape.label}: {r.ratio:.2f}")
    for reason in skipped:
        print(reason)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure event-log appends (chained vs unchained) and chain verification on "
        "SQLite and, when configured, PostgreSQL. Timing never decides a test.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run (seconds) that only shows the benchmark still works",
    )
    parser.add_argument(
        "--postgres-url",
        default=None,
        help="PostgreSQL URL (default: $LIFELINE_BENCH_POSTGRES_URL, then "
        "$LIFELINE_TEST_POSTGRES_URL); uses and drops schema "
        f"{BENCH_SCHEMA!r}",
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="skip PostgreSQL even when a URL is configured"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else FULL
    print(
        f"Lifeline event-log benchmark ({'quick' if args.quick else 'full'} run): "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{plan.rounds} round(s) per configuration"
    )

    url, source = (None, "") if args.no_postgres else postgres_url(args.postgres_url)
    factories: list[tuple[str, Callable[[], Backend]]] = [("sqlite", SqliteBackend)]
    skipped: list[str] = []
    if url is not None:
        pg_url = url
        factories.append(("postgres", lambda: PostgresBackend(pg_url)))
        print(f"PostgreSQL from {source}")
    else:
        why = (
            "--no-postgres given"
            if args.no_postgres
            else ("set LIFELINE_BENCH_POSTGRES_URL or LIFELINE_TEST_POSTGRES_URL to include it")
        )
        skipped.append(f"postgres: skipped ({why})")

    appends: list[AppendResult] = []
    verifies: list[VerifyResult] = []
    for name, factory in factories:
        print(f"measuring {name} ...", flush=True)
        backend = factory()
        try:
            results, verified = measure(backend, plan)
        finally:
            backend.close()
        appends.extend(results)
        verifies.append(verified)
    print_report(appends, verifies, skipped)
    return 0


if __name__ == "__main__":
    sys.exit(main())
