"""What the incidents context does with other contexts' events.

* ``IncidentProposed`` (early warning): the alarm becomes a report through the same intake as
  calls (so it merges with calls about the same fire); a proposal that cannot be placed (no
  position, outside the city, an unknown type) goes to the quarantine with the reasons.
* every event whose payload names an ``incident_id`` (plan activations, dispatch orders,
  material requests …) is indexed for the incident's timeline.
"""

from __future__ import annotations

from typing import Any

from lifeline.incidents.codes import code_list
from lifeline.incidents.model import Facts, IncidentType, Reporter, Source
from lifeline.incidents.service._common import IntakeSettings, locate, repo_of
from lifeline.incidents.service.intake import NewReport, intake, quarantine
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.geo import Point
from lifeline.kernel.outbox import Subscription
from lifeline.kernel.uow import SqlUnitOfWork
from lifeline.registry.model import REGISTRY

PROPOSALS = "incidents.proposals"
TIMELINE = "incidents.timeline"


def _proposal_type(payload: dict[str, Any]) -> IncidentType:
    codes = code_list()
    found = codes.types.get(str(payload.get("incident_type", "")))
    if found is None:
        found = codes.type_for_hazard(str(payload.get("hazard", "")))
    if found is None:
        raise InvalidInput(
            "incident_type",
            f"unknown incident type {payload.get('incident_type')!r} "
            f"(hazard {payload.get('hazard')!r})",
        )
    return found


def _proposal_point(payload: dict[str, Any], uow: SqlUnitOfWork) -> Point:
    lon, lat = payload.get("lon"), payload.get("lat")
    if lon is not None and lat is not None:
        return Point(float(lon), float(lat))
    area_id = payload.get("area_id")
    if area_id:
        area = uow.repo(REGISTRY).get_area(str(area_id))
        if area is not None:
            return area.boundary.centroid()
    raise InvalidInput("location", "the alarm has neither a position nor a known area")


def on_incident_proposed(event: StoredEvent, uow: SqlUnitOfWork, settings: IntakeSettings) -> None:
    payload = event.payload
    try:
        incident_type = _proposal_type(payload)
        point = _proposal_point(payload, uow)
        place = locate(uow, point)
    except InvalidInput as refused:
        quarantine(
            uow,
            source=Source.ALARM,
            reasons=tuple((p.field, p.reason) for p in refused.problems),
            record={"event_id": event.id, "alarm_id": event.aggregate_id, **payload},
            actor_id=event.actor_id,
        )
        return
    new = NewReport(
        source=Source.ALARM,
        incident_type=incident_type,
        location=point,
        affected_area=None,
        reporter=Reporter(),
        description=str(payload.get("title", "")),
        facts=Facts(),
        title=str(payload.get("title", ""))[:300],
        exercise=bool(payload.get("exercise", False)),
        received_at=event.occurred_at,
        entered_by=f"alarm:{payload.get('alarm_id') or event.aggregate_id}",
        alarm_id=str(payload.get("alarm_id") or event.aggregate_id),
    )
    intake(uow, new, place, settings)


def on_any_event(event: StoredEvent, uow: SqlUnitOfWork) -> None:
    if event.aggregate_type == "incident":
        return
    incident_id = event.payload.get("incident_id")
    if isinstance(incident_id, str) and 0 < len(incident_id) <= 64:
        repo_of(uow).add_timeline_ref(incident_id, event.seq)


def subscriptions_for(settings: IntakeSettings) -> tuple[Subscription, ...]:
    def proposals(event: StoredEvent, uow: SqlUnitOfWork) -> None:
        on_incident_proposed(event, uow, settings)

    return (
        Subscription(PROPOSALS, proposals, frozenset({"IncidentProposed"})),
        Subscription(TIMELINE, on_any_event),
    )
