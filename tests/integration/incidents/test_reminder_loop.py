"""While the API serves, due situation reports are reminded without anyone asking."""

from __future__ import annotations

import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.bootstrap import build_platform
from lifeline.config import Settings
from lifeline.incidents.messages import IncidentTimeline, ReceiveCall
from lifeline.incidents.model import Facts
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from tests.integration.incidents.helpers import FUTIAN, define_areas
from tests.integration.security.world import World, register_tree


def test_the_serving_api_reminds_due_situation_reports(
    settings: Settings, engine: Engine, clock: VirtualClock
) -> None:
    from lifeline.api.app import create_app

    fast = settings.model_copy(update={"incident_sitrep_check_interval_s": 0.05})
    platform = build_platform(fast, clock=clock, engine=engine)
    world = World()
    for level, org in register_tree(platform).items():
        world.org[level] = org.id
    define_areas(platform, world)
    made = platform.bus.handle(
        ReceiveCall(incident_type="accident.fire", location=FUTIAN, facts=Facts(deaths=30)),
        SYSTEM_ACTOR,
    )

    def reminders() -> int:
        events = platform.bus.handle(IncidentTimeline(incident_id=made.incident.id), SYSTEM_ACTOR)
        return sum(e.type == "SituationReportDue" for e in events)

    with TestClient(create_app(platform=platform)):
        time.sleep(0.3)
        assert reminders() == 0  # grade I: due 30 minutes after opening
        clock.advance(timedelta(minutes=31))
        deadline = time.monotonic() + 30
        while reminders() == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)
        assert reminders() == 1  # once per due time, however often the loop runs
