"""Data-key rotation: rows/s re-encrypted (decrypt under the old key, seal under the new one,
derive the blind-index key again) against the ingest of the same rows as the baseline, and the
peak memory of a rotation as the dataset grows.

For each backend — SQLite (a WAL file) and PostgreSQL when ``LIFELINE_BENCH_POSTGRES_URL`` (or
``--postgres-url``) is set, in its own schema ``lifeline_bench_key_rotation`` which it creates
and drops — the script ingests ``--records`` generated people (name, ID number — the key, so it
is a blind index —, phone, birth date: four personal fields and the original row encrypted),
times that ingest, then times the rotation of the dataset's data key in batches of ``--batch``
rows. Each batch is one transaction; the ratio rotation/ingest compares rows/s. Peak Python
memory (``tracemalloc``) is measured over the rotation of a dataset of ``--records`` and of a
quarter of that on SQLite: a ratio near 1 shows memory does not grow with the dataset.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

from lifeline.bootstrap import build_platform
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
    GetDataKeyState,
    PublishMapping,
    RegisterDataset,
    RegisterSource,
    RunIngest,
)
from lifeline.sharing.service import rotate_data_key

BENCH_SCHEMA = "lifeline_bench_key_rotation"
MASTER_KEY = base64.b64encode(bytes(range(32))).decode()
MAPPING = """
record_type: person
key: [id_number]
fields:
  external_id: {column: seq}
  name: {column: name}
  id_number: {column: id_number}
  phone: {column: phone}
  birth_date: {column: birth, format: "%Y-%m-%d"}
  organisation: {column: unit}
"""
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _person(n: int) -> tuple[str, str]:
    """The ``n``-th person's valid GB 11643 ID number and birth date (distinct for every n)."""
    seq, rest = n % 1000, n // 1000
    day, rest = rest % 28 + 1, rest // 28
    month, year = rest % 12 + 1, 1950 + rest // 12
    first17 = f"440305{year}{month:02d}{day:02d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11], f"{year}-{month:02d}-{day:02d}"


def generate(path: Path, records: int) -> None:
    """``records`` distinct people, the ID number their key."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("seq,name,id_number,phone,birth,unit\n")
        for n in range(records):
            id_number, birth = _person(n)
            out.write(f"{n},姓{n}名,{id_number},138{n:08d},{birth},福田区应急管理局\n")


def _dataset(bus: MessageBus) -> str:
    """A city, a source and a person dataset with the mapping published; the dataset's id."""
    org = bus.handle(RegisterOrganisation(name="Bench city", kind=OrgKind.CITY), SYSTEM_ACTOR)
    source = bus.handle(RegisterSource(organisation_id=org.id, name="people"), SYSTEM_ACTOR)
    dataset = bus.handle(
        RegisterDataset(source_id=source.id, name="roster", record_type="person"),
        SYSTEM_ACTOR,
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=MAPPING), SYSTEM_ACTOR)
    return str(dataset.id)


def run(url: str, data: Path, records: int, batch: int) -> tuple[float, float, int]:
    """(ingest seconds, rotation seconds, rows rotated) on one database."""
    platform = build_platform(Settings(database_url=url, log_json=False, master_key=MASTER_KEY))
    try:
        bus = platform.bus
        dataset_id = _dataset(bus)
        t0 = time.perf_counter()
        ingested = bus.handle(RunIngest(dataset_id=dataset_id, path=str(data)), SYSTEM_ACTOR)
        t1 = time.perf_counter()
        report = rotate_data_key(bus, SYSTEM_ACTOR, dataset_id, batch=batch)
        t2 = time.perf_counter()
        state = bus.handle(GetDataKeyState(dataset_id=dataset_id), SYSTEM_ACTOR)
        rotated = report.records + report.quarantined
        assert report.finished, report
        assert state.versions == (2,), state
        assert rotated == ingested.accepted + ingested.quarantined, (report, ingested)
        assert ingested.accepted == records, ingested
        return t1 - t0, t2 - t1, rotated
    finally:
        platform.close()


def traced_rotation_peak(url: str, data: Path, records: int, batch: int) -> float:
    """Peak traced memory (MB) of the rotation alone."""
    platform = build_platform(Settings(database_url=url, log_json=False, master_key=MASTER_KEY))
    try:
        bus = platform.bus
        dataset_id = _dataset(bus)
        bus.handle(RunIngest(dataset_id=dataset_id, path=str(data)), SYSTEM_ACTOR)
        tracemalloc.start()
        rotate_data_key(bus, SYSTEM_ACTOR, dataset_id, batch=batch)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak / 1e6
    finally:
        platform.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--records", type=int, default=20_000, help="People in the dataset")
    parser.add_argument("--batch", type=int, default=500, help="Rows per rotation transaction")
    parser.add_argument("--quick", action="store_true", help="400 records (a smoke test)")
    add_postgres_options(parser, BENCH_SCHEMA)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    records = 400 if args.quick else args.records
    batch = min(args.batch, max(1, records // 8)) if args.quick else args.batch
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        data, quarter = tmp / "people.csv", tmp / "people-quarter.csv"
        generate(data, records)
        generate(quarter, max(1, records // 4))
        print(f"Data-key rotation ({records:,} people, batches of {batch:,} rows)")
        print(f"{'backend':<9} {'ingest rows/s':>14} {'rotate rows/s':>14} {'rows':>9}")
        results = [
            ("sqlite", run(migrated_sqlite_url(tmp / "timed" / "b.sqlite"), data, records, batch))
        ]
        if args.postgres_url and not args.no_postgres:
            scoped = create_schema(args.postgres_url, BENCH_SCHEMA)
            try:
                results.append(("postgres", run(scoped, data, records, batch)))
            finally:
                drop_schema(args.postgres_url, BENCH_SCHEMA)
        else:
            print("postgres: skipped (set LIFELINE_BENCH_POSTGRES_URL or --postgres-url)")
        for name, (ingest_s, rotate_s, rotated) in results:
            print(
                f"{name:<9} {records / ingest_s:>14,.0f} {rotated / rotate_s:>14,.0f} {rotated:>9,}"
            )
        for name, (ingest_s, rotate_s, rotated) in results:
            ratio = (rotated / rotate_s) / (records / ingest_s)
            print(f"ratio rotate/ingest rows/s {name}: {ratio:.2f}")
        # separate passes: tracemalloc slows Python down several times, so they are not timed
        small = traced_rotation_peak(
            migrated_sqlite_url(tmp / "small" / "b.sqlite"), quarter, records // 4, batch
        )
        large = traced_rotation_peak(
            migrated_sqlite_url(tmp / "large" / "b.sqlite"), data, records, batch
        )
        print(
            f"peak Python memory of the rotation (tracemalloc, sqlite): {records // 4:,} people "
            f"{small:.1f} MB, {records:,} people {large:.1f} MB, ratio {large / small:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
