"""File drops: what picking files up from a drop folder costs over ingesting the same files
directly, and what a look into a folder of files already picked up costs.

For each backend — SQLite (a WAL file) and PostgreSQL when ``LIFELINE_BENCH_POSTGRES_URL`` (or
``--postgres-url``) is set, in its own schema ``lifeline_bench_file_drop`` which it creates and
drops — the script writes ``--files`` CSV exports of ``--rows`` rescue teams each, then times:

- the **baseline**: one ``RunIngest`` per file, straight into a dataset;
- the **drop**: the same files in a drop folder of a second dataset, picked up by one refresh
  worker's round (list, hash, ingest and record each file in its transaction);
- an **idle look**: the next round over the same folder, every file already picked up (listed
  and skipped by name, size and modification time; nothing is read), against a **touched look**:
  a round after every file's modification time changed, so each is read and hashed again and
  then skipped by its content (what every look would cost if files were known by content alone).

It prints rows/s of both ingests and their ratio, and the idle look's time against the touched
one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from lifeline.bootstrap import build_platform, refresh_worker
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import MessageBus
from lifeline.migrations.isolated import (
    add_postgres_options,
    create_schema,
    drop_schema,
    migrated_sqlite_url,
)
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.sharing.messages import (
    PublishMapping,
    RegisterDataset,
    RegisterDrop,
    RegisterSource,
    RunIngest,
)
from lifeline.sharing.model import RunStatus

BENCH_SCHEMA = "lifeline_bench_file_drop"
MAPPING = """
record_type: team
key: [id]
fields:
  external_id: {column: id}
  name: {column: name}
  kind: {column: kind}
  members: {column: members}
"""
KINDS = ("professional", "social", "medical", "fire_rescue")
LOOKS = 5


def generate(folder: Path, files: int, rows: int) -> list[Path]:
    """``files`` exports of ``rows`` distinct teams each, modified an hour ago (settled)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    then = time.time() - 3600
    for f in range(files):
        path = folder / f"teams-{f:04d}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write("id,name,kind,members\n")
            for r in range(rows):
                n = f * rows + r
                out.write(f"T{n:08d},救援队{n},{KINDS[n % 4]},{5 + n % 50}\n")
        os.utime(path, (then, then))
        paths.append(path)
    return paths


def _dataset(bus: MessageBus, org_id: str, name: str) -> str:
    source = bus.handle(RegisterSource(organisation_id=org_id, name=name), SYSTEM_ACTOR)
    dataset = bus.handle(
        RegisterDataset(source_id=source.id, name=name, record_type="team"), SYSTEM_ACTOR
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=MAPPING), SYSTEM_ACTOR)
    return str(dataset.id)


def run(url: str, roots: Path, files: list[Path]) -> tuple[float, float, float, float, int]:
    """(baseline s, drop s, idle look s, touched look s, rows) on one database."""
    settings = Settings(database_url=url, log_json=False, sharing_drop_roots=str(roots))
    platform = build_platform(settings)
    try:
        bus = platform.bus
        org = bus.handle(RegisterOrganisation(name="Bench city", kind=OrgKind.CITY), SYSTEM_ACTOR)
        direct = _dataset(bus, org.id, "direct")
        dropped = _dataset(bus, org.id, "dropped")
        t0 = time.perf_counter()
        rows = 0
        for path in files:
            run_ = bus.handle(RunIngest(dataset_id=direct, path=str(path)), SYSTEM_ACTOR)
            rows += run_.accepted
        t1 = time.perf_counter()
        folder = files[0].parent
        bus.handle(
            RegisterDrop(
                dataset_id=dropped,
                directory=str(folder),
                pattern="*.csv",
                interval_s=1,
                settle_s=60,
            ),
            SYSTEM_ACTOR,
        )
        worker = refresh_worker(platform, owner="bench")
        worker.max_per_round = len(files) + 1
        t2 = time.perf_counter()
        runs = worker.run_once()
        t3 = time.perf_counter()
        assert len(runs) == len(files), runs
        assert all(r.status is RunStatus.COMPLETED for r in runs), runs
        assert sum(r.accepted for r in runs) == rows, runs
        idle, touched = [], []
        for repeat in range(LOOKS):  # alternately, the median of each
            time.sleep(1.05)  # the drop is due again after its interval
            t4 = time.perf_counter()
            assert worker.run_once() == []
            idle.append(time.perf_counter() - t4)
            later = time.time() - 1800 + repeat
            for path in files:
                os.utime(path, (later, later))
            time.sleep(1.05)
            t6 = time.perf_counter()
            assert worker.run_once() == []
            touched.append(time.perf_counter() - t6)
        return t1 - t0, t3 - t2, statistics.median(idle), statistics.median(touched), rows
    finally:
        platform.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--files", type=int, default=20, help="Files dropped")
    parser.add_argument("--rows", type=int, default=5_000, help="Rows per file")
    parser.add_argument("--quick", action="store_true", help="4 files of 200 rows (a smoke test)")
    add_postgres_options(parser, BENCH_SCHEMA)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    n_files, n_rows = (4, 200) if args.quick else (args.files, args.rows)
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        roots = tmp / "drops"
        results = []
        sqlite_files = generate(roots / "sqlite", n_files, n_rows)
        size_mb = sum(p.stat().st_size for p in sqlite_files) / 1e6
        print(
            f"File drop ({n_files:,} files of {n_rows:,} rows, {size_mb:.1f} MB; "
            f"looks: median of {LOOKS})"
        )
        url = migrated_sqlite_url(tmp / "db" / "b.sqlite")
        results.append(("sqlite", run(url, roots, sqlite_files)))
        if args.postgres_url and not args.no_postgres:
            pg_files = generate(roots / "postgres", n_files, n_rows)
            scoped = create_schema(args.postgres_url, BENCH_SCHEMA)
            try:
                results.append(("postgres", run(scoped, roots, pg_files)))
            finally:
                drop_schema(args.postgres_url, BENCH_SCHEMA)
        else:
            print("postgres: skipped (set LIFELINE_BENCH_POSTGRES_URL or --postgres-url)")
        print(
            f"{'backend':<9} {'direct rows/s':>14} {'drop rows/s':>12} {'idle look ms':>13} "
            f"{'touched look ms':>16} {'rows':>9}"
        )
        for name, (direct_s, drop_s, idle_s, touched_s, rows) in results:
            print(
                f"{name:<9} {rows / direct_s:>14,.0f} {rows / drop_s:>12,.0f} "
                f"{idle_s * 1000:>13.1f} {touched_s * 1000:>16.1f} {rows:>9,}"
            )
        for name, (direct_s, drop_s, idle_s, touched_s, _rows) in results:
            print(f"ratio drop/direct rows/s {name}: {direct_s / drop_s:.2f}")
            print(f"ratio idle/touched look {name}: {idle_s / touched_s:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
