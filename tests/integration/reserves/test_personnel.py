"""Responders over HTTP: register, scope, availability, training, and the reach search."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import PASSWORD, build_world

PARK = (114.126, 22.686)


def _sign_in(client: TestClient, username: str) -> dict[str, str]:
    resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_who_can_reach_the_park_in_30_minutes_with_hazmat(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(
        platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district", "sibling")
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    today = clock.now().date()

    def register(name: str, lat: float, cert_days: int | None, **extra: object) -> str:
        certs = [] if cert_days is None else [
            {"name": "Hazmat", "expires_on": (today + timedelta(days=cert_days)).isoformat()}
        ]  # fmt: skip
        resp = client.post(
            "/reserves/responders",
            json={
                "name": name,
                "organisation_id": world.org["district"],
                "kind": "professional",
                "team": "Futian hazmat squad",
                "home_base": {"type": "Point", "coordinates": [PARK[0], lat]},
                "skills": ["decontamination"],
                "certifications": certs,
                "equipment": ["gas detector"],
                **extra,
            },
            headers=officer,
        )
        assert resp.status_code == 201, resp.text
        return str(resp.json()["id"])

    near = register("Li Wei", 22.786, 365)  # 0.1° north: 16.68 min at 40 km/h
    register("Zhang Min", 22.886, 365)  # 0.2° north: 33.4 min, too far
    lapsing = register("Chen Jie", 22.700, 10)  # 0.014° = 1,556.7 m = 2.34 min; cert: 10 days
    register("Wang Fang", 22.690, None)  # no certification
    url = f"/reserves/responders/reach?lon={PARK[0]}&lat={PARK[1]}&certification=hazmat"
    found = client.get(url, headers=officer).json()
    assert [(f["responder"]["name"], f["eta_min"]) for f in found] == [
        ("Chen Jie", 2.34),
        ("Li Wei", 16.68),
    ]
    off = client.post(
        f"/reserves/responders/{near}/availability", json={"available": False}, headers=officer
    )
    assert off.json()["available"] is False
    clock.advance(timedelta(days=11))
    officer = _sign_in(client, "reserve_officer.district")  # the old token expired too
    assert client.get(url, headers=officer).json() == []  # one off duty, one lapsed
    trained = client.post(
        f"/reserves/responders/{lapsing}/training",
        json={"on": clock.now().date().isoformat(), "title": "Chlorine leak drill", "hours": 4,
              "drill": True},
        headers=officer,
    )  # fmt: skip
    assert trained.json()["training"][0]["title"] == "Chlorine leak drill"
    future = client.post(
        f"/reserves/responders/{lapsing}/training",
        json={"on": (clock.now().date() + timedelta(days=3)).isoformat(), "title": "x", "hours": 1},
        headers=officer,
    )
    assert future.status_code == 422
    sibling = _sign_in(client, "reserve_officer.sibling")
    assert client.get("/reserves/responders", headers=sibling).json() == []
    assert client.get(url.replace("hazmat", ""), headers=sibling).json() == []
    with platform.uow(read_only=True) as uow:
        steps = [e.type for e in uow.timeline("responder", lapsing)]
    assert steps == ["ResponderRegistered", "TrainingRecorded"]
