"""HTTP routes for material requests: request → approve → commit → ship → receive."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.schemas import EventOut
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, Strict
from lifeline.reserves.model import MILLI, MaterialRequest, RequestStatus

router = APIRouter()


class RequestIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36, description="Requesting organisation")
    incident_id: str = Field(min_length=1, max_length=64)
    destination: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    lines: dict[str, float] = Field(min_length=1, description="material code → quantity")
    note: str = Field("", max_length=2000)


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class CommitIn(Strict):
    commitments: dict[str, float] = Field(
        default_factory=dict,
        description="lot id → quantity; empty: commit the allocation model's proposal",
    )
    speed_kmh: float | None = Field(
        None,
        gt=0,
        le=300,
        description="great-circle speed; "
        "none: road travel times (great-circle fallback without a network)",
    )


class ReceiveIn(Strict):
    note: str = Field("", max_length=2000)


class CommitmentOut(BaseModel):
    lot_id: str
    depot_id: str
    material_code: str
    quantity: float


class RequestOut(BaseModel):
    id: str
    organisation_id: str
    incident_id: str
    destination: GeoJson
    lines: dict[str, float]
    status: RequestStatus
    requested_by: str
    created_at: datetime
    updated_at: datetime
    commitments: list[CommitmentOut]
    note: str

    @classmethod
    def of(cls, r: MaterialRequest) -> RequestOut:
        return cls(
            id=r.id, organisation_id=r.organisation_id, incident_id=r.incident_id,
            destination=r.destination.to_geojson(),
            lines={ln.material_code: ln.quantity_milli / MILLI for ln in r.lines},
            status=r.status, requested_by=r.requested_by, created_at=r.created_at,
            updated_at=r.updated_at,
            commitments=[
                CommitmentOut(
                    lot_id=c.lot_id, depot_id=c.depot_id, material_code=c.material_code,
                    quantity=c.quantity_milli / MILLI,
                )
                for c in r.commitments
            ],
            note=r.note,
        )  # fmt: skip


@router.post("/requests", status_code=status.HTTP_201_CREATED, summary="Request materials")
def create_request(body: RequestIn, bus: BusDep, actor: CurrentActor) -> RequestOut:
    request = bus.handle(
        m.CreateRequest(
            organisation_id=body.organisation_id,
            incident_id=body.incident_id,
            destination=Point.from_geojson(body.destination, "destination"),
            lines=tuple(body.lines.items()),
            note=body.note,
        ),
        actor,
    )
    return RequestOut.of(request)


@router.get("/requests", summary="Material requests in your scope, newest first")
def list_requests(bus: BusDep, actor: CurrentActor) -> list[RequestOut]:
    return [RequestOut.of(r) for r in bus.handle(m.ListRequests(), actor)]


@router.get("/requests/{request_id}", summary="One material request")
def get_request(request_id: str, bus: BusDep, actor: CurrentActor) -> RequestOut:
    return RequestOut.of(bus.handle(m.GetRequest(request_id=request_id), actor))


@router.get("/requests/{request_id}/timeline", summary="Every step of the request, audited")
def request_timeline(request_id: str, bus: BusDep, actor: CurrentActor) -> list[EventOut]:
    return [EventOut.of(e) for e in bus.handle(m.RequestTimeline(request_id=request_id), actor)]


@router.post("/requests/{request_id}/approve", summary="Approve (reserve.approve)")
def approve(request_id: str, bus: BusDep, actor: CurrentActor) -> RequestOut:
    return RequestOut.of(bus.handle(m.ApproveRequest(request_id=request_id), actor))


@router.post("/requests/{request_id}/reject", summary="Reject with a reason")
def reject(request_id: str, body: ReasonIn, bus: BusDep, actor: CurrentActor) -> RequestOut:
    msg = m.RejectRequest(request_id=request_id, reason=body.reason)
    return RequestOut.of(bus.handle(msg, actor))


@router.post("/requests/{request_id}/commit", summary="Reserve stock from depots for it")
def commit(request_id: str, body: CommitIn, bus: BusDep, actor: CurrentActor) -> RequestOut:
    msg = m.CommitRequest(
        request_id=request_id,
        commitments=tuple(body.commitments.items()),
        speed_kmh=body.speed_kmh,
    )
    return RequestOut.of(bus.handle(msg, actor))


@router.post("/requests/{request_id}/ship", summary="Issue the committed stock to the incident")
def ship(request_id: str, bus: BusDep, actor: CurrentActor) -> RequestOut:
    return RequestOut.of(bus.handle(m.ShipRequest(request_id=request_id), actor))


@router.post("/requests/{request_id}/receive", summary="Confirm receipt at the destination")
def receive(request_id: str, body: ReceiveIn, bus: BusDep, actor: CurrentActor) -> RequestOut:
    msg = m.ReceiveRequest(request_id=request_id, note=body.note)
    return RequestOut.of(bus.handle(msg, actor))


@router.post("/requests/{request_id}/cancel", summary="Cancel before shipping; frees stock")
def cancel(request_id: str, body: ReasonIn, bus: BusDep, actor: CurrentActor) -> RequestOut:
    msg = m.CancelRequest(request_id=request_id, reason=body.reason)
    return RequestOut.of(bus.handle(msg, actor))
