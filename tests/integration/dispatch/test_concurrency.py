"""Never a double-assigned unit: commanders racing for one unit, one wins and the others get 409.

The threads go through the real bus (one unit of work each) on both backends; on PostgreSQL the
second UPDATE waits for the first's row lock and then finds the status changed. A deterministic
variant interleaves two connections by hand.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy.engine import Engine

from lifeline.bootstrap import Platform
from lifeline.dispatch.messages import ApproveDispatchPlan, DispatchUnit, ProposeDispatchPlan
from lifeline.dispatch.model import UnitStatus, UnitType
from lifeline.dispatch.store import SqlDispatchRepository
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.errors import Conflict
from tests.integration.dispatch.city import City
from tests.integration.security.world import register_tree

RACERS = 6


@pytest.fixture
def city(platform: Platform) -> City:
    city = City(platform, register_tree(platform)["district"].id)
    city.station("middle", 22.55)
    return city


def _race(work: list[object], run: object) -> list[str]:
    barrier = threading.Barrier(len(work))
    outcomes: list[str] = []
    lock = threading.Lock()

    def racer(item: object) -> None:
        barrier.wait()
        try:
            run(item)  # type: ignore[operator]
            outcome = "won"
        except Conflict:
            outcome = "conflict"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=racer, args=(item,)) for item in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_commanders_racing_for_one_unit(platform: Platform, city: City) -> None:
    unit = city.unit("E1", UnitType.ENGINE, "middle")
    incidents = [city.incident(22.55 + i / 1000) for i in range(RACERS)]

    def dispatch(incident_id: object) -> None:
        platform.bus.handle(
            DispatchUnit(unit_id=unit.id, incident_id=str(incident_id)), SYSTEM_ACTOR
        )

    outcomes = _race(list(incidents), dispatch)
    assert Counter(outcomes) == {"won": 1, "conflict": RACERS - 1}
    with platform.uow() as uow:
        orders = [e for e in uow.timeline("unit", unit.id) if e.type == "UnitDispatched"]
    assert len(orders) == 1
    with platform.uow() as uow:
        stored = SqlDispatchRepository(uow.connection).get_unit(unit.id)
    assert stored is not None
    assert stored.status is UnitStatus.DISPATCHED
    assert stored.incident_id == orders[0].payload["incident_id"]


def test_two_plans_sharing_units_never_both_dispatch(platform: Platform, city: City) -> None:
    units = [city.unit(f"E{i}", UnitType.ENGINE, "middle") for i in range(3)]
    first = city.incident(22.56, units={"fire_engine": 3})
    second = city.incident(22.54, units={"fire_engine": 3})
    plans = [
        platform.bus.handle(
            ProposeDispatchPlan(organisation_id=city.org, incident_ids=(incident,)), SYSTEM_ACTOR
        )
        for incident in (first, second)
    ]
    assert all(len(p.assignments) == 3 for p in plans)

    def approve(plan_id: object) -> None:
        platform.bus.handle(ApproveDispatchPlan(plan_id=str(plan_id)), SYSTEM_ACTOR)

    outcomes = _race([p.id for p in plans], approve)
    assert Counter(outcomes) == {"won": 1, "conflict": 1}
    with platform.uow() as uow:
        repo = SqlDispatchRepository(uow.connection)
        stored = [repo.get_unit(u.id) for u in units]
    assert {u.incident_id for u in stored if u is not None} in ({first}, {second})


@pytest.mark.postgres
def test_a_stale_read_cannot_dispatch(
    platform: Platform, city: City, engine: Engine, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("interleaving two open writers needs PostgreSQL's row locks")
    unit = city.unit("E1", UnitType.ENGINE, "middle")
    with engine.connect() as slow, engine.connect() as fast:
        slow_tx = slow.begin()
        seen = SqlDispatchRepository(slow).get_unit(unit.id)
        assert seen is not None
        assert seen.status is UnitStatus.AVAILABLE
        with fast.begin():
            assert SqlDispatchRepository(fast).change_status(
                seen, expected=frozenset({UnitStatus.AVAILABLE}), status=UnitStatus.DISPATCHED,
                incident_id="A", at=platform.clock.now(),
            )  # fmt: skip
        assert not SqlDispatchRepository(slow).change_status(
            seen, expected=frozenset({UnitStatus.AVAILABLE}), status=UnitStatus.DISPATCHED,
            incident_id="B", at=platform.clock.now(),
        )  # fmt: skip
        slow_tx.rollback()
    with engine.connect() as conn:
        stored = SqlDispatchRepository(conn).get_unit(unit.id)
    assert stored is not None
    assert stored.incident_id == "A"
