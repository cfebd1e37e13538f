"""Device health over the bus and HTTP: offline after silence, back on the next report,
stuck values and out-of-range readings, each change an event in the log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.eventlog import read_aggregate
from lifeline.monitoring.messages import CheckDeviceHealth
from tests.integration.monitoring.helpers import Network, build_network


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


def _send(client: TestClient, net: Network, device: str, kind: str, t: float, values: list[float],
          step_s: float = 1.0) -> None:  # fmt: skip
    resp = client.post(
        "/monitoring/observations:batch",
        json={
            "datastream_id": net.streams[(device, kind)],
            "phenomenon_time": [t - step_s * (len(values) - 1 - i) for i in range(len(values))],
            "results": values,
        },
        headers=net.device(device),
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["rejected"] == 0, resp.text


def _event_types(platform: Platform, thing_id: str) -> list[str]:
    with platform.engine.connect() as conn:
        return [e.type for e in read_aggregate(conn, "thing", thing_id)]


def test_a_silent_device_goes_offline_and_comes_back(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock
) -> None:
    for device in ("a", "b"):
        _send(client, net, device, "smoke", clock.now().timestamp(), [0.0])
    first = client.post("/monitoring/health:check", headers=net.manager("city")).json()
    # c never reported but was registered just now: not offline yet
    assert first["went_offline"] == []
    assert first["counts"]["online"] == 2
    # smoke reports every 30 s, temperature every 60 s: offline after 3 × 30 s of silence
    clock.advance(timedelta(seconds=60))
    _send(client, net, "a", "smoke", clock.now().timestamp(), [0.0])
    clock.advance(timedelta(seconds=40))
    second = client.post("/monitoring/health:check", headers=net.manager("city")).json()
    assert sorted(second["went_offline"]) == sorted([net.things["b"], net.things["c"]])
    again = platform.bus.handle(CheckDeviceHealth(), SYSTEM_ACTOR)
    assert again.went_offline == []  # one event per transition, not per check
    _send(client, net, "b", "smoke", clock.now().timestamp(), [0.0])
    third = client.post("/monitoring/health:check", headers=net.manager("district")).json()
    assert third["came_back"] == [net.things["b"]]
    types = _event_types(platform, net.things["b"])
    assert types.count("DeviceWentOffline") == 1
    assert types.count("DeviceCameBack") == 1
    report = {h["thing_id"]: h for h in client.get(
        "/monitoring/health", headers=net.manager("city")).json()}  # fmt: skip
    assert report[net.things["b"]]["status"] == "online"
    assert report[net.things["c"]]["status"] == "offline"
    # scope: the sibling's manager sees only its own device
    sibling = client.get("/monitoring/health", headers=net.manager("sibling")).json()
    assert [h["thing_id"] for h in sibling] == [net.things["c"]]


def test_stuck_values_and_out_of_range_readings_raise_and_clear_faults(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock
) -> None:
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    _send(client, net, "a", "temperature", t, [22.5] * 30, step_s=2.0)  # stuck after 30
    bad = client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": temp, "phenomenon_time": [t - 0.5], "results": [-80.0]},
        headers=net.device("a"),
    )
    assert bad.json()["reasons"] == {"out_of_range": 1}
    check = platform.bus.handle(CheckDeviceHealth(), SYSTEM_ACTOR)
    assert check.faults_raised == 2
    report = {h["thing_id"]: h for h in client.get(
        "/monitoring/health", headers=net.manager("city")).json()}  # fmt: skip
    assert report[net.things["a"]]["faults"] == {temp: ["out_of_range", "stuck"]}
    # a changing value clears "stuck"; ten minutes later the rejection is forgotten
    clock.advance(timedelta(minutes=11))
    _send(client, net, "a", "temperature", clock.now().timestamp(), [22.6])
    check = platform.bus.handle(CheckDeviceHealth(), SYSTEM_ACTOR)
    assert check.faults_cleared == 2
    types = _event_types(platform, net.things["a"])
    assert types.count("DatastreamFaultRaised") == 2
    assert types.count("DatastreamFaultCleared") == 2
