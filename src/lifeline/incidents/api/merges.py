"""The merge queue: candidates a person confirms or rejects."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.incidents import messages as m
from lifeline.incidents.api._schemas import CandidateOut, IncidentOut, Strict

router = APIRouter()


class DecisionIn(Strict):
    note: str = Field("", max_length=2000)


@router.get("/merge-candidates", summary="Possible duplicates waiting for a person")
def list_candidates(
    bus: BusDep, actor: CurrentActor, incident_id: str | None = None
) -> list[CandidateOut]:
    return [
        CandidateOut.of(c)
        for c in bus.handle(m.ListMergeCandidates(incident_id=incident_id), actor)
    ]


@router.post(
    "/merge-candidates/{candidate_id}/confirm",
    summary="It is a duplicate: merge it into the main incident, with its reports",
)
def confirm(
    candidate_id: str, bus: BusDep, actor: CurrentActor, body: DecisionIn | None = None
) -> IncidentOut:
    note = body.note if body else ""
    return IncidentOut.of(bus.handle(m.ConfirmMerge(candidate_id=candidate_id, note=note), actor))


@router.post("/merge-candidates/{candidate_id}/reject", summary="It is a separate incident")
def reject(
    candidate_id: str, bus: BusDep, actor: CurrentActor, body: DecisionIn | None = None
) -> CandidateOut:
    note = body.note if body else ""
    return CandidateOut.of(bus.handle(m.RejectMerge(candidate_id=candidate_id, note=note), actor))


class MergeIn(Strict):
    into_id: str = Field(min_length=1, max_length=36, description="The main incident")
    note: str = Field(min_length=1, max_length=2000, description="Why they are one emergency")


@router.post(
    "/{incident_id}/merge",
    summary="Merge this incident into another (one emergency), with its reports",
)
def merge(incident_id: str, body: MergeIn, bus: BusDep, actor: CurrentActor) -> IncidentOut:
    return IncidentOut.of(
        bus.handle(
            m.MergeIncidents(incident_id=incident_id, into_id=body.into_id, note=body.note), actor
        )
    )
