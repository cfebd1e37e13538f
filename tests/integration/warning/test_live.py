"""The alarm bell rings straight after a commit that changed alarms, never before it and never
for a batch that rolled back, and a rule or silence created or ended through the bus applies
to the next batch even though the evaluator caches the rules' stamp and the silences."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring.batch import ObservationBatch, StreamInfo
from lifeline.security.model import Role
from lifeline.warning.messages import CreateRule, CreateSilence, EndSilence
from lifeline.warning.model import WARNING, SilenceKind
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


def _open_sources(platform: Platform) -> list[str]:
    with platform.uow(read_only=True) as uow:
        return sorted(a.source_id for a in uow.repo(WARNING).open_alarms())


def test_silences_made_through_the_bus_apply_to_the_next_batch(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.PARK_MANAGER,), levels=("park",))
    park = world.org["park"]
    rule_sink = platform.batch_sinks[0]
    assert isinstance(rule_sink, RuleEvaluationSink)
    rule_sink.rules_check_s = 3600.0  # the silences read now are kept for an hour
    platform.bus.handle(CreateRule(organisation_id=park, definition=RULE), SYSTEM_ACTOR)
    now = platform.clock.now()
    feed(platform, stream("smoke-s0", park), [1.0])  # rules and (no) silences read
    silence = platform.bus.handle(
        CreateSilence(
            organisation_id=park, kind=SilenceKind.MAINTENANCE, starts_at=None,
            ends_at=now + timedelta(hours=1), reason="detectors being cleaned",
            thing_id="thing-s",
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    feed(platform, stream("smoke-s1", park, thing_id="thing-s"), [9.0])
    feed(platform, stream("smoke-s2", park, thing_id="thing-t"), [9.0])
    assert _open_sources(platform) == ["smoke-s2"]  # the silence held at the very next batch
    platform.bus.handle(EndSilence(silence_id=silence.id), SYSTEM_ACTOR)
    feed(platform, stream("smoke-s3", park, thing_id="thing-s"), [9.0])
    assert _open_sources(platform) == ["smoke-s2", "smoke-s3"]  # ended: no longer held
