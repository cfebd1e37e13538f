"""An ingest run over a file with an absurdly long line quarantines that line with the reason and
keeps the rest; the counts reconcile (both backends)."""

from __future__ import annotations

from pathlib import Path

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.sharing.messages import (
    ListQuarantine,
    ListRecords,
    PublishMapping,
    RegisterDataset,
    RegisterSource,
    RunIngest,
)

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
"""
HOLE = 64 * 1024 * 1024


def test_a_64_mb_line_is_quarantined_with_its_reason(platform: Platform, tmp_path: Path) -> None:
    bus = platform.bus
    org = bus.handle(RegisterOrganisation(name="Gauges city", kind=OrgKind.CITY), SYSTEM_ACTOR)
    source = bus.handle(RegisterSource(organisation_id=org.id, name="gauges"), SYSTEM_ACTOR)
    dataset = bus.handle(
        RegisterDataset(source_id=source.id, name="levels", record_type="observation"),
        SYSTEM_ACTOR,
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=MAPPING), SYSTEM_ACTOR)
    path = tmp_path / "levels.csv"
    head = b"station,time,level_cm\nST1,2026-06-01 08:00:00,120\n"
    with path.open("wb") as out:  # a sparse hole: a 64 MiB line of NUL bytes
        out.write(head)
        out.seek(len(head) + HOLE)
        out.write(b"\nST2,2026-06-01 08:00:00,130\n")
    run = bus.handle(RunIngest(dataset_id=dataset.id, path=str(path)), SYSTEM_ACTOR)
    assert (run.read, run.accepted, run.merged, run.quarantined) == (3, 2, 0, 1)
    held = bus.handle(ListQuarantine(dataset_id=dataset.id), SYSTEM_ACTOR)
    [item] = held.items
    assert item.problems["row"].startswith("line 3 is longer than 1,048,576 characters")
    assert item.original == {}
    kept = bus.handle(ListRecords(dataset_id=dataset.id), SYSTEM_ACTOR)
    assert sorted(r.data["sensor_id"] for r in kept.items) == ["ST1", "ST2"]
