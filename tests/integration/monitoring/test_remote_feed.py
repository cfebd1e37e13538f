"""``lifeline monitoring feed`` against a running server: it signs in, issues a key per device
and posts simulated readings over HTTP as each device."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from lifeline.api.app import create_app
from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring import messages as m
from lifeline.monitoring.feed import plan_remote_feed
from lifeline.security.model import Role
from tests.integration.monitoring.helpers import Network, build_network
from tests.integration.security.world import PASSWORD


@pytest.fixture
def server(platform: Platform) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(platform=platform), host="127.0.0.1", port=port, log_config=None,
        log_level="warning", lifespan="off",
    )  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


def test_the_remote_feed_writes_every_device_it_may_write(
    platform: Platform, net: Network, server: str, clock: VirtualClock
) -> None:
    now_s = clock.now().timestamp()
    username = f"{Role.PARK_MANAGER.value}.district"
    feed = plan_remote_feed(server, username, PASSWORD, seed=3, start_s=now_s)
    # the sibling district's device is outside the user's scope
    assert {s.thing_id for s in feed.simulator.streams} == {net.things["a"], net.things["b"]}
    feed.tick(now_s)
    assert (feed.accepted, feed.rejected) == (4, 0)  # smoke and temperature of two devices
    stored = platform.bus.handle(
        m.ListObservations(datastream_id=net.streams[("a", "smoke")], limit=10), SYSTEM_ACTOR
    )
    assert len(stored) == 1
    # the keys the feed issued replaced the devices' earlier ones
    with TestClient(create_app(platform=platform)) as other:
        resp = other.post(
            "/monitoring/Observations",
            json={"Datastream": {"@iot.id": net.streams[("a", "smoke")]},
                  "phenomenonTime": now_s, "result": 0},
            headers={"X-Device-Key": net.keys["a"]},
        )  # fmt: skip
    assert resp.status_code == 401
