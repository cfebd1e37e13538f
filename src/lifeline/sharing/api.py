"""HTTP routes of the data sharing hub: the standard, sources, datasets, mappings, ingest runs,
quality, records with lineage, and the quarantine.

Files (samples for preview, data for runs) are sent as the raw request body; the body is
streamed to a temporary file so that the ingest reads it in constant memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.sharing import service as svc
from lifeline.sharing.drops_api import router as drops_router
from lifeline.sharing.export import ExportFormat, render
from lifeline.sharing.messages import (
    CancelRefresh,
    DatasetQuality,
    DecideLink,
    GetDataKeyState,
    GetDataset,
    GetLineage,
    GetRefresh,
    GetRun,
    GrantAgreement,
    LinkRecords,
    ListAgreements,
    ListDatasets,
    ListLinks,
    ListQuarantine,
    ListRecords,
    ListRuns,
    ListSharedWith,
    ListSources,
    PreviewMapping,
    PublishMapping,
    RegisterDataset,
    RegisterSource,
    ReplayQuarantined,
    RevokeAgreement,
    RunIngest,
    ScheduleRefresh,
)
from lifeline.sharing.model import (
    Agreement,
    CanonicalRecord,
    DataKeyState,
    Dataset,
    IngestRun,
    MappingVersion,
    QuarantineStatus,
    RefreshSchedule,
    SharedDataset,
    Source,
)
from lifeline.sharing.quality_page import render_quality_html
from lifeline.sharing.standard import STANDARD, RecordType, json_schema

router = APIRouter(prefix="/sharing", tags=["sharing"])
PageDep = Annotated[PageParams, Depends(page_params)]
FileName = Annotated[
    str, Query(min_length=1, max_length=300, description="Original file name (.csv or .ndjson)")
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- the standard ---------------------------------------------------------------------------
class RecordTypeOut(BaseModel):
    type: str
    title: str
    schema_url: str
    personal_fields: list[str]


@router.get("/standard", summary="The canonical record types")
def standard() -> list[RecordTypeOut]:
    return [
        RecordTypeOut(
            type=t.value,
            title=spec.title,
            schema_url=f"/sharing/standard/{t.value}.schema.json",
            personal_fields=list(spec.personal_fields),
        )
        for t, spec in STANDARD.items()
    ]


@router.get("/standard/{record_type}.schema.json", summary="JSON Schema of one record type")
def standard_schema(record_type: str) -> dict[str, Any]:
    try:
        kind = RecordType(record_type)
    except ValueError as exc:
        raise NotFound("record type", record_type) from exc
    return json_schema(kind)


# --- sources and datasets ---------------------------------------------------------------------
class SourceIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(default="government", max_length=40)
    description: str = Field(default="", max_length=2000)


class SourceOut(Out):
    id: str
    organisation_id: str
    name: str
    kind: str
    description: str
    created_at: datetime


@router.post("/sources", status_code=status.HTTP_201_CREATED, summary="Register a source")
def register_source(body: SourceIn, actor: CurrentActor, bus: BusDep) -> SourceOut:
    source: Source = bus.handle(RegisterSource(**body.model_dump()), actor)
    return SourceOut.model_validate(source)


@router.get("/sources", summary="Sources in the caller's scope")
def list_sources(actor: CurrentActor, bus: BusDep) -> list[SourceOut]:
    return [SourceOut.model_validate(s) for s in bus.handle(ListSources(), actor)]


class DatasetIn(Strict):
    source_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    record_type: RecordType
    personal_fields: list[str] | None = None
    refresh_interval_s: int | None = Field(default=None, gt=0)


class DatasetOut(Out):
    id: str
    source_id: str
    organisation_id: str
    name: str
    record_type: str
    personal_fields: list[str]
    refresh_interval_s: int | None
    created_at: datetime


@router.post("/datasets", status_code=status.HTTP_201_CREATED, summary="Register a dataset")
def register_dataset(body: DatasetIn, actor: CurrentActor, bus: BusDep) -> DatasetOut:
    dataset: Dataset = bus.handle(
        RegisterDataset(
            source_id=body.source_id,
            name=body.name,
            record_type=body.record_type.value,
            personal_fields=None if body.personal_fields is None else tuple(body.personal_fields),
            refresh_interval_s=body.refresh_interval_s,
        ),
        actor,
    )
    return DatasetOut.model_validate(dataset)


@router.get("/datasets", summary="Datasets in the caller's scope")
def list_datasets(actor: CurrentActor, bus: BusDep) -> list[DatasetOut]:
    return [DatasetOut.model_validate(d) for d in bus.handle(ListDatasets(), actor)]


@router.get("/datasets/{dataset_id}", summary="One dataset")
def get_dataset(dataset_id: str, actor: CurrentActor, bus: BusDep) -> DatasetOut:
    return DatasetOut.model_validate(bus.handle(GetDataset(dataset_id=dataset_id), actor))


# --- mappings, preview and runs -----------------------------------------------------------------
class MappingIn(Strict):
    text: str = Field(min_length=1, max_length=200_000, description="The mapping as YAML")


class MappingOut(Out):
    dataset_id: str
    version: int
    text: str
    created_at: datetime


@router.post(
    "/datasets/{dataset_id}/mappings",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a new mapping version",
)
def publish_mapping(
    dataset_id: str, body: MappingIn, actor: CurrentActor, bus: BusDep
) -> MappingOut:
    stored: MappingVersion = bus.handle(
        PublishMapping(dataset_id=dataset_id, text=body.text), actor
    )
    return MappingOut.model_validate(stored)


UPLOAD_SUFFIXES = (".csv", ".txt", ".ndjson", ".jsonl", ".json", ".geojson", ".xlsx", ".xml")


@contextlib.asynccontextmanager
async def _spooled(request: Request, file_name: str) -> AsyncIterator[Path]:
    """The request body written to a temporary file with ``file_name``'s suffix."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput("file_name", f"must end in one of {', '.join(UPLOAD_SUFFIXES)}")
    fd, name = tempfile.mkstemp(prefix="lifeline-ingest-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        yield path
    finally:
        path.unlink(missing_ok=True)


class PreviewRowOut(BaseModel):
    row_number: int
    key: str | None
    record: dict[str, Any]
    problems: dict[str, str]
    original: dict[str, Any]


@router.post(
    "/datasets/{dataset_id}/preview",
    summary="Map the first rows of a sample (body: the file) without storing anything",
)
async def preview(
    dataset_id: str,
    request: Request,
    actor: CurrentActor,
    bus: BusDep,
    file_name: FileName,
    version: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[PreviewRowOut]:
    async with _spooled(request, file_name) as path:
        message = PreviewMapping(
            dataset_id=dataset_id, path=str(path), version=version, limit=limit
        )
        rows = await run_in_threadpool(bus.handle, message, actor)
    return [PreviewRowOut(**row) for row in rows]


class RunOut(Out):
    id: str
    dataset_id: str
    mapping_version: int
    file_name: str
    encoding: str
    status: str
    started_at: datetime
    finished_at: datetime
    read: int
    accepted: int
    merged: int
    quarantined: int
    quality: dict[str, Any]
    error: str | None = None


@router.post(
    "/datasets/{dataset_id}/runs",
    status_code=status.HTTP_201_CREATED,
    summary="Ingest a file (body: the file) through the dataset's mapping",
)
async def run_ingest(
    dataset_id: str,
    request: Request,
    actor: CurrentActor,
    bus: BusDep,
    file_name: FileName,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> RunOut:
    async with _spooled(request, file_name) as path:
        message = RunIngest(
            dataset_id=dataset_id, path=str(path), file_name=file_name, version=version
        )
        run: IngestRun = await run_in_threadpool(bus.handle, message, actor)
    return RunOut.model_validate(run)


class UrlRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=8, max_length=2000, pattern=r"^https?://", description="an HTTP JSON API"
    )


@router.post(
    "/datasets/{dataset_id}/runs:from-url",
    status_code=status.HTTP_201_CREATED,
    summary="Ingest the records of an HTTP JSON API (paged) through the dataset's mapping",
)
async def run_ingest_from_url(
    dataset_id: str,
    body: UrlRunIn,
    actor: CurrentActor,
    bus: BusDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> RunOut:
    message = RunIngest(dataset_id=dataset_id, path=body.url, version=version)
    run: IngestRun = await run_in_threadpool(bus.handle, message, actor)
    return RunOut.model_validate(run)


class RefreshIn(Strict):
    url: str = Field(
        min_length=8, max_length=2000, pattern=r"^https?://", description="an HTTP JSON API"
    )
    interval_s: int | None = Field(
        default=None, gt=0, description="seconds between fetches; default the dataset's"
    )


class RefreshOut(Out):
    dataset_id: str
    kind: str  # http, or drop (then ``url`` is the drop's directory)
    url: str
    next_run_at: datetime
    attempts: int
    last_error: str | None
    last_run_id: str | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    updated_at: datetime


@router.put(
    "/datasets/{dataset_id}/refresh",
    summary="Fetch the dataset's HTTP JSON source on its schedule (first fetch due now)",
)
def schedule_refresh(
    dataset_id: str, body: RefreshIn, actor: CurrentActor, bus: BusDep
) -> RefreshOut:
    schedule: RefreshSchedule = bus.handle(
        ScheduleRefresh(dataset_id=dataset_id, url=body.url, interval_s=body.interval_s), actor
    )
    return RefreshOut.model_validate(schedule)


@router.get("/datasets/{dataset_id}/refresh", summary="The dataset's refresh schedule")
def get_refresh(dataset_id: str, actor: CurrentActor, bus: BusDep) -> RefreshOut:
    return RefreshOut.model_validate(bus.handle(GetRefresh(dataset_id=dataset_id), actor))


@router.delete(
    "/datasets/{dataset_id}/refresh",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop fetching the dataset's source",
)
def cancel_refresh(dataset_id: str, actor: CurrentActor, bus: BusDep) -> None:
    bus.handle(CancelRefresh(dataset_id=dataset_id), actor)


@router.get("/datasets/{dataset_id}/runs", summary="Ingest runs of a dataset")
def list_runs(dataset_id: str, actor: CurrentActor, bus: BusDep) -> list[RunOut]:
    return [RunOut.model_validate(r) for r in bus.handle(ListRuns(dataset_id=dataset_id), actor)]


@router.get("/runs/{run_id}", summary="One ingest run with its counts")
def get_run(run_id: str, actor: CurrentActor, bus: BusDep) -> RunOut:
    return RunOut.model_validate(bus.handle(GetRun(run_id=run_id), actor))


@router.get("/datasets/{dataset_id}/quality", summary="Quality report of a dataset (JSON)")
def dataset_quality(dataset_id: str, actor: CurrentActor, bus: BusDep) -> dict[str, Any]:
    report: dict[str, Any] = bus.handle(DatasetQuality(dataset_id=dataset_id), actor)
    return report


@router.get(
    "/datasets/{dataset_id}/quality.html",
    response_class=HTMLResponse,
    summary="Quality report of a dataset as an HTML page",
)
def dataset_quality_page(dataset_id: str, actor: CurrentActor, bus: BusDep) -> HTMLResponse:
    report: dict[str, Any] = bus.handle(DatasetQuality(dataset_id=dataset_id), actor)
    return HTMLResponse(render_quality_html(report))


@router.get("/runs/{run_id}/quality", summary="Quality report of one run (JSON)")
def run_quality(run_id: str, actor: CurrentActor, bus: BusDep) -> dict[str, Any]:
    run: IngestRun = bus.handle(GetRun(run_id=run_id), actor)
    return {"run_id": run.id, "dataset_id": run.dataset_id, **run.quality}


# --- records and lineage --------------------------------------------------------------------
class RecordOut(Out):
    id: str
    dataset_id: str
    record_type: str
    record_key: str
    data: dict[str, Any]
    updated_at: datetime


class RecordPageOut(Page[RecordOut]):
    masked: bool


@router.get("/datasets/{dataset_id}/records", summary="Canonical records (masked as needed)")
def list_records(dataset_id: str, actor: CurrentActor, bus: BusDep, page: PageDep) -> RecordPageOut:
    result: svc.RecordPage = bus.handle(
        ListRecords(dataset_id=dataset_id, limit=page.limit, offset=page.offset), actor
    )
    return RecordPageOut(
        items=[RecordOut.model_validate(r) for r in result.items],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
        masked=result.masked,
    )


EXPORT_PAGE = 1000


@router.get(
    "/datasets/{dataset_id}/export",
    summary="Export canonical records as CSV, NDJSON or GeoJSON (masked as needed)",
    response_class=StreamingResponse,
)
def export(
    dataset_id: str,
    actor: CurrentActor,
    bus: BusDep,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.CSV,
) -> StreamingResponse:
    """Streams page by page; each page is read through the bus, so masking and access logging
    are those of the records endpoint."""
    dataset: Dataset = bus.handle(GetDataset(dataset_id=dataset_id), actor)
    spec = STANDARD[RecordType(dataset.record_type)]
    first: svc.RecordPage = bus.handle(
        ListRecords(dataset_id=dataset_id, limit=EXPORT_PAGE, offset=0), actor
    )

    def records() -> Iterator[tuple[str, dict[str, Any]]]:
        page, offset = first, 0
        while True:
            yield from ((r.id, r.data) for r in page.items)
            offset += EXPORT_PAGE
            if offset >= page.total:
                return
            page = bus.handle(
                ListRecords(dataset_id=dataset_id, limit=EXPORT_PAGE, offset=offset), actor
            )

    suffix = "json" if fmt is ExportFormat.GEOJSON else fmt.value
    return StreamingResponse(
        (chunk.encode("utf-8") for chunk in render(fmt, spec, records())),
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{dataset.id}.{suffix}"',
            "X-Lifeline-Masked": str(first.masked).lower(),
        },
    )


class LineageOut(BaseModel):
    record: RecordOut
    source_id: str
    source_name: str
    dataset_id: str
    dataset_name: str
    run_id: str
    run_file_name: str | None
    mapping_version: int
    mapping_text: str | None
    original: dict[str, Any]
    masked: bool


@router.get("/records/{record_id}/lineage", summary="Where a record came from")
def lineage(record_id: str, actor: CurrentActor, bus: BusDep) -> LineageOut:
    found: svc.Lineage = bus.handle(GetLineage(record_id=record_id), actor)
    record: CanonicalRecord = found.record
    return LineageOut(
        record=RecordOut.model_validate(record),
        source_id=found.dataset.source_id,
        source_name=found.source_name,
        dataset_id=found.dataset.id,
        dataset_name=found.dataset.name,
        run_id=record.run_id,
        run_file_name=found.run.file_name if found.run else None,
        mapping_version=record.mapping_version,
        mapping_text=found.mapping.text if found.mapping else None,
        original=record.original,
        masked=found.masked,
    )


# --- quarantine ------------------------------------------------------------------------------
class QuarantinedOut(Out):
    id: str
    run_id: str
    dataset_id: str
    row_number: int
    original: dict[str, Any]
    problems: dict[str, str]
    status: str
    created_at: datetime
    resolved_at: datetime | None


class QuarantinePageOut(Page[QuarantinedOut]):
    masked: bool


@router.get("/datasets/{dataset_id}/quarantine", summary="Quarantined records with reasons")
def list_quarantine(
    dataset_id: str,
    actor: CurrentActor,
    bus: BusDep,
    page: PageDep,
    state: Annotated[QuarantineStatus | None, Query(alias="status")] = QuarantineStatus.OPEN,
) -> QuarantinePageOut:
    result: svc.QuarantinePage = bus.handle(
        ListQuarantine(dataset_id=dataset_id, status=state, limit=page.limit, offset=page.offset),
        actor,
    )
    return QuarantinePageOut(
        items=[QuarantinedOut.model_validate(q) for q in result.items],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
        masked=result.masked,
    )


class ReplayIn(Strict):
    corrections: dict[str, str | int | float | None] = Field(
        default_factory=dict, description="Source column → corrected value"
    )


@router.post("/quarantine/{quarantine_id}/replay", summary="Correct and replay a record")
def replay(quarantine_id: str, body: ReplayIn, actor: CurrentActor, bus: BusDep) -> RecordOut:
    record: CanonicalRecord = bus.handle(
        ReplayQuarantined(quarantine_id=quarantine_id, corrections=dict(body.corrections)), actor
    )
    return RecordOut.model_validate(record)


# --- sharing agreements ---------------------------------------------------------------------
class RowFilterIn(Strict):
    area: dict[str, Any] | None = Field(
        default=None, description="GeoJSON Polygon or MultiPolygon (WGS84) the records lie in"
    )
    time_field: str | None = Field(default=None, max_length=100)
    since: datetime | None = Field(default=None, description="inclusive, with a UTC offset")
    until: datetime | None = Field(default=None, description="exclusive, with a UTC offset")


class AgreementIn(Strict):
    grantee_organisation_id: str = Field(min_length=1, max_length=36)
    fields: list[str] = Field(min_length=1, max_length=100)
    purpose: str = Field(min_length=1, max_length=2000)
    expires_at: datetime | None = None
    row_filter: RowFilterIn | None = None


class AgreementOut(Out):
    id: str
    dataset_id: str
    organisation_id: str
    grantee_organisation_id: str
    fields: list[str]
    purpose: str
    granted_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    row_filter: dict[str, Any] | None

    @classmethod
    def of(cls, agreement: Agreement) -> AgreementOut:
        return cls(
            id=agreement.id,
            dataset_id=agreement.dataset_id,
            organisation_id=agreement.organisation_id,
            grantee_organisation_id=agreement.grantee_organisation_id,
            fields=list(agreement.fields),
            purpose=agreement.purpose,
            granted_by=agreement.granted_by,
            created_at=agreement.created_at,
            expires_at=agreement.expires_at,
            revoked_at=agreement.revoked_at,
            row_filter=agreement.row_filter.to_json() if agreement.row_filter else None,
        )


@router.post(
    "/datasets/{dataset_id}/agreements",
    status_code=status.HTTP_201_CREATED,
    summary="Share agreed fields of a dataset with another organisation (masked, with expiry)",
)
def grant_agreement(
    dataset_id: str, body: AgreementIn, actor: CurrentActor, bus: BusDep
) -> AgreementOut:
    agreement: Agreement = bus.handle(
        GrantAgreement(
            dataset_id=dataset_id,
            grantee_organisation_id=body.grantee_organisation_id,
            fields=tuple(body.fields),
            purpose=body.purpose,
            expires_at=body.expires_at,
            area=body.row_filter.area if body.row_filter else None,
            time_field=body.row_filter.time_field if body.row_filter else None,
            since=body.row_filter.since if body.row_filter else None,
            until=body.row_filter.until if body.row_filter else None,
        ),
        actor,
    )
    return AgreementOut.of(agreement)


@router.get("/datasets/{dataset_id}/agreements", summary="Agreements of a dataset")
def list_agreements(dataset_id: str, actor: CurrentActor, bus: BusDep) -> list[AgreementOut]:
    found = bus.handle(ListAgreements(dataset_id=dataset_id), actor)
    return [AgreementOut.of(a) for a in found]


@router.post("/agreements/{agreement_id}/revoke", summary="Revoke an agreement")
def revoke_agreement(agreement_id: str, actor: CurrentActor, bus: BusDep) -> AgreementOut:
    agreement = bus.handle(RevokeAgreement(agreement_id=agreement_id), actor)
    return AgreementOut.of(agreement)


class SharedDatasetOut(BaseModel):
    """A dataset shared with the organisation, and the terms of the agreement."""

    dataset_id: str
    dataset_name: str
    record_type: str
    owner_organisation_id: str
    agreement_id: str
    fields: list[str]
    masked_fields: list[str]
    purpose: str
    granted_at: datetime
    expires_at: datetime | None
    row_filter: dict[str, Any] | None
    records_url: str

    @classmethod
    def of(cls, shared: SharedDataset) -> SharedDatasetOut:
        agreement = shared.agreement
        return cls(
            dataset_id=shared.dataset_id,
            dataset_name=shared.dataset_name,
            record_type=shared.record_type,
            owner_organisation_id=agreement.organisation_id,
            agreement_id=agreement.id,
            fields=list(agreement.fields),
            masked_fields=list(shared.masked_fields),
            purpose=agreement.purpose,
            granted_at=agreement.created_at,
            expires_at=agreement.expires_at,
            row_filter=agreement.row_filter.to_json() if agreement.row_filter else None,
            records_url=f"/sharing/datasets/{shared.dataset_id}/records",
        )


@router.get(
    "/shared",
    summary="Datasets other organisations share with an organisation (default: the caller's)",
)
def list_shared(
    actor: CurrentActor,
    bus: BusDep,
    organisation_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
) -> list[SharedDatasetOut]:
    found = bus.handle(ListSharedWith(organisation_id=organisation_id), actor)
    return [SharedDatasetOut.of(s) for s in found]


# --- data-key rotation ----------------------------------------------------------------------
class DataKeyStateOut(BaseModel):
    dataset_id: str
    versions: list[int]
    rotating: bool
    records_under_old_key: int
    quarantined_under_old_key: int

    @classmethod
    def of(cls, state: DataKeyState) -> DataKeyStateOut:
        return cls(
            dataset_id=state.dataset_id,
            versions=list(state.versions),
            rotating=state.rotating,
            records_under_old_key=state.records_under_old_key,
            quarantined_under_old_key=state.quarantined_under_old_key,
        )


@router.get("/datasets/{dataset_id}/data-key", summary="The dataset's data key versions")
def data_key_state(dataset_id: str, actor: CurrentActor, bus: BusDep) -> DataKeyStateOut:
    return DataKeyStateOut.of(bus.handle(GetDataKeyState(dataset_id=dataset_id), actor))


class RotateIn(Strict):
    batch: int = Field(default=500, ge=1, le=5000, description="rows per transaction")
    max_batches: int | None = Field(
        default=None, ge=1, description="stop after this many batches; call again to resume"
    )


class RotationOut(BaseModel):
    dataset_id: str
    resumed: bool
    from_versions: list[int]
    to_version: int
    records: int
    quarantined: int
    batches: int
    finished: bool


@router.post(
    "/datasets/{dataset_id}/data-key:rotate",
    summary="Rotate the dataset's data key: re-encrypt every personal value, destroy the old key",
)
async def rotate_data_key(
    dataset_id: str, body: RotateIn, actor: CurrentActor, bus: BusDep
) -> RotationOut:
    report: svc.RotationReport = await run_in_threadpool(
        svc.rotate_data_key,
        bus,
        actor,
        dataset_id,
        batch=body.batch,
        max_batches=body.max_batches,
    )
    return RotationOut(
        dataset_id=report.dataset_id,
        resumed=report.resumed,
        from_versions=list(report.from_versions),
        to_version=report.to_version,
        records=report.records,
        quarantined=report.quarantined,
        batches=report.batches,
        finished=report.finished,
    )


# --- probabilistic de-duplication -------------------------------------------------------------
class LinkageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_dataset_id: str | None = Field(
        default=None, max_length=36, description="link across to this dataset; none: within"
    )


class LinkageOut(BaseModel):
    dataset_id: str
    other_dataset_id: str | None
    compared: int
    merged: int
    pending: int


class LinkOut(Out):
    id: str
    dataset_id: str
    left_record_id: str
    right_record_id: str
    right_dataset_id: str
    score: float
    features: dict[str, float | None]
    status: str
    automatic: bool
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


@router.post(
    "/datasets/{dataset_id}/linkage",
    summary="Find records describing one entity (probabilistic de-duplication)",
)
def run_linkage(dataset_id: str, body: LinkageIn, actor: CurrentActor, bus: BusDep) -> LinkageOut:
    event = bus.handle(
        LinkRecords(dataset_id=dataset_id, other_dataset_id=body.other_dataset_id), actor
    )
    return LinkageOut(
        dataset_id=dataset_id,
        other_dataset_id=event.other_dataset_id,
        compared=event.compared,
        merged=event.merged,
        pending=event.pending,
    )


@router.get("/datasets/{dataset_id}/links", summary="Links found by de-duplication")
def list_links(
    dataset_id: str,
    actor: CurrentActor,
    bus: BusDep,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
) -> list[LinkOut]:
    found = bus.handle(ListLinks(dataset_id=dataset_id, status=status_), actor)
    return [LinkOut.model_validate(x) for x in found]


@router.post(
    "/links/{link_id}/{decision}",
    summary="Confirm or reject a pending link, or undo a merge",
)
def decide_link(link_id: str, decision: str, actor: CurrentActor, bus: BusDep) -> LinkOut:
    return LinkOut.model_validate(bus.handle(DecideLink(link_id=link_id, decision=decision), actor))


router.include_router(drops_router)
