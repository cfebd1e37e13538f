"""What the demo shows of the platform's newer parts, each in a line or two, done for real.

After the city is seeded, :func:`run_recent` exercises through the bus:

- **data-key rotation** of the Futian duty roster (personal data): the key version before and
  after, and the same plaintext read back;
- **sharing with a grantee**: the roster's name, phone and role shared with the fire
  department, and the fire department's listing of what is shared with it;
- **an anomaly rule**: five hours of steady pressure at the Futian gas pipeline station, then a
  sudden drop: the seasonal detector reports it and the rule raises an alarm;
- **a file drop**: the emergency bureau's nightly rescue-team export lands in the demo's drop
  folder and the refresh worker picks it up (and, while the demo serves, any CSV dropped there);
- **warm search trees** for the units' stations (``GET /geo/network``);
- **the monitoring intake's counters**: the pipeline history goes through the bounded intake,
  as the live feed does while serving.

:func:`print_recent` prints them.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from lifeline.bootstrap import Platform, refresh_worker
from lifeline.geo.messages import DescribeNetwork
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring import messages as mm
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.formats import ParsedRows
from lifeline.monitoring.intake import IntakeSnapshot
from lifeline.monitoring.seed import MonitoringDemo
from lifeline.registry.model import DepartmentType
from lifeline.registry.seed import DemoCity
from lifeline.sharing.messages import (
    GetDataKeyState,
    GrantAgreement,
    ListDatasets,
    ListRecords,
    ListSharedWith,
    PublishMapping,
    RegisterDataset,
    RegisterDrop,
    RegisterSource,
)
from lifeline.sharing.model import DataKeyState, Dataset, IngestRun, SharedDataset
from lifeline.sharing.service import rotate_data_key
from lifeline.warning.messages import CreateRule, ListAlarms
from lifeline.warning.model import Alarm, AlarmFilter

ROSTER = "Duty contacts roster"
DROP_FOLDER = "emergency-bureau-teams"
INTAKE_SOURCE = "demo"

TEAM_MAPPING = """\
name: emergency_bureau_teams
record_type: team
key: [队伍编号]
fields:
  external_id: {column: 队伍编号}
  name: {column: 队伍名称}
  kind: {column: 类型}
  members: {column: 人数}
"""

TEAMS_EXPORT = (
    "队伍编号,队伍名称,类型,人数\n"
    "RT-001,龙岗区专业救援队,professional,40\n"
    "RT-002,深圳市蓝天救援队,social,25\n"
    "RT-003,福田区应急志愿者服务队,social,60\n"
    "RT-004,,social,12\n"  # no name: quarantined with the reason
)

PIPELINE_ANOMALY_RULE: dict[str, Any] = {
    "name": "Gas pipeline pressure anomaly",
    "hazard": "gas_leak",
    "incident_type": "accident.hazmat.gas",
    "select": {"kind": "pipeline_pressure"},
    "condition": {
        "type": "anomaly",
        "levels": [{"level": "yellow", "score_at": 5}, {"level": "red", "score_at": 1e6}],
        "reasons": ["spike", "shift_down"],
        "clear_after_s": 1800,
    },
}


@dataclass(frozen=True, slots=True)
class KeyRotationShown:
    dataset_id: str
    before: tuple[int, ...]
    after: tuple[int, ...]
    resealed: int
    same_plaintext: bool


@dataclass(frozen=True, slots=True)
class DropShown:
    dataset_id: str
    directory: Path
    run: IngestRun | None


@dataclass(frozen=True, slots=True)
class Recent:
    rotation: KeyRotationShown
    grantee: str
    shared: list[SharedDataset]
    anomaly: Alarm | None
    drop: DropShown
    warm_trees: int | None
    intake: IntakeSnapshot


def _dataset_named(platform: Platform, name: str) -> Dataset:
    found: list[Dataset] = platform.bus.handle(ListDatasets(), SYSTEM_ACTOR)
    return next(d for d in found if d.name == name)


def _rotate_roster(platform: Platform, dataset: Dataset) -> KeyRotationShown:
    bus = platform.bus
    before: DataKeyState = bus.handle(GetDataKeyState(dataset_id=dataset.id), SYSTEM_ACTOR)
    read = bus.handle(ListRecords(dataset_id=dataset.id, limit=500), SYSTEM_ACTOR)
    report = rotate_data_key(bus, SYSTEM_ACTOR, dataset.id)
    after: DataKeyState = bus.handle(GetDataKeyState(dataset_id=dataset.id), SYSTEM_ACTOR)
    again = bus.handle(ListRecords(dataset_id=dataset.id, limit=500), SYSTEM_ACTOR)
    same = [r.data for r in read.items] == [r.data for r in again.items] and bool(read.items)
    return KeyRotationShown(
        dataset_id=dataset.id,
        before=before.versions,
        after=after.versions,
        resealed=report.records + report.quarantined,
        same_plaintext=same,
    )


def _share_roster(platform: Platform, city: DemoCity, dataset: Dataset) -> list[SharedDataset]:
    fire = city.departments[DepartmentType.FIRE]
    platform.bus.handle(
        GrantAgreement(
            dataset_id=dataset.id,
            grantee_organisation_id=fire,
            fields=("name", "phone", "role"),
            purpose="Joint typhoon-duty roster with the fire detachment",
        ),
        SYSTEM_ACTOR,
    )
    shared: list[SharedDataset] = platform.bus.handle(
        ListSharedWith(organisation_id=fire), SYSTEM_ACTOR
    )
    return shared


def _pipeline_anomaly(
    platform: Platform, city: DemoCity, monitoring: MonitoringDemo
) -> Alarm | None:
    """Steady pressure every minute for five hours, then a sudden drop, through the bounded
    intake and the ordinary ingest; the rule's alarm, if the detector and the rule fired."""
    bus = platform.bus
    rule = bus.handle(
        CreateRule(organisation_id=city.districts["Futian"], definition=PIPELINE_ANOMALY_RULE),
        SYSTEM_ACTOR,
    )
    stream = monitoring.stream("Gas pipeline station PS-3, Futian", SensorKind.PIPELINE_PRESSURE)
    steps = 300
    start_s = int((platform.clock.now() - timedelta(seconds=60 * (steps + 2))).timestamp())
    rng = np.random.default_rng(2026)
    values = np.append(0.40 + rng.normal(0.0, 0.002, steps), 0.25)
    times = start_s + 60 * np.arange(steps + 1, dtype=np.int64)
    rows = ParsedRows(
        total=steps + 1,
        index=list(range(steps + 1)),
        datastream_ids=[stream.id] * (steps + 1),
        time_us=times * 1_000_000,
        values=values.astype(np.float64),
    )
    with platform.ingest_intake.held(rows.total, INTAKE_SOURCE):
        bus.handle(mm.IngestObservations(rows=rows, source="feed"), SYSTEM_ACTOR)
    platform.relay.drain()
    alarms, _ = bus.handle(ListAlarms(filter=AlarmFilter(rule_id=rule.id)), SYSTEM_ACTOR)
    return alarms[0] if alarms else None


def _drop_teams(platform: Platform, city: DemoCity, drops_root: Path) -> DropShown:
    """The emergency bureau's nightly team export, picked up from the demo's drop folder."""
    bus = platform.bus
    bureau = city.departments[DepartmentType.EMERGENCY_MANAGEMENT]
    source = bus.handle(
        RegisterSource(organisation_id=bureau, name="应急管理局 rescue-team register (nightly)"),
        SYSTEM_ACTOR,
    )
    dataset: Dataset = bus.handle(
        RegisterDataset(source_id=source.id, name="Rescue teams (file drop)", record_type="team"),
        SYSTEM_ACTOR,
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=TEAM_MAPPING), SYSTEM_ACTOR)
    folder = drops_root / DROP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    bus.handle(
        RegisterDrop(
            dataset_id=dataset.id,
            directory=str(folder),
            pattern="*.csv",
            interval_s=DROP_INTERVAL_S,
            settle_s=DROP_SETTLE_S,
            move_done=True,
        ),
        SYSTEM_ACTOR,
    )
    export = folder / "teams-nightly.csv"
    export.write_text(TEAMS_EXPORT, encoding="utf-8")
    written_s = time.time() - 6 * 3600  # delivered overnight, long settled
    os.utime(export, (written_s, written_s))
    runs = refresh_worker(platform, owner="demo").run_once()
    run = next((r for r in runs if r.dataset_id == dataset.id), None)
    return DropShown(dataset.id, folder, run)


DROP_INTERVAL_S = 10
"""How often the demo looks into its drop folder (a department's drop is looked at nightly)."""
DROP_SETTLE_S = 2


def _warm_trees(platform: Platform) -> int | None:
    if platform.tree_warmer is None:
        return None
    platform.tree_warmer.warm_once()
    network: dict[str, Any] = platform.bus.handle(DescribeNetwork(), SYSTEM_ACTOR)
    kept = network.get("kept_trees")
    return int(kept) if kept is not None else None


def run_recent(
    platform: Platform, city: DemoCity, monitoring: MonitoringDemo | None, drops_root: Path
) -> Recent:
    roster = _dataset_named(platform, ROSTER)
    rotation = _rotate_roster(platform, roster)
    shared = _share_roster(platform, city, roster)
    anomaly = _pipeline_anomaly(platform, city, monitoring) if monitoring else None
    drop = _drop_teams(platform, city, drops_root)
    return Recent(
        rotation=rotation,
        grantee="Fire and Rescue Detachment",
        shared=shared,
        anomaly=anomaly,
        drop=drop,
        warm_trees=_warm_trees(platform),
        intake=platform.ingest_intake.snapshot(),
    )


def print_recent(console: Console, recent: Recent) -> None:
    r = recent.rotation
    console.print(
        f"  key rotation · {ROSTER}: data key v{max(r.before)} → v{max(r.after)}, "
        f"{r.resealed} values re-encrypted, "
        f"{'same plaintext read back' if r.same_plaintext else 'VALUES DIFFER'} "
        f"(GET /sharing/datasets/{r.dataset_id}/data-key)",
        highlight=False,
    )
    for item in recent.shared:
        fields = ", ".join(
            f + ("*" if f in item.masked_fields else "") for f in item.agreement.fields
        )
        console.print(
            f"  shared with {recent.grantee} · {item.dataset_name} ({fields}; * masked): "
            f"{item.agreement.purpose} (steward.fire: GET /sharing/shared)",
            highlight=False,
        )
    if recent.anomaly is not None:
        a = recent.anomaly
        score = a.evidence.get("score")
        console.print(
            f"  anomaly rule · {a.title}: {a.level} alarm, {a.evidence.get('reason')} "
            f"(score {float(score):.0f}) after 5 h of steady pressure (GET /warning/alarms/{a.id})"
            if score is not None
            else f"  anomaly rule · {a.title}: {a.level} alarm (GET /warning/alarms/{a.id})",
            highlight=False,
        )
    d = recent.drop
    if d.run is not None:
        console.print(
            f"  file drop · {d.run.file_name} picked up from {d.directory}: read {d.run.read}, "
            f"accepted {d.run.accepted}, quarantined {d.run.quarantined}, moved to done/; "
            f"drop another CSV there and it is picked up within ~{DROP_INTERVAL_S} s "
            f"(GET /sharing/datasets/{d.dataset_id}/drop/files)",
            highlight=False,
        )
    if recent.warm_trees is not None:
        console.print(
            f"  routing · {recent.warm_trees} search trees kept warm for the units' stations "
            "and positions (GET /geo/network)",
            highlight=False,
        )
    i = recent.intake
    console.print(
        f"  monitoring intake · accepted {sum(i.accepted.values()):,}, committed "
        f"{sum(i.committed.values()):,}, shed {sum(i.shed.values()):,}, backlog {i.backlog:,} "
        f"of {i.capacity:,} (GET /metrics: lifeline_ingest_*)",
        highlight=False,
    )
