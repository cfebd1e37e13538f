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
    # by default the platform's travel times: without a road network, great-circle × 1.3 detour
    # at 30 km/h (500 m/min): 1,556.7 m → 4.05 min, 11,119.5 m → 28.91 min
    found = client.get(url, headers=officer).json()
    assert [(f["responder"]["name"], f["eta_min"]) for f in found] == [
        ("Chen Jie", 4.05),
        ("Li Wei", 28.91),
    ]
    stated = client.get(f"{url}&speed_kmh=40", headers=officer).json()  # great-circle, 40 km/h
    assert [(f["responder"]["name"], f["eta_min"]) for f in stated] == [
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


def test_duty_rosters_decide_who_is_on_duty_for_the_reach_search(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    """The clock starts Wednesday 2026-07-01 08:00 UTC = 16:00 in Shenzhen."""
    world = build_world(platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district",))
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    ids = {}
    for name in ("Day shift", "Night shift"):
        resp = client.post(
            "/reserves/responders",
            json={
                "name": name,
                "organisation_id": world.org["district"],
                "kind": "enterprise",
                "team": "Park brigade",
                "home_base": {"type": "Point", "coordinates": [PARK[0], PARK[1] + 0.01]},
            },
            headers=officer,
        )
        ids[name] = resp.json()["id"]
    weekdays = [{"weekday": d, "start": "08:00", "end": "20:00"} for d in range(5)]
    nights = [{"weekday": d, "start": "20:00", "end": "08:00"} for d in range(7)]
    day = client.put(
        f"/reserves/responders/{ids['Day shift']}/roster",
        json={"shifts": weekdays, "leave": [
            {"starts_at": "2026-07-02T00:00:00+08:00", "ends_at": "2026-07-03T00:00:00+08:00",
             "reason": "annual leave"}
        ]},
        headers=officer,
    )  # fmt: skip
    assert day.status_code == 200, day.text
    assert day.json()["roster"]["shifts"][0] == {
        "weekday": 0,
        "start": "08:00:00",
        "end": "20:00:00",
    }
    night = client.put(
        f"/reserves/responders/{ids['Night shift']}/roster",
        json={"shifts": nights},
        headers=officer,
    )
    assert night.status_code == 200

    def on_duty(at: str | None = None) -> list[str]:
        params: dict[str, str | float] = {"lon": PARK[0], "lat": PARK[1]}
        if at:
            params["at"] = at
        resp = client.get("/reserves/responders/reach", params=params, headers=officer)
        assert resp.status_code == 200, resp.text
        return sorted(r["responder"]["name"] for r in resp.json())

    assert on_duty() == ["Day shift"]  # 16:00 Wednesday
    assert on_duty("2026-07-01T23:30:00+08:00") == ["Night shift"]
    assert on_duty("2026-07-02T10:00:00+08:00") == []  # the day shift is on leave
    clock.advance(timedelta(hours=6))  # 22:00 local
    officer = _sign_in(client, "reserve_officer.district")
    assert on_duty() == ["Night shift"]
    bad = client.put(
        f"/reserves/responders/{ids['Night shift']}/roster",
        json={"shifts": [{"weekday": 7, "start": "08:00", "end": "09:00"}]},
        headers=officer,
    )
    assert bad.status_code == 422
    assert "weekday" in bad.text
    naive = client.put(
        f"/reserves/responders/{ids['Night shift']}/roster",
        json={"shifts": nights, "leave": [
            {"starts_at": "2026-07-02T00:00:00", "ends_at": "2026-07-03T00:00:00"}]},
        headers=officer,
    )  # fmt: skip
    assert naive.status_code == 422
    assert "leave[0]" in naive.text
    with platform.uow(read_only=True) as uow:
        steps = [e.type for e in uow.timeline("responder", ids["Day shift"])]
    assert steps == ["ResponderRegistered", "RosterSet"]


def test_certification_alarms_list_lapsed_and_lapsing_certificates_in_scope(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(
        platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district", "sibling")
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    today = clock.now().date()
    client.post(
        "/reserves/responders",
        json={
            "name": "Zhao Lei",
            "organisation_id": world.org["district"],
            "kind": "volunteer",
            "team": "Futian volunteers",
            "home_base": {"type": "Point", "coordinates": list(PARK)},
            "certifications": [
                {"name": "first-aid", "expires_on": (today - timedelta(days=3)).isoformat()},
                {"name": "hazmat", "expires_on": (today + timedelta(days=20)).isoformat()},
                {"name": "rope", "expires_on": (today + timedelta(days=400)).isoformat()},
            ],
        },
        headers=officer,
    )
    alarms = client.get("/reserves/alarms/certifications?within_days=60", headers=officer).json()
    assert [(a["certification"], a["days_left"], a["severity"]) for a in alarms] == [
        ("first-aid", -3, "expired"),
        ("hazmat", 20, "critical"),
    ]
    sibling = world.headers(Role.RESERVE_OFFICER, "sibling")
    assert client.get("/reserves/alarms/certifications", headers=sibling).json() == []
