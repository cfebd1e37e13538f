"""Facilities and departments as recipients: publishing resolves the registry's facilities in the
area and the departments of the area's organisations into deliveries, besides subscribers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.alerts.channels import FileSms, InApp
from lifeline.alerts.outbox import Channel
from lifeline.alerts.seed import (
    DEMO_BUREAU_PHONE,
    DEMO_FACILITY_PHONES,
    PINGHU_PARK,
    seed_alerts,
)
from lifeline.alerts.store import deliveries
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform, link_signer
from lifeline.cli.demo import seed_demo
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.geo import Point
from lifeline.registry.model import ListFacilities, ListOrganisations, OrgKind


def _rows(platform: Platform, alert_id: str) -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(recipient kind, channel) → {(recipient id, address)}."""
    out: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    with platform.engine.connect() as conn:
        for r in conn.execute(sa.select(deliveries).where(deliveries.c.alert_id == alert_id)):
            out[(r.recipient_kind, r.channel)].add((r.subscription_id, r.address))
    return out


def test_publication_reaches_facilities_in_the_area_and_the_areas_departments(
    platform: Platform, client: TestClient, clock: VirtualClock, tmp_path: Path
) -> None:
    demo = seed_demo(platform)
    # publish the two demo alerts again, now that every seed (some add facilities) has run
    alerts = seed_alerts(platform, demo.city)
    bus = platform.bus
    in_park = bus.handle(
        ListFacilities(
            near=Point(PINGHU_PARK.lon, PINGHU_PARK.lat),
            radius_m=PINGHU_PARK.radius_km * 1000,
            limit=200,
        ),
        SYSTEM_ACTOR,
    ).items
    everywhere = bus.handle(ListFacilities(limit=200), SYSTEM_ACTOR).items
    city_departments = [
        d
        for d in bus.handle(
            ListOrganisations(kind=OrgKind.DEPARTMENT, limit=200), SYSTEM_ACTOR
        ).items
        if d.parent_id == demo.city.city_id
    ]
    assert in_park
    assert len(in_park) < len(everywhere)
    phones = dict(DEMO_FACILITY_PHONES)

    evacuation = _rows(platform, alerts.evacuation.id)
    # every facility within the park circle, in-app; those with a contact phone also by SMS
    assert evacuation[("facility", "in_app")] == {(f.id, f"facility:{f.id}") for f in in_park}
    assert evacuation[("facility", "sms")] == {
        (f.id, phones[str(f.attributes.get("name_en"))])
        for f in in_park
        if str(f.attributes.get("name_en")) in phones
    }
    # the park's ancestors include the city: the city's departments are warned
    assert evacuation[("department", "in_app")] == {
        (d.id, f"department:{d.id}") for d in city_departments
    }
    bureau = [(d.id, DEMO_BUREAU_PHONE) for d in city_departments if d.contact_phone]
    assert evacuation[("department", "sms")] == set(bureau)

    typhoon = _rows(platform, alerts.typhoon.id)  # the city's outline: every facility
    assert {i for i, _ in typhoon[("facility", "in_app")]} == {f.id for f in everywhere}
    assert len(typhoon[("facility", "sms")]) == len(phones)
    assert typhoon[("department", "in_app")] == evacuation[("department", "in_app")]
    assert len(typhoon[("subscriber", "in_app")]) + len(typhoon[("subscriber", "sms")]) == 3

    # delivered over local channels: SMS into a file, in-app; no unsubscribe link for contacts
    sms_file = tmp_path / "sms.jsonl"
    worker = DeliveryWorker(
        platform.uow,
        clock,
        {Channel.IN_APP: InApp(), Channel.SMS: FileSms(sms_file)},
        links=link_signer(platform.settings),
    )
    worker.run_once()
    sent = [json.loads(line) for line in sms_file.read_text("utf-8").splitlines()]
    texts = {m["idempotency_key"]: "".join(m["parts"]) for m in sent}
    contacts = [t for k, t in texts.items() if ":facility/" in k or ":department/" in k]
    subscribers = [t for k, t in texts.items() if ":facility/" not in k and ":department/" not in k]
    with platform.engine.connect() as conn:
        queued_sms = set(
            conn.scalars(
                sa.select(deliveries.c.idempotency_key).where(deliveries.c.channel == "sms")
            )
        )
    assert set(texts) == queued_sms  # every SMS of every alert, each once
    assert len(contacts) >= len(typhoon[("facility", "sms")]) + len(evacuation[("facility", "sms")])
    assert all("/public/unsubscribe" not in t for t in contacts)
    assert subscribers
    assert all("/public/unsubscribe?token=" in t for t in subscribers)

    report = client.get(
        f"/alerts/{alerts.evacuation.id}/deliveries",
        headers={"Authorization": f"Bearer {_token(client)}"},
    ).json()
    assert report["queued"] == 0
    assert report["sent"] == sum(report["by_recipient"].values())
    assert report["by_recipient"]["facility"] == sum(
        len(v) for k, v in evacuation.items() if k[0] == "facility"
    )


def _token(client: TestClient) -> str:
    from lifeline.cli.demo import DEMO_PASSWORD

    resp = client.post("/auth/login", json={"username": "commander", "password": DEMO_PASSWORD})
    assert resp.status_code == 200, resp.text
    token: str = resp.json()["access_token"]
    return token
