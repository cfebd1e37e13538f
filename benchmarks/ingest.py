"""Ingest throughput: rows/s for CSV → canonical records (mapping, cleaning, validation, exact-key
de-duplication, quarantine) through the message bus, and peak Python memory.

For each backend — SQLite (a WAL file) and PostgreSQL when ``LIFELINE_BENCH_POSTGRES_URL`` (or
``--postgres-url``) is set, in its own schema ``lifeline_bench_ingest`` which it creates and
drops — the script generates a CSV of ``--rows`` sensor observations (a simple mapping: ISO
timestamps in +08:00, a unit conversion, lon/lat columns; 1 % defective rows, 5 % repeated keys),
then times a first run (inserts) and a re-run of the same file (all merges). The process is
single-threaded, so rows/s is per core. Peak memory is measured with ``tracemalloc`` over the
SQLite first run; run with ``--rows 1000000`` to see it stay flat as the file grows.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lifeline.bootstrap import build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.migrations.isolated import create_schema, drop_schema, migrated_sqlite_url
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.sharing.messages import PublishMapping, RegisterDataset, RegisterSource, RunIngest
from lifeline.sharing.model import IngestRun

BENCH_SCHEMA = "lifeline_bench_ingest"
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


def ingest(url: str, data: Path) -> tuple[IngestRun, float, IngestRun, float]:
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
        timings = []
        runs = []
        for _ in range(2):
            t0 = time.perf_counter()
            runs.append(bus.handle(RunIngest(dataset_id=dataset.id, path=str(data)), SYSTEM_ACTOR))
            timings.append(time.perf_counter() - t0)
        return runs[0], timings[0], runs[1], timings[1]
    finally:
        platform.close()


def report(name: str, rows: int, first: IngestRun, t1: float, again: IngestRun, t2: float) -> None:
    for label, run, seconds in (("first run", first, t1), ("re-run", again, t2)):
        assert run.read == run.accepted + run.merged + run.quarantined
        print(
            f"{name:<9} {label:<10} {rows:>9,} {rows / seconds:>10,.0f} "
            f"{run.accepted:>9,} {run.merged:>9,} {run.quarantined:>9,}"
        )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--rows", type=int, default=20_000, help="Rows in the generated file")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LIFELINE_BENCH_POSTGRES_URL"),
        help="PostgreSQL URL (default $LIFELINE_BENCH_POSTGRES_URL); uses and drops schema "
        f"{BENCH_SCHEMA}",
    )
    parser.add_argument("--no-postgres", action="store_true", help="Skip PostgreSQL")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "observations.csv"
        generate(data, args.rows)
        size_mb = data.stat().st_size / 1e6
        print(f"Ingest throughput, CSV → canonical ({args.rows:,} rows, {size_mb:.1f} MB)")
        print(
            f"{'backend':<9} {'pass':<10} {'rows':>9} {'rows/s':>10} "
            f"{'accepted':>9} {'merged':>9} {'quarant.':>9}"
        )
        report(
            "sqlite", args.rows, *ingest(migrated_sqlite_url(tmp / "timed" / "bench.sqlite"), data)
        )
        if args.postgres_url and not args.no_postgres:
            scoped = create_schema(args.postgres_url, BENCH_SCHEMA)
            try:
                report("postgres", args.rows, *ingest(scoped, data))
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
