"""Dispatch's own view of incidents and their run cards, kept from other contexts' events.

``IncidentOpened`` / ``IncidentGraded`` / ``IncidentStatusChanged`` keep where each incident is,
how grave and whether it is still open; ``PlanActivated`` keeps the run card (unit types and
counts, materials) of every activated plan, ``ResponseLevelRaised`` replaces it with the new
level's and ``PlanStoodDown`` removes it. Dispatch never reads the incidents' or plans' tables.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from lifeline.dispatch.model import DISPATCH, IncidentView, RunCard
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.geo import Point
from lifeline.kernel.outbox import Subscription
from lifeline.kernel.uow import SqlUnitOfWork
from lifeline.security.model import ORG_PATHS

log = logging.getLogger(__name__)

INCIDENT_EVENTS = frozenset(
    {
        "IncidentOpened",
        "IncidentGraded",
        "IncidentStatusChanged",
        "PlanActivated",
        "ResponseLevelRaised",
        "PlanStoodDown",
    }
)


def _path(uow: SqlUnitOfWork, organisation_id: str | None) -> str:
    if organisation_id is None:
        return "/"
    return uow.repo(ORG_PATHS).path_of(organisation_id) or "/"


def _opened(event: StoredEvent, uow: SqlUnitOfWork, p: dict[str, Any]) -> None:
    repo = uow.repo(DISPATCH)
    known = repo.get_incident(event.aggregate_id)
    repo.save_incident(
        IncidentView(
            id=event.aggregate_id,
            organisation_id=event.organisation_id,
            path=_path(uow, event.organisation_id),
            title=str(p.get("title", "")),
            category=str(p.get("category", "")),
            incident_type=str(p.get("incident_type", "")),
            location=Point(float(p["lon"]), float(p["lat"])),
            grade=known.grade if known else None,
            status=known.status if known else "reported",
            exercise=bool(p.get("exercise", False)),
            updated_at=event.occurred_at,
        )
    )


def _graded(event: StoredEvent, uow: SqlUnitOfWork, p: dict[str, Any]) -> None:
    repo = uow.repo(DISPATCH)
    known = repo.get_incident(event.aggregate_id)
    location = Point(float(p["lon"]), float(p["lat"]))
    if known is None:
        known = IncidentView(
            id=event.aggregate_id,
            organisation_id=event.organisation_id,
            path=_path(uow, event.organisation_id),
            title="",
            category=str(p.get("category", "")),
            incident_type=str(p.get("incident_type", "")),
            location=location,
            grade=None,
            status="reported",
            exercise=bool(p.get("exercise", False)),
            updated_at=event.occurred_at,
        )
    repo.save_incident(
        replace(
            known,
            grade=str(p["grade"]),
            category=str(p.get("category", known.category)),
            incident_type=str(p.get("incident_type", known.incident_type)),
            location=location,
            updated_at=event.occurred_at,
        )
    )


def _status(event: StoredEvent, uow: SqlUnitOfWork, p: dict[str, Any]) -> None:
    repo = uow.repo(DISPATCH)
    known = repo.get_incident(event.aggregate_id)
    if known is not None:
        repo.save_incident(replace(known, status=str(p["status"]), updated_at=event.occurred_at))


def _activated(event: StoredEvent, uow: SqlUnitOfWork, p: dict[str, Any]) -> None:
    units: dict[str, int] = {}
    for item in p.get("required_units", ()):
        units[str(item["unit_type"])] = units.get(str(item["unit_type"]), 0) + int(item["count"])
    materials: dict[str, float] = {}
    for item in p.get("required_materials", ()):
        code = str(item["material_code"])
        materials[code] = materials.get(code, 0.0) + float(item["quantity"])
    uow.repo(DISPATCH).save_run_card(
        RunCard(
            incident_id=str(p["incident_id"]),
            plan_code=str(p["plan_code"]),
            activation_id=event.aggregate_id,
            level=str(p.get("level", "")),
            units=units,
            materials=materials,
            activated_at=event.occurred_at,
        )
    )


def _stood_down(event: StoredEvent, uow: SqlUnitOfWork, p: dict[str, Any]) -> None:
    uow.repo(DISPATCH).remove_run_card(event.aggregate_id)


_HANDLERS = {
    "IncidentOpened": _opened,
    "IncidentGraded": _graded,
    "IncidentStatusChanged": _status,
    "PlanActivated": _activated,
    "ResponseLevelRaised": _activated,  # the new level's run card replaces the plan's
    "PlanStoodDown": _stood_down,
}


def on_event(event: StoredEvent, uow: SqlUnitOfWork) -> None:
    """Update the incident view from one incident or plan event.

    An event whose payload dispatch cannot read is logged and skipped (it stays in the event
    log), so one bad event never stalls the view.
    """
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return
    try:
        handler(event, uow, event.payload)
    except (KeyError, TypeError, ValueError, InvalidInput):
        log.exception("dispatch skipped unreadable %s seq=%d", event.type, event.seq)


INCIDENT_VIEW = Subscription("dispatch.incident-view", on_event, INCIDENT_EVENTS)
