"""HTTP routes of observation ingest (SensorThings single and the batch forms), stored
observations, the quarantine and device health."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lifeline.api.deps import BusDep, CurrentActor, PlatformDep
from lifeline.api.pagination import Page
from lifeline.kernel.errors import FieldProblem, Forbidden, InvalidInput
from lifeline.kernel.group_commit import GroupCommit
from lifeline.monitoring import messages as m
from lifeline.monitoring.api._common import PageDep, WriterDep
from lifeline.monitoring.formats import ParsedRows, RejectReason, parse_body, parse_rows
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.model import HealthStatus, QuarantinedRow, Thing, ThingHealth
from lifeline.monitoring.service import HealthSummary, IngestResult, admit

router = APIRouter()

BATCH_EXAMPLES = {
    "rows": {
        "summary": "JSON rows",
        "value": {
            "observations": [
                {"datastream_id": "…", "phenomenon_time": "2026-07-01T08:00:00Z", "result": 21.5}
            ]
        },
    },
    "columnar": {
        "summary": "Compact columnar form",
        "value": {
            "datastream_id": "…",
            "phenomenon_time": [1782892800, 1782892830],
            "results": [21.5, 21.6],
        },
    },
}


class RejectionOut(BaseModel):
    index: int
    reason: RejectReason
    detail: str
    datastream_id: str | None


class IngestOut(BaseModel):
    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejected: int
    reasons: dict[str, int]
    rejections: list[RejectionOut]

    @classmethod
    def of(cls, r: IngestResult, shown: int = 100) -> IngestOut:
        return cls(
            batch_id=r.batch_id, received=r.received, accepted=r.accepted,
            duplicates=r.duplicates, rejected=r.rejected, reasons=r.reasons(),
            rejections=[
                RejectionOut(
                    index=x.index, reason=x.reason, detail=x.detail, datastream_id=x.datastream_id
                )
                for x in r.rejections[:shown]
            ],
        )  # fmt: skip


async def _ingest(
    platform: Any, actor: Any, rows: ParsedRows, source: str = "http"
) -> IngestResult:
    """Rate-limit the writer (429), reserve the rows in the bounded intake (503 when it is
    full, before anything is accepted), store them, and only then answer 2xx. Requests that
    arrive while another is being stored are stored together next (group commit)."""
    admit(platform.ingest_limiter, actor, rows.total, time.monotonic())
    intake: BoundedIntake = platform.ingest_intake
    commits: GroupCommit | None = platform.ingest_commits
    with intake.held(rows.total, "http"):
        result: IngestResult = await run_in_threadpool(
            commits.run if commits is not None else platform.bus.handle,
            m.IngestObservations(rows=rows, source=source),
            actor,
        )
    return result


@router.post(
    "/observations:batch",
    summary="Ingest a batch of observations (JSON rows, NDJSON or the columnar form)",
    description=(
        'Content-Type `application/json`: a list of rows, `{"observations": [rows]}`, or the '
        "columnar form `{datastream_id | datastream_ids, phenomenon_time, results}`; "
        "`application/x-ndjson`: one row per line. A row is `{datastream_id, phenomenon_time "
        "(ISO 8601 with offset, or Unix s), result}`. Rows that fail validation are "
        "quarantined and counted by reason; the rest are stored. Send `X-Device-Key` as a "
        "device, or a bearer token / API key as an account. 429 with Retry-After when the "
        "writer exceeds its rate; 503 with Retry-After, before anything is stored, when the "
        "server's ingest backlog is full."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"examples": BATCH_EXAMPLES},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def ingest_batch(request: Request, platform: PlatformDep, actor: WriterDep) -> IngestOut:
    body = await request.body()
    rows = parse_body(body, request.headers.get("content-type", "application/json"))
    return IngestOut.of(await _ingest(platform, actor, rows))


_FIELD = {
    RejectReason.NOT_FINITE: "result",
    RejectReason.OUT_OF_RANGE: "result",
    RejectReason.UNKNOWN_DATASTREAM: "Datastream.@iot.id",
    RejectReason.FUTURE: "phenomenonTime",
    RejectReason.TOO_LATE: "phenomenonTime",
}


@router.post(
    "/Observations",
    status_code=status.HTTP_201_CREATED,
    summary="Ingest one observation (SensorThings)",
    description=(
        'Body `{"Datastream": {"@iot.id": …}, "phenomenonTime": ISO 8601, "result": number}`. '
        "201 when stored, 200 when the same (datastream, phenomenon time) was stored before, "
        "422 naming the field when refused (the observation is quarantined), 403 when the "
        "datastream is another device's."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "Datastream": {"@iot.id": "…"},
                        "phenomenonTime": "2026-07-01T08:00:00Z",
                        "result": 21.5,
                    }
                }
            },
            "required": True,
        }
    },
)
async def ingest_one(request: Request, platform: PlatformDep, actor: WriterDep) -> JSONResponse:
    try:
        doc = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("body", f"malformed JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InvalidInput("body", "must be one observation object")
    result = await _ingest(platform, actor, parse_rows([doc]))
    if result.rejections:
        refused = result.rejections[0]
        if refused.reason in (RejectReason.FOREIGN_DATASTREAM, RejectReason.OUT_OF_SCOPE):
            raise Forbidden(f"Datastream.@iot.id: {refused.detail} (quarantined)")
        field, _, reason = refused.detail.partition(": ")
        if refused.reason is not RejectReason.MALFORMED or not reason:
            field, reason = _FIELD.get(refused.reason, "body"), refused.detail
        raise InvalidInput(FieldProblem(field, f"{reason} (quarantined)"))
    stream = doc.get("Datastream", {}).get("@iot.id") or doc.get("datastream_id")
    body = {
        "Datastream": {"@iot.id": stream},
        "phenomenonTime": doc.get("phenomenonTime", doc.get("phenomenon_time")),
        "result": doc.get("result"),
        "batch_id": result.batch_id,
        "duplicate": result.duplicates > 0,
    }
    return JSONResponse(body, status_code=200 if result.duplicates else 201)


class ObservationOut(BaseModel):
    phenomenon_time: datetime
    result: float
    received_at: datetime


def _at(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


@router.get(
    "/Datastreams/{datastream_id}/Observations", summary="Stored observations, newest first"
)
def list_observations(
    datastream_id: str,
    bus: BusDep,
    actor: CurrentActor,
    since_s: float | None = None,
    limit: int = 1000,
) -> list[ObservationOut]:
    limit = max(1, min(limit, 10_000))
    rows = bus.handle(
        m.ListObservations(datastream_id=datastream_id, since_s=since_s, limit=limit), actor
    )
    return [
        ObservationOut(phenomenon_time=_at(t), result=v, received_at=_at(r)) for t, v, r in rows
    ]


class QuarantinedOut(BaseModel):
    id: int | None
    batch_id: str
    row_index: int
    reason: str
    detail: str
    raw: str
    received_at: datetime
    source: str
    writer: str
    datastream_id: str | None
    thing_id: str | None


@router.get("/quarantine", summary="Rejected observations in your scope, newest first")
def list_quarantine(
    bus: BusDep, actor: CurrentActor, page: PageDep, thing_id: str | None = None
) -> Page[QuarantinedOut]:
    rows: list[QuarantinedRow]
    rows, total = bus.handle(
        m.ListQuarantine(thing_id=thing_id, limit=page.limit, offset=page.offset), actor
    )
    return Page[QuarantinedOut](
        items=[QuarantinedOut.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


class ThingHealthOut(BaseModel):
    thing_id: str
    name: str
    status: HealthStatus
    since: datetime | None
    last_seen_at: datetime | None
    faults: dict[str, list[str]]

    @classmethod
    def of(cls, thing: Thing, health: ThingHealth | None) -> ThingHealthOut:
        return cls(
            thing_id=thing.id, name=thing.name,
            status=health.status if health else HealthStatus.UNKNOWN,
            since=health.since if health else None,
            last_seen_at=health.last_seen_at if health else None,
            faults={k: list(v) for k, v in (health.faults if health else {}).items()},
        )  # fmt: skip


@router.get("/health", summary="Device health in your scope, as last checked")
def device_health(bus: BusDep, actor: CurrentActor) -> list[ThingHealthOut]:
    return [ThingHealthOut.of(t, h) for t, h in bus.handle(m.DeviceHealthReport(), actor)]


class HealthCheckOut(BaseModel):
    counts: dict[str, int]
    went_offline: list[str]
    came_back: list[str]
    faults_raised: int
    faults_cleared: int


@router.post("/health:check", summary="Check device health now (offline, stuck, out of range)")
def check_health(bus: BusDep, actor: CurrentActor) -> HealthCheckOut:
    summary: HealthSummary = bus.handle(m.CheckDeviceHealth(), actor)
    return HealthCheckOut.model_validate(summary, from_attributes=True)
