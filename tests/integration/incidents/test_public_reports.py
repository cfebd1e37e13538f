"""Citizens' reports without sign-in: rate limits per address and per phone, photos with size
and type limits, personal fields masked for readers without the right."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.incidents.helpers import AT_SEA, FUTIAN, incident_world, offset

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def limited(
    settings: Settings, engine: Engine, clock: VirtualClock
) -> Iterator[tuple[Platform, TestClient]]:
    from lifeline.api.app import create_app

    tight = settings.model_copy(
        update={
            "incident_public_per_ip": 4,
            "incident_public_per_phone": 2,
            "incident_photo_max_bytes": 1024,
        }
    )
    platform = build_platform(tight, clock=clock, engine=engine)
    with TestClient(create_app(platform=platform)) as client:
        yield platform, client


def _form(phone: str, east_m: float = 0.0, **extra: str) -> dict[str, str]:
    where = offset(FUTIAN, east_m=east_m)
    return {
        "incident_type": "accident.fire",
        "lon": str(where.lon),
        "lat": str(where.lat),
        "phone": phone,
        "description": "smoke over the market",
        "name": "李四",
    } | extra


def test_a_citizen_reports_with_a_photo_and_the_centre_sees_it(
    limited: tuple[Platform, TestClient],
) -> None:
    platform, client = limited
    world = incident_world(
        platform, client, roles=(Role.DUTY_OFFICER, Role.ANALYST), levels=("city",)
    )
    sent = client.post(
        "/public/reports",
        data=_form("13900000001"),
        files={"photo": ("fire.png", PNG, "image/png")},
    )
    assert sent.status_code == 201, sent.text
    assert set(sent.json()) == {"report_id", "received_at", "message"}  # nothing else leaks
    officer = world.headers(Role.DUTY_OFFICER, "city")
    incident = client.get("/incidents", headers=officer).json()["items"][0]
    assert incident["source"] == "citizen"
    reports = client.get(f"/incidents/{incident['id']}/reports", headers=officer).json()
    assert reports[0]["reporter_phone"] == "13900000001"
    photo = client.get(f"/incidents/photos/{reports[0]['photo_id']}", headers=officer)
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.content == PNG
    # an analyst (no personal-data right) sees the caller masked
    analyst = world.headers(Role.ANALYST, "city")
    masked = client.get(f"/incidents/{incident['id']}/reports", headers=analyst).json()
    assert masked[0]["reporter_phone"] == "139****0001"
    assert masked[0]["reporter_name"] == "李*"


def test_rate_limits_per_phone_and_per_address_answer_429(
    limited: tuple[Platform, TestClient],
) -> None:
    platform, client = limited
    incident_world(platform, client)
    statuses = [
        client.post("/public/reports", data=_form("13900000002", east_m=500 * i)).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    refused = client.post("/public/reports", data=_form("13900000002"))
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert "phone" in refused.json()["detail"]
    # other phones from the same address: two more pass, then the address limit (4) holds
    more = [
        client.post("/public/reports", data=_form(f"1390000001{i}", east_m=500 * i)).status_code
        for i in range(3)
    ]
    assert more == [201, 201, 429]


def test_bad_photos_and_places_are_refused_naming_the_field(
    limited: tuple[Platform, TestClient],
) -> None:
    platform, client = limited
    world = incident_world(platform, client)
    too_big = client.post(
        "/public/reports",
        data=_form("13900000003"),
        files={"photo": ("big.png", PNG + b"\x00" * 2048, "image/png")},
    )
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "photo"
    not_image = client.post(
        "/public/reports",
        data=_form("13900000004"),
        files={"photo": ("x.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    assert not_image.status_code == 422
    assert "JPEG or PNG" in not_image.json()["errors"][0]["reason"]
    at_sea = client.post(
        "/public/reports",
        data=_form("13900000005", lon=str(AT_SEA.lon), lat=str(AT_SEA.lat)),
    )
    assert at_sea.status_code == 422
    assert at_sea.json()["errors"][0]["field"] == "location"
    no_phone = client.post(
        "/public/reports", data={k: v for k, v in _form("x").items() if k != "phone"}
    )
    assert no_phone.status_code == 422
    assert no_phone.json()["errors"][0]["field"] == "phone"
    officer = world.headers(Role.DUTY_OFFICER, "city")
    assert client.get("/incidents", headers=officer).json()["total"] == 0
    kept = client.get("/incidents/rejections", headers=officer).json()
    assert sorted(r["reasons"][0][0] for r in kept) == ["location", "photo", "photo"]
    assert all(r["source"] == "citizen" for r in kept)
