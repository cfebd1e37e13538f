"""Demo seeding for the data hub: the SF fire calls sample and a Shenzhen contacts roster.

The contacts roster is synthetic (made-up names and numbers, valid GB 11643 check digits where
meant to be valid) and GB18030-encoded like many Chinese government exports; three of its rows
carry real defects so that the quarantine shows real reasons.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.registry.model import DepartmentType
from lifeline.registry.seed import DemoCity
from lifeline.sharing import mappings, samples
from lifeline.sharing.cleaning import id_check_digit
from lifeline.sharing.messages import (
    ListDatasets,
    ListRuns,
    PublishMapping,
    RegisterDataset,
    RegisterSource,
    RunIngest,
)
from lifeline.sharing.model import Dataset, IngestRun

SF_SAMPLE = Path(samples.__path__[0]) / "sf_fire_calls_sample.csv"
SF_MAPPING = Path(mappings.__path__[0]) / "sf_fire_calls.yaml"

CONTACTS_MAPPING = """\
name: futian_duty_contacts
record_type: person
key: [工号]
timezone: "+08:00"
fields:
  external_id: {column: 工号}
  name: {column: 姓名}
  id_number: {column: 身份证号}
  phone: {column: 手机号码}
  birth_date: {column: 出生日期, format: ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]}
  organisation: {const: 福田区应急管理局}
  role: {column: 职务}
"""


def _id(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + id_check_digit(body)


def contacts_csv() -> bytes:
    """The synthetic duty roster, GB18030-encoded; rows 4–6 are defective on purpose."""
    rows = [
        "工号,姓名,身份证号,手机号码,出生日期,职务",
        f"FT001,陈  明,{_id('440304', '19800312', '041')},138 0013 8001,1980-03-12,值班主任",
        f"FT002,林晓红,{_id('440304', '19880705', '062')},+86 139-0013-9002,1988/07/05,值班员",
        f"FT003,黄　伟,{_id('440305', '19920120', '013')},１３７００１３７００３,"
        "1992年01月20日,联络员",
        "FT004,周杰,440304199001011234,13600136004,1990-01-01,值班员",  # wrong check digit
        f"FT005,,{_id('440304', '19850101', '025')},13500135005,1985-01-01,司机",  # no name
        f"FT006,吴芳,{_id('440303', '19950505', '048')},call-me,05/05/1995,值班员",  # phone, date
    ]
    return ("\n".join(rows) + "\n").encode("gb18030")


@dataclass(frozen=True, slots=True)
class SharingDemo:
    fire_calls: Dataset
    fire_calls_run: IngestRun
    contacts: Dataset
    contacts_run: IngestRun


def _dataset(
    bus: MessageBus,
    actor: Actor,
    organisation_id: str,
    source: str,
    name: str,
    record_type: str,
    mapping: str,
) -> Dataset:
    src = bus.handle(RegisterSource(organisation_id=organisation_id, name=source), actor)
    dataset: Dataset = bus.handle(
        RegisterDataset(
            source_id=src.id, name=name, record_type=record_type, refresh_interval_s=86_400
        ),
        actor,
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=mapping), actor)
    return dataset


class _Platform(Protocol):
    @property
    def bus(self) -> MessageBus: ...


def seed_sharing(platform: _Platform, city: DemoCity, actor: Actor = SYSTEM_ACTOR) -> SharingDemo:
    """Register two sources with datasets and mappings and run one ingest of each."""
    bus = platform.bus
    fire = city.departments[DepartmentType.FIRE]
    calls = _dataset(
        bus,
        actor,
        fire,
        "San Francisco Fire Department (DataSF, sample)",
        "Calls for service",
        "incident",
        SF_MAPPING.read_text(encoding="utf-8"),
    )
    calls_run: IngestRun = bus.handle(RunIngest(dataset_id=calls.id, path=str(SF_SAMPLE)), actor)
    contacts = _dataset(
        bus,
        actor,
        city.districts["Futian"],
        "福田区应急管理局",
        "Duty contacts roster",
        "person",
        CONTACTS_MAPPING,
    )
    with tempfile.TemporaryDirectory(prefix="lifeline-demo-") as tmp:
        roster = Path(tmp) / "duty_contacts.csv"
        roster.write_bytes(contacts_csv())
        contacts_run: IngestRun = bus.handle(
            RunIngest(dataset_id=contacts.id, path=str(roster)), actor
        )
    return SharingDemo(calls, calls_run, contacts, contacts_run)


def demo_summary(platform: _Platform, actor: Actor = SYSTEM_ACTOR) -> str:
    """One line per dataset with its latest run's counts, for the demo banner."""
    lines = []
    for dataset in platform.bus.handle(ListDatasets(), actor):
        runs = platform.bus.handle(ListRuns(dataset_id=dataset.id), actor)
        if runs:
            last = runs[-1]
            lines.append(
                f"  data hub · {dataset.name}: read {last.read}, accepted {last.accepted}, "
                f"merged {last.merged}, quarantined {last.quarantined} "
                f"(GET /sharing/datasets/{dataset.id}/quarantine)"
            )
    return "\n".join(lines)
