"""Reading the hub: runs and quality, canonical records, lineage and the quarantine.

Personal fields are masked unless the caller holds the personal-data right on the owner's
subtree; every unmasked read is logged with the fields it exposed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import NotFound
from lifeline.security.model import ORG_PATHS, Permission
from lifeline.sharing.masking import mask_record
from lifeline.sharing.messages import (
    DatasetQuality,
    GetLineage,
    GetRun,
    ListQuarantine,
    ListRecords,
    ListRuns,
)
from lifeline.sharing.model import (
    SHARING,
    Agreement,
    CanonicalRecord,
    Dataset,
    IngestRun,
    MappingVersion,
    QuarantinedRecord,
    QuarantineStatus,
    RunStatus,
)
from lifeline.sharing.quality import freshness
from lifeline.sharing.row_filter import RowMatcher
from lifeline.sharing.service._common import (
    dataset_for,
    dataset_view,
    mapping_for,
    personal_columns,
)
from lifeline.sharing.standard import STANDARD, RecordType


@dataclass(frozen=True, slots=True)
class RecordPage:
    items: list[CanonicalRecord]
    total: int
    masked: bool


@dataclass(frozen=True, slots=True)
class QuarantinePage:
    items: list[QuarantinedRecord]
    total: int
    masked: bool


@dataclass(frozen=True, slots=True)
class Lineage:
    record: CanonicalRecord
    dataset: Dataset
    source_name: str
    run: IngestRun | None
    mapping: MappingVersion | None
    masked: bool


def _may_unmask(ctx: HandlerContext, dataset: Dataset) -> bool:
    """True (and the read logged) when the caller may see ``dataset``'s personal fields."""
    if not dataset.personal_fields:
        return True
    path = ctx.uow.repo(ORG_PATHS).path_of(dataset.organisation_id) or "/"
    if not ctx.allowed(Permission.PERSONAL_READ, path, personal=True):
        return False
    ctx.authorize(
        target_kind="sharing_dataset",
        target_id=dataset.id,
        target_path=path,
        personal_fields=dataset.personal_fields,
        permission=Permission.PERSONAL_READ,
    )
    return True


def _mask_original(original: dict[str, Any], columns: set[str]) -> dict[str, Any]:
    return {k: ("***" if k in columns and v not in (None, "") else v) for k, v in original.items()}


def _masker(ctx: HandlerContext, dataset: Dataset) -> tuple[bool, Any]:
    """Whether values are masked, and a function masking one record."""
    if _may_unmask(ctx, dataset):
        return False, lambda r: r
    spec = STANDARD[RecordType(dataset.record_type)]
    columns_by_version: dict[int, set[str]] = {}

    def mask(record: CanonicalRecord) -> CanonicalRecord:
        version = record.mapping_version
        if version not in columns_by_version:
            mapping = mapping_for(ctx, dataset, version)[1]
            columns_by_version[version] = personal_columns(mapping, dataset.personal_fields)
        return replace(
            record,
            data=mask_record(spec, record.data, dataset.personal_fields),
            original=_mask_original(record.original, columns_by_version[version]),
        )

    return True, mask


def get_run(query: GetRun, ctx: HandlerContext) -> IngestRun:
    run = ctx.uow.repo(SHARING).get_run(query.run_id)
    if run is None:
        raise NotFound("ingest run", query.run_id)
    dataset_for(ctx, run.dataset_id)
    return run


def list_runs(query: ListRuns, ctx: HandlerContext) -> list[IngestRun]:
    dataset = dataset_for(ctx, query.dataset_id)
    return ctx.uow.repo(SHARING).list_runs(dataset.id)


def dataset_quality(query: DatasetQuality, ctx: HandlerContext) -> dict[str, Any]:
    """Freshness (against the latest completed run), the refresh schedule, totals, the latest
    completed run's report and a per-run history (failed runs too), as one document."""
    dataset = dataset_for(ctx, query.dataset_id)
    repo = ctx.uow.repo(SHARING)
    runs = repo.list_runs(dataset.id)
    _, records = repo.list_records(dataset.id, 1, 0)
    _, open_quarantine = repo.list_quarantined(dataset.id, QuarantineStatus.OPEN, 1, 0)
    completed = [r for r in runs if r.status is RunStatus.COMPLETED]
    latest = completed[-1] if completed else None
    schedule = repo.get_refresh(dataset.id)
    now = ctx.uow.clock.now()
    return {
        "dataset_id": dataset.id,
        "dataset_name": dataset.name,
        "record_type": dataset.record_type,
        "generated_at": now.isoformat(),
        "freshness": freshness(
            latest.finished_at if latest else None, dataset.refresh_interval_s, now
        ),
        "refresh": (
            {
                "kind": schedule.kind.value,  # http, or drop (the url is then its directory)
                "url": schedule.url,
                "next_run_at": schedule.next_run_at.isoformat(),
                "failed_attempts": schedule.attempts,
                "last_error": schedule.last_error,
                "last_run_id": schedule.last_run_id,
            }
            if schedule
            else None
        ),
        "records": records,
        "open_quarantine": open_quarantine,
        "runs": len(runs),
        "latest_run": (
            {"run_id": latest.id, "file_name": latest.file_name, **latest.quality}
            if latest
            else None
        ),
        "history": [
            {
                "run_id": r.id,
                "status": r.status.value,
                "error": r.error,
                "finished_at": r.finished_at.isoformat(),
                "mapping_version": r.mapping_version,
                "read": r.read,
                "accepted": r.accepted,
                "merged": r.merged,
                "quarantined": r.quarantined,
                "validity": r.quality.get("validity"),
                "duplicate_rate": r.quality.get("duplicate_rate"),
                "outside_region_rate": r.quality.get("outside_region_rate"),
            }
            for r in runs
        ],
    }


def _agreed_view(dataset: Dataset, agreement: Agreement) -> Any:
    """A grantee sees only the agreed fields, with personal ones always masked."""
    spec = STANDARD[RecordType(dataset.record_type)]
    personal = tuple(f for f in agreement.fields if f in dataset.personal_fields)

    def view(record: CanonicalRecord) -> CanonicalRecord:
        data = {k: v for k, v in record.data.items() if k in agreement.fields}
        return replace(record, data=mask_record(spec, data, personal), original={})

    return view


SCAN_BATCH = 1000


def _filtered_page(
    ctx: HandlerContext, dataset: Dataset, agreement: Agreement, limit: int, offset: int
) -> tuple[list[CanonicalRecord], int]:
    """The records an agreement's row filter keeps, paged: the dataset is scanned in key order
    in batches (the filter may test fields the grantee does not see, so it runs here, before
    the view), counting the matches for the total."""
    assert agreement.row_filter is not None
    keep = RowMatcher(agreement.row_filter)
    repo = ctx.uow.repo(SHARING)
    window: list[CanonicalRecord] = []
    matched = scanned = 0
    while True:
        batch, total = repo.list_records(dataset.id, SCAN_BATCH, scanned)
        for record in batch:
            if keep(record.data):
                if offset <= matched < offset + limit:
                    window.append(record)
                matched += 1
        scanned += len(batch)
        if not batch or scanned >= total:
            return window, matched


def list_records(query: ListRecords, ctx: HandlerContext) -> RecordPage:
    dataset, agreement = dataset_view(ctx, query.dataset_id)
    if agreement is not None:
        view = _agreed_view(dataset, agreement)
        if agreement.row_filter is None:
            items, total = ctx.uow.repo(SHARING).list_records(dataset.id, query.limit, query.offset)
        else:
            items, total = _filtered_page(ctx, dataset, agreement, query.limit, query.offset)
        return RecordPage(items=[view(r) for r in items], total=total, masked=True)
    items, total = ctx.uow.repo(SHARING).list_records(dataset.id, query.limit, query.offset)
    masked, mask = _masker(ctx, dataset)
    return RecordPage(items=[mask(r) for r in items], total=total, masked=masked)


def get_lineage(query: GetLineage, ctx: HandlerContext) -> Lineage:
    repo = ctx.uow.repo(SHARING)
    record = repo.get_record(query.record_id)
    if record is None:
        raise NotFound("record", query.record_id)
    dataset = dataset_for(ctx, record.dataset_id)
    masked, mask = _masker(ctx, dataset)
    source = repo.get_source(dataset.source_id)
    return Lineage(
        record=mask(record),
        dataset=dataset,
        source_name=source.name if source else "",
        run=repo.get_run(record.run_id),
        mapping=repo.get_mapping(dataset.id, record.mapping_version),
        masked=masked,
    )


def list_quarantine(query: ListQuarantine, ctx: HandlerContext) -> QuarantinePage:
    dataset = dataset_for(ctx, query.dataset_id)
    repo = ctx.uow.repo(SHARING)
    items, total = repo.list_quarantined(dataset.id, query.status, query.limit, query.offset)
    if _may_unmask(ctx, dataset):
        return QuarantinePage(items=items, total=total, masked=False)
    out: list[QuarantinedRecord] = []
    cache: dict[str, set[str]] = {}
    for item in items:
        if item.run_id not in cache:
            run = repo.get_run(item.run_id)
            version = run.mapping_version if run else None
            mapping = mapping_for(ctx, dataset, version)[1]
            cache[item.run_id] = personal_columns(mapping, dataset.personal_fields)
        out.append(replace(item, original=_mask_original(item.original, cache[item.run_id])))
    return QuarantinePage(items=out, total=total, masked=True)
