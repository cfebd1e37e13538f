"""The alarm bell rings straight after a commit that changed alarms, never before it and never
for a batch that rolled back, and a rule created through the bus applies to the next batch
even though the evaluator caches the rules' stamp."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring.batch import ObservationBatch, StreamInfo
from lifeline.security.model import Role
from lifeline.warning.messages import CreateRule
from lifeline.warning.service import RuleEvaluationSink
from tests.integration.security.world import build_world
from tests.integration.warning.helpers import feed, stream

RULE = {
    "name": "Smoke",
    "hazard": "fire",
    "select": {"kind": "smoke"},
    "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 5}]},
}


def _batch(info: StreamInfo, value: float, t_s: float) -> ObservationBatch:
    times = np.array([t_s])
    return ObservationBatch(
        (info.datastream_id,), times, np.array([value]), times, {info.datastream_id: info}
    )


def test_the_bell_rings_after_the_commit_only(platform: Platform, client: TestClient) -> None:
    world = build_world(platform, client, roles=(Role.PARK_MANAGER,), levels=("park",))
    rule_sink = platform.batch_sinks[0]
    assert isinstance(rule_sink, RuleEvaluationSink)
    rule_sink.rules_check_s = 3600.0  # only this process's rule changes are seen at once
    now = platform.clock.now().timestamp()
    first = stream("smoke-l1", world.org["park"])
    feed(platform, first, [1.0])  # the evaluator has read the (empty) rules
    platform.bus.handle(
        CreateRule(organisation_id=world.org["park"], definition=RULE), SYSTEM_ACTOR
    )
    bell = platform.alarm_bell
    rings = bell.rings
    with platform.uow() as uow:
        for sink in platform.batch_sinks:
            sink(_batch(first, 9.0, now + 1), uow)
        assert bell.rings == rings  # raised, but not committed yet
        uow.commit()
    assert bell.rings == rings + 1
    assert bell.wait(rings, 0.01) == rings + 1

    with platform.uow() as uow:  # a batch that fails to store: no ring
        for sink in platform.batch_sinks:
            sink(_batch(stream("smoke-l2", world.org["park"]), 9.0, now + 2), uow)
    assert bell.rings == rings + 1
    feed(platform, stream("smoke-l3", world.org["park"]), [1.0])  # no alarm change: no ring
    assert bell.rings == rings + 1
