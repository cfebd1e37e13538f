"""Escalation notify steps reach people: an unacknowledged alarm's ``notify`` step becomes
deliveries on the alerts outbox to the holders of the named role in the organisation's subtree,
read back in their ``GET /alerts/inbox``; an acknowledged alarm tells nobody more."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from lifeline.alerts.channels import FileSms, InApp
from lifeline.alerts.outbox import OUTBOX, Channel
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform
from lifeline.kernel import eventlog
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.uow import SqlUnitOfWork
from lifeline.monitoring.batch import SensorKind
from lifeline.registry.model import DepartmentType, OrgKind, RegisterOrganisation
from lifeline.security.model import Role
from lifeline.security.service import CreateUser
from tests.integration.security.world import PASSWORD, World, build_world
from tests.integration.warning.helpers import feed, stream

GAS_RULE: dict[str, Any] = {
    "name": "Warehouse gas leak",
    "hazard": "gas_leak",
    "incident_type": "accident.hazmat.gas",
    "select": {"kind": "combustible_gas"},
    "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 20}]},
    "escalation": [
        {"type": "wait", "seconds": 60},
        {"type": "notify", "role": "duty_officer"},
        {"type": "wait", "seconds": 60},
        {"type": "notify", "organisation_id": "<district>", "role": "commander"},
    ],
}


def _world(platform: Platform, client: TestClient) -> World:
    return build_world(
        platform,
        client,
        roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER, Role.COMMANDER),
        levels=("city", "district", "park", "sibling"),
    )


def _worker(platform: Platform, clock: VirtualClock, sms: Path) -> DeliveryWorker:
    return DeliveryWorker(platform.uow, clock, {Channel.IN_APP: InApp(), Channel.SMS: FileSms(sms)})


def _inbox(client: TestClient, world: World, role: Role, level: str) -> list[dict[str, Any]]:
    resp = client.get("/alerts/inbox", headers=world.headers(role, level))
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()
    return items


def test_an_unacknowledged_alarm_notifies_the_duty_officer_through_the_outbox(
    platform: Platform, client: TestClient, clock: VirtualClock, tmp_path: Path
) -> None:
    world = _world(platform, client)
    rule = {**GAS_RULE, "escalation": [dict(s) for s in GAS_RULE["escalation"]]}
    rule["escalation"][3]["organisation_id"] = world.org["district"]
    manager = world.headers(Role.PARK_MANAGER, "park")
    made = client.post(
        "/warning/rules", json={"organisation_id": world.org["park"], "definition": rule},
        headers=manager,
    )  # fmt: skip
    assert made.status_code == 201, made.text
    officer = world.headers(Role.DUTY_OFFICER, "park")
    sms = tmp_path / "sms.ndjson"
    worker = _worker(platform, clock, sms)

    feed(platform, stream("gas-n1", world.org["park"], SensorKind.COMBUSTIBLE_GAS), [30.0])
    alarm = client.get("/warning/alarms", headers=officer).json()["items"][0]
    client.post("/warning/escalations/run", headers=officer)  # wait 60 s
    worker.run_once()
    assert _inbox(client, world, Role.DUTY_OFFICER, "park") == []  # nobody told yet

    clock.advance(timedelta(seconds=61))
    run = client.post("/warning/escalations/run", headers=officer)
    assert run.status_code == 200, run.text
    result = worker.run_once()
    assert result.sent[Channel.IN_APP] == 1  # the park's duty officer only
    assert result.sent[Channel.SMS] == 1

    items = _inbox(client, world, Role.DUTY_OFFICER, "park")
    assert len(items) == 1
    notice = items[0]
    assert (notice["kind"], notice["alarm_id"], notice["level"]) == (
        "alarm_notice", alarm["id"], "yellow"
    )  # fmt: skip
    assert notice["sent_at"] is not None
    assert {t["language"] for t in notice["texts"]} == {"zh-CN", "en"}
    assert (
        "Warehouse gas leak"
        in next(t for t in notice["texts"] if t["language"] == "en")["headline"]
    )
    # other roles, other places and the wider district are not told by this step
    assert _inbox(client, world, Role.PARK_MANAGER, "park") == []
    assert _inbox(client, world, Role.DUTY_OFFICER, "sibling") == []
    assert _inbox(client, world, Role.DUTY_OFFICER, "district") == []
    lines = [json.loads(line) for line in sms.read_text(encoding="utf-8").splitlines()]
    assert [line["to"] for line in lines] == ["13812345678"]
    assert "Warehouse gas leak" in "".join(lines[0]["parts"])

    # the delivery is recorded on the outbox and the notice in the event log
    with platform.uow(read_only=True) as uow:
        report = uow.repo(OUTBOX).report(notice_id := _notice_id(uow, alarm["id"]))
        queued = uow.timeline("alarm_notice", notice_id)
    assert report == {"in_app": {"sent": 1}, "sms": {"sent": 1}}
    assert [e.type for e in queued] == ["AlarmNoticeQueued"]
    assert queued[0].payload["users"] == 1

    # the next step names the district's commanders: the subtree of the district
    clock.advance(timedelta(seconds=61))
    client.post("/warning/escalations/run", headers=officer)
    worker.run_once()
    commander_items = _inbox(client, world, Role.COMMANDER, "district")
    assert [i["alarm_id"] for i in commander_items] == [alarm["id"]]
    park_commander = _inbox(client, world, Role.COMMANDER, "park")
    assert [i["alarm_id"] for i in park_commander] == [alarm["id"]]  # inside the district
    assert _inbox(client, world, Role.COMMANDER, "sibling") == []
    assert _inbox(client, world, Role.COMMANDER, "city") == []


def test_an_acknowledged_alarm_tells_nobody(
    platform: Platform, client: TestClient, clock: VirtualClock, tmp_path: Path
) -> None:
    world = _world(platform, client)
    rule = {**GAS_RULE, "escalation": GAS_RULE["escalation"][:2]}
    made = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": rule},
        headers=world.headers(Role.PARK_MANAGER, "park"),
    )
    assert made.status_code == 201, made.text
    officer = world.headers(Role.DUTY_OFFICER, "park")
    feed(platform, stream("gas-n2", world.org["park"], SensorKind.COMBUSTIBLE_GAS), [30.0])
    alarm = client.get("/warning/alarms", headers=officer).json()["items"][0]
    client.post("/warning/escalations/run", headers=officer)
    acked = client.post(f"/warning/alarms/{alarm['id']}/acknowledge", headers=officer)
    assert acked.status_code == 200, acked.text
    clock.advance(timedelta(seconds=61))
    client.post("/warning/escalations/run", headers=officer)
    _worker(platform, clock, tmp_path / "sms.ndjson").run_once()
    assert _inbox(client, world, Role.DUTY_OFFICER, "park") == []


def _notice_id(uow: SqlUnitOfWork, alarm_id: str) -> str:
    queued = eventlog.read_after(uow.connection, 0, 10_000, frozenset({"AlarmNoticeQueued"}))
    return next(e.aggregate_id for e in queued if e.payload["alarm_id"] == alarm_id)


def test_a_step_naming_only_an_organisation_reaches_its_departments(
    platform: Platform, client: TestClient, clock: VirtualClock, tmp_path: Path
) -> None:
    world = _world(platform, client)
    fire = platform.bus.handle(
        RegisterOrganisation(
            name="园区消防", kind=OrgKind.DEPARTMENT, parent_id=world.org["district"],
            department_type=DepartmentType.FIRE, contact_phone="075512345678",
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    platform.bus.handle(
        CreateUser(username="fire.desk", display_name="fire.desk", password=PASSWORD,
                   organisation_id=fire.id, roles=frozenset({Role.DEPARTMENT_LIAISON})),
        SYSTEM_ACTOR,
    )  # fmt: skip
    login = client.post("/auth/login", json={"username": "fire.desk", "password": PASSWORD})
    desk = {"Authorization": f"Bearer {login.json()['access_token']}"}
    rule = {
        **GAS_RULE,
        "escalation": [{"type": "notify", "organisation_id": world.org["district"]}],
    }
    made = client.post(
        "/warning/rules", json={"organisation_id": world.org["park"], "definition": rule},
        headers=world.headers(Role.PARK_MANAGER, "park"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    officer = world.headers(Role.DUTY_OFFICER, "park")
    feed(platform, stream("gas-n3", world.org["park"], SensorKind.COMBUSTIBLE_GAS), [30.0])
    alarm = client.get("/warning/alarms", headers=officer).json()["items"][0]
    client.post("/warning/escalations/run", headers=officer)
    sms = tmp_path / "sms.ndjson"
    result = _worker(platform, clock, sms).run_once()
    assert (result.sent[Channel.IN_APP], result.sent[Channel.SMS]) == (1, 1)
    items = client.get("/alerts/inbox", headers=desk).json()
    assert [(i["kind"], i["alarm_id"]) for i in items] == [("alarm_notice", alarm["id"])]
    assert json.loads(sms.read_text(encoding="utf-8"))["to"] == "075512345678"
    # no role named: no user is told in person
    assert _inbox(client, world, Role.DUTY_OFFICER, "district") == []
