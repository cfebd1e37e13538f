"""State survives a restart: a second platform on the same database (a restarted server)
takes back the evaluator's persistence windows and the detectors' learnt profiles from the
snapshot the escalation run saved, neither raising an open alarm again nor forgetting it."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring.batch import SensorKind
from lifeline.security.model import Role
from lifeline.warning.messages import SaveWarningState
from tests.integration.security.world import build_world
from tests.integration.warning.helpers import feed, stream

SMOKE = {
    "name": "Warehouse smoke",
    "hazard": "fire",
    "select": {"kind": "smoke"},
    "condition": {
        "type": "threshold",
        "levels": [
            {"level": "yellow", "raise_at": 5, "clear_below": 4},
            {"level": "red", "raise_at": 10, "clear_below": 8},
        ],
        "persistence": {"n": 3, "m": 4},
    },
}


def _restart(settings: Settings, engine: Engine, clock: VirtualClock) -> Platform:
    return build_platform(settings, clock=clock, engine=engine)


def test_a_restarted_server_keeps_persistence_windows_and_open_alarms(
    platform: Platform,
    client: TestClient,
    clock: VirtualClock,
    settings: Settings,
    engine: Engine,
) -> None:
    world = build_world(platform, client, roles=(Role.PARK_MANAGER,), levels=("park",))
    manager = world.headers(Role.PARK_MANAGER, "park")
    made = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": SMOKE},
        headers=manager,
    )
    assert made.status_code == 201, made.text
    window = stream("smoke-w", world.org["park"])
    held = stream("smoke-h", world.org["park"], thing_id="thing-2")
    feed(platform, window, [6.0, 6.0])  # 2 of the 3 samples the rule needs
    feed(platform, held, [6.0, 6.0, 6.0, 12.0, 12.0, 12.0])  # red, open
    run = client.post("/warning/escalations/run", headers=manager)
    assert run.status_code == 200, run.text

    clock.advance(timedelta(seconds=10))
    again = _restart(settings, engine, clock)
    feed(again, window, [6.0])  # the third: raised at once after the restart
    feed(again, held, [9.0])  # between red's clear (8) and raise (10): stays red, no re-raise
    alarms = client.get("/warning/alarms", headers=manager).json()["items"]  # the same database
    by_source = {a["source_id"]: a for a in alarms}
    assert set(by_source) == {"smoke-w", "smoke-h"}
    assert by_source["smoke-w"]["level"] == "yellow"
    assert (by_source["smoke-h"]["level"], by_source["smoke-h"]["retrigger_count"]) == ("red", 0)

    # and again: the state the second process saved on its escalation run is the latest
    client.post("/warning/escalations/run", headers=manager)
    again.bus.handle(SaveWarningState(), SYSTEM_ACTOR)
    clock.advance(timedelta(seconds=10))
    third = _restart(settings, engine, clock)
    feed(third, held, [7.0])  # below red's clear: eases to yellow, the alarm carries on
    one = client.get(f"/warning/alarms/{by_source['smoke-h']['id']}", headers=manager).json()
    assert (one["status"], one["level"]) == ("open", "yellow")


def test_a_restarted_server_keeps_the_detectors_learnt_profiles(
    platform: Platform, clock: VirtualClock, settings: Settings, engine: Engine
) -> None:
    pipe = stream("pipe-r1", "org-gas", SensorKind.PIPELINE_PRESSURE)
    rng = np.random.default_rng(7)
    steady = [float(v) for v in 0.40 + rng.normal(0, 0.002, 300)]
    t0 = clock.now().timestamp()
    feed(platform, pipe, steady, t0_s=t0, step_s=60.0)
    saved = platform.bus.handle(SaveWarningState(), SYSTEM_ACTOR)
    assert saved[1] == 1  # one stream's profile saved

    restarted = _restart(settings, engine, clock)
    feed(restarted, pipe, [0.25], t0_s=t0 + 300 * 60.0, step_s=60.0)
    fresh = _restart(settings, engine, clock)
    fresh_pipe = stream("pipe-r2", "org-gas", SensorKind.PIPELINE_PRESSURE)
    feed(fresh, fresh_pipe, [*steady[:5], 0.25], t0_s=t0, step_s=60.0)  # nothing learnt
    with platform.uow(read_only=True) as uow:
        kept = uow.timeline("datastream", "pipe-r1")
        unlearnt = uow.timeline("datastream", "pipe-r2")
    assert [e.type for e in kept] == ["AnomalyDetected"]
    assert kept[0].payload["reason"] == "spike"
    assert unlearnt == []
