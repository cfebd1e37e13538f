"""Through monitoring's real HTTP ingest: anomalies recorded by the detector sink, and a plume
driven by the newest readings of a weather station's wind datastreams."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world

LON, LAT = 114.05, 22.54


def station(client: TestClient, world: World, kinds: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """A thing in the district with one datastream per kind; returns stream ids and its key."""
    manager = world.headers(Role.PARK_MANAGER, "district")
    resp = client.post(
        "/monitoring/Things",
        json={
            "name": "weather and pipe station",
            "organisation_id": world.org["district"],
            "location": {"type": "Point", "coordinates": [LON, LAT]},
        },
        headers=manager,
    )
    assert resp.status_code == 201, resp.text
    thing = resp.json()["id"]
    streams = {}
    for kind in kinds:
        made = client.post(
            "/monitoring/Datastreams",
            json={"thing_id": thing, "name": kind, "kind": kind},
            headers=manager,
        )
        assert made.status_code == 201, made.text
        streams[kind] = made.json()["id"]
    key = client.post(f"/monitoring/Things/{thing}/keys", headers=manager)
    assert key.status_code == 201, key.text
    return streams, key.json()["key"]


def send(
    client: TestClient, key: str, stream: str, times: list[float], values: list[float]
) -> None:
    resp = client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": stream, "phenomenon_time": times, "results": values},
        headers={"X-Device-Key": key},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["rejected"] == 0, resp.text


def test_a_pressure_drop_ingested_over_http_is_recorded_as_an_anomaly(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(platform, client, roles=(Role.PARK_MANAGER,), levels=("district",))
    streams, key = station(client, world, ("pipeline_pressure",))
    stream = streams["pipeline_pressure"]
    rng = np.random.default_rng(9)
    now = clock.now().timestamp()
    times = [now - 60.0 * (200 - i) for i in range(200)]
    send(client, key, stream, times, [round(0.4 + rng.normal(0, 0.002), 4) for _ in times])
    clock.advance(timedelta(minutes=1))
    send(client, key, stream, [clock.now().timestamp()], [0.2])
    with platform.uow(read_only=True) as uow:
        timeline = uow.timeline("datastream", stream)
    anomalies = [e for e in timeline if e.type == "AnomalyDetected"]
    assert len(anomalies) == 1
    payload = anomalies[0].payload
    assert payload["reason"] == "spike"
    assert payload["value"] == 0.2
    assert (payload["lon"], payload["lat"]) == (LON, LAT)
    assert anomalies[0].organisation_id == world.org["district"]


def test_plume_reads_the_wind_from_datastreams(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER),
        levels=("district", "sibling"),
    )
    streams, key = station(client, world, ("wind_speed", "wind_direction"))
    now = clock.now().timestamp()
    send(client, key, streams["wind_speed"], [now - 60, now], [8.0, 4.0])
    send(
        client, key, streams["wind_direction"], [now - 60, now], [90.0, 180.0]
    )  # now from the south
    body = {
        "hazard": "toxic_release",
        "lon": LON,
        "lat": LAT,
        "release_g_s": 2_000.0,
        "threshold_mg_m3": 15.0,
        "wind_speed_datastream_id": streams["wind_speed"],
        "wind_direction_datastream_id": streams["wind_direction"],
    }
    resp = client.post(
        "/warning/impact", json=body, headers=world.headers(Role.DUTY_OFFICER, "district")
    )
    assert resp.status_code == 200, resp.text
    impact = resp.json()
    params = impact["parameters"]
    assert (params["wind_source"], params["wind_speed_m_s"], params["wind_from_deg"]) == (
        "datastream",
        4.0,
        180.0,
    )
    ring = impact["area"]["coordinates"][0]
    assert min(p[1] for p in ring) >= LAT - 1e-9  # a south wind carries the gas north
    assert max(p[1] for p in ring) > LAT + 0.001
    outsider = client.post(
        "/warning/impact", json=body, headers=world.headers(Role.DUTY_OFFICER, "sibling")
    )
    assert outsider.status_code == 404  # another district's datastream is not revealed
