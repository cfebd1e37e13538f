"""Ingest throughput: rows/s for CSV → canonical records (mapping, cleaning, validation, exact-key
de-duplication, quarantine) through the message bus, and peak Python memory.

For each backend — SQLite (a WAL file) and PostgreSQL when ``LIFELINE_BENCH_POSTGRES_URL`` (or
``--postgres-url``) is set, in its own schema ``lifeline_bench_ingest`` which it creates and
drops — the script generates a CSV of ``--rows`` sensor observations (a simple mapping: ISO
timestamps in +08:00, a unit conversion, lon/lat columns; 1 % defective rows, 5 % repeated keys),
then times a first run (inserts) and a re-run of the same file (all merges). The process is
single-threaded, so rows/s is per core: ``rows/s`` is by the wall clock, ``cpu rows/s`` by this
process's CPU time (on a busy machine the honest per-core figure; on PostgreSQL it leaves out
the server's own CPU). The baseline, measured in the same run on the same backend, is a bare
CSV parse + insert: ``csv.reader`` rows stored as (id, key, JSON of the row) with one
``executemany`` per 5,000 rows — no mapping, validation, dedup, quarantine or quality; the last
column is each pass's rows/s over the baseline's. Peak memory is measured with ``tracemalloc``
over the SQLite runs; run with ``--rows 1000000`` to see it stay flat as the file grows.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from lifeline.bootstrap import build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.db import make_engine
from lifeline.kernel.ids import new_id
from lifeline.migrations.isolated import (
    add_postgres_options,
    create_schema,
    drop_schema,
    migrated_sqlite_url,
)
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.sharing.messages import PublishMapping, RegisterDataset, RegisterSource, RunIngest
from lifeline.sharing.model import IngestRun

BENCH_SCHEMA = "lifeline_bench_ingest"
T = TypeVar("T")
MAPPING = """
record_type: observation
key: [station, time]
timezone: "+08:00"
fields:
  external_id: {column: station}
  sensor_id: {column: station}
  quantity: {const: water_level}
  value: {column: level_cm, scale: 0.01}
  unit: {const: m}
  observed_at: {column: time, format: "%Y-%m-%d %H:%M:%S"}
  location: {lon: lon, lat: lat}
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` observations; 1 % have a bad value, 5 % repeat an earlier key."""
    rng = random.Random(seed)
    start = datetime(2026, 6, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("station,time,level_cm,lon,lat\n")
        for i in range(rows):
            n = rng.randrange(i) if i and rng.random() < 0.05 else i
            station = f"ST{n % 500:04d}"
            when = (start + timedelta(minutes=n // 500)).strftime("%Y-%m-%d %H:%M:%S")
            level = "n/a" if rng.random() < 0.01 else f"{rng.uniform(0, 900):.1f}"
            lon, lat = 113.8 + (n % 500) / 1000, 22.5 + (n % 250) / 1000
            out.write(f"{station},{when},{level},{lon:.5f},{lat:.5f}\n")


Timing = tuple[float, float]  # wall seconds, CPU seconds of this process


def _timed(work: Callable[[], T]) -> tuple[T, Timing]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return out, (time.perf_counter() - wall, time.process_time() - cpu)


def baseline(url: str, data: Path) -> Timing:
    """Bare CSV parse + insert: every row as (id, key, JSON of the row), 5,000 per executemany."""
    engine = make_engine(url)
    mark = "?" if url.startswith("sqlite") else "%s"
    sql = f"INSERT INTO bench_raw (id, record_key, original) VALUES ({mark}, {mark}, {mark})"  # noqa: S608

    def run() -> None:
        with engine.begin() as conn, data.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            header = next(reader)
            chunk: list[tuple[str, str, str]] = []
            for cells in reader:
                row = dict(zip(header, cells, strict=False))
                chunk.append((new_id(), f"{cells[0]}|{cells[1]}", json.dumps(row)))
                if len(chunk) == 5000:
                    conn.exec_driver_sql(sql, chunk)
                    chunk = []
            if chunk:
                conn.exec_driver_sql(sql, chunk)

    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "CREATE TABLE bench_raw (id VARCHAR(36) PRIMARY KEY, "
                    "record_key VARCHAR(500) NOT NULL, original TEXT NOT NULL)"
                )
            )
        return _timed(run)[1]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE bench_raw"))
        engine.dispose()


def ingest(url: str, data: Path) -> list[tuple[IngestRun, Timing]]:
    """A first run and a re-run of ``data`` into a new dataset, through the bus."""
    settings = Settings(database_url=url, log_json=False)
    platform = build_platform(settings)
    try:
        bus = platform.bus
        org = bus.handle(RegisterOrganisation(name="Bench city", kind=OrgKind.CITY), SYSTEM_ACTOR)
        source = bus.handle(RegisterSource(organisation_id=org.id, name="gauges"), SYSTEM_ACTOR)
        dataset = bus.handle(
            RegisterDataset(source_id=source.id, name="levels", record_type="observation"),
            SYSTEM_ACTOR,
        )
        bus.handle(PublishMapping(dataset_id=dataset.id, text=MAPPING), SYSTEM_ACTOR)
        command = RunIngest(dataset_id=dataset.id, path=str(data))
        return [_timed(lambda: bus.handle(command, SYSTEM_ACTOR)) for _ in range(2)]
    finally:
        platform.close()


def report(name: str, rows: int, base: Timing, runs: list[tuple[IngestRun, Timing]]) -> None:
    base_rate = rows / base[0]
    print(
        f"{name:<9} {'baseline':<10} {rows:>9,} {base_rate:>9,.0f} {rows / base[1]:>10,.0f} "
        f"{'':>9} {'':>9} {'':>9} {1:>6.2f}"
    )
    for label, (run, (wall, cpu)) in zip(("first run", "re-run"), runs, strict=True):
        assert run.read == run.accepted + run.merged + run.quarantined
        print(
            f"{name:<9} {label:<10} {rows:>9,} {rows / wall:>9,.0f} {rows / cpu:>10,.0f} "
            f"{run.accepted:>9,} {run.merged:>9,} {run.quarantined:>9,} "
            f"{rows / wall / base_rate:>6.2f}"
        )


def measure(name: str, url: str, rows: int, data: Path) -> None:
    report(name, rows, baseline(url, data), ingest(url, data))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--rows", type=int, default=100_000, help="Rows in the generated file")
    parser.add_argument("--quick", action="store_true", help="2,000 rows: does it still work?")
    add_postgres_options(parser, BENCH_SCHEMA)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rows = 2_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "observations.csv"
        generate(data, rows)
        size_mb = data.stat().st_size / 1e6
        print(f"Ingest throughput, CSV → canonical ({rows:,} rows, {size_mb:.1f} MB), per core")
        print(
            f"{'backend':<9} {'pass':<10} {'rows':>9} {'rows/s':>9} {'cpu rows/s':>10} "
            f"{'accepted':>9} {'merged':>9} {'quarant.':>9} {'×base':>6}"
        )
        measure("sqlite", migrated_sqlite_url(tmp / "timed" / "bench.sqlite"), rows, data)
        if args.postgres_url and not args.no_postgres:
            scoped = create_schema(args.postgres_url, BENCH_SCHEMA)
            try:
                measure("postgres", scoped, rows, data)
            finally:
                drop_schema(args.postgres_url, BENCH_SCHEMA)
        else:
            print("postgres: skipped (set LIFELINE_BENCH_POSTGRES_URL or --postgres-url)")
        # a separate pass: tracemalloc slows Python down several times, so it is not timed
        tracemalloc.start()
        ingest(migrated_sqlite_url(tmp / "traced" / "bench.sqlite"), data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python memory (tracemalloc, sqlite run + re-run): {peak / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
