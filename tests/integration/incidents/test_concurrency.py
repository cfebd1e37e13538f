"""Two people deciding one merge candidate at once: exactly one merge happens, the other gets a
conflict; two commanders stepping one incident at once: one step is recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from lifeline.bootstrap import Platform
from lifeline.incidents.messages import (
    AdvanceIncident,
    ConfirmMerge,
    GetIncident,
    ListReports,
    ReceiveCall,
    RejectMerge,
)
from lifeline.incidents.model import Reporter, Status
from lifeline.incidents.service import IntakeResult
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.errors import Conflict
from tests.integration.incidents.helpers import FUTIAN, define_areas, offset
from tests.integration.security.world import World, register_tree


def _world(platform: Platform) -> None:
    world = World()
    for level, org in register_tree(platform).items():
        world.org[level] = org.id
    define_areas(platform, world)


def _call(platform: Platform, east_m: float, phone: str) -> IntakeResult:
    result: IntakeResult = platform.bus.handle(
        ReceiveCall(
            incident_type="accident.fire",
            location=offset(FUTIAN, east_m=east_m),
            reporter=Reporter(phone=phone),
        ),
        SYSTEM_ACTOR,
    )
    return result


def _race(*jobs: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as exc:  # collected and asserted on below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_one_candidate_decided_twice_at_once_merges_once(platform: Platform) -> None:
    _world(platform)
    main = _call(platform, 0, "1")
    maybe = _call(platform, 300, "2")
    assert len(maybe.candidates) == 1
    candidate = maybe.candidates[0].id
    results = _race(
        lambda: platform.bus.handle(ConfirmMerge(candidate_id=candidate), SYSTEM_ACTOR),
        lambda: platform.bus.handle(ConfirmMerge(candidate_id=candidate), SYSTEM_ACTOR),
        lambda: platform.bus.handle(RejectMerge(candidate_id=candidate), SYSTEM_ACTOR),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 2, results
    reports = platform.bus.handle(ListReports(incident_id=main.incident.id), SYSTEM_ACTOR)
    merged = any(not isinstance(r, Exception) and hasattr(r, "report_count") for r in results)
    assert len(reports) == (2 if merged else 1)
    child = platform.bus.handle(GetIncident(incident_id=maybe.incident.id), SYSTEM_ACTOR)
    assert child.status is (Status.MERGED if merged else Status.REPORTED)


def test_two_steps_at_once_on_one_incident_record_one(platform: Platform) -> None:
    _world(platform)
    made = _call(platform, 0, "1")
    incident_id = made.incident.id
    results = _race(
        lambda: platform.bus.handle(
            AdvanceIncident(incident_id=incident_id, status=Status.VERIFIED), SYSTEM_ACTOR
        ),
        lambda: platform.bus.handle(
            AdvanceIncident(incident_id=incident_id, status=Status.VERIFIED), SYSTEM_ACTOR
        ),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    final = platform.bus.handle(GetIncident(incident_id=incident_id), SYSTEM_ACTOR)
    assert [s.status for s in final.steps] == [Status.REPORTED, Status.VERIFIED]
