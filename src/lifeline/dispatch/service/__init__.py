"""Dispatch use cases: command and query handlers, and the events this context reacts to."""

from __future__ import annotations

from lifeline.dispatch import messages as m
from lifeline.dispatch.service.coverage import (
    CoverageView,
    MoveUpView,
    assess_coverage,
    recommend_move_up,
    relocate_unit,
)
from lifeline.dispatch.service.plans import (
    approve_dispatch_plan,
    get_dispatch_plan,
    list_dispatch_plans,
    propose_dispatch_plan,
    reject_dispatch_plan,
)
from lifeline.dispatch.service.projection import INCIDENT_VIEW
from lifeline.dispatch.service.recommendation import (
    RankedUnit,
    RecommendationView,
    list_incident_views,
    recommend_units,
    route_origins,
)
from lifeline.dispatch.service.units import (
    change_unit_status,
    dispatch_unit,
    get_unit,
    list_avl_quarantine,
    list_units,
    register_unit,
    report_positions,
    unit_track,
)
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription

__all__ = [
    "CoverageView",
    "MoveUpView",
    "RankedUnit",
    "RecommendationView",
    "register_handlers",
    "route_origins",
    "subscriptions",
]


def register_handlers(bus: MessageBus) -> None:
    """Register this context's command and query handlers on ``bus``."""
    bus.register(m.RegisterUnit, register_unit)
    bus.register(m.GetUnit, get_unit)
    bus.register(m.ListUnits, list_units)
    bus.register(m.ChangeUnitStatus, change_unit_status)
    bus.register(m.DispatchUnit, dispatch_unit)
    bus.register(m.ReportPositions, report_positions)
    bus.register(m.UnitTrack, unit_track)
    bus.register(m.ListAvlQuarantine, list_avl_quarantine)
    bus.register(m.ListIncidentViews, list_incident_views)
    bus.register(m.RecommendUnits, recommend_units)
    bus.register(m.ProposeDispatchPlan, propose_dispatch_plan)
    bus.register(m.GetDispatchPlan, get_dispatch_plan)
    bus.register(m.ListDispatchPlans, list_dispatch_plans)
    bus.register(m.ApproveDispatchPlan, approve_dispatch_plan)
    bus.register(m.RejectDispatchPlan, reject_dispatch_plan)
    bus.register(m.AssessCoverage, assess_coverage)
    bus.register(m.RecommendMoveUp, recommend_move_up)
    bus.register(m.RelocateUnit, relocate_unit)


def subscriptions() -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to other contexts' events."""
    return (INCIDENT_VIEW,)
