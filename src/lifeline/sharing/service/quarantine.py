"""Correcting and replaying quarantined records through the mapping of their run."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, FieldProblem, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.sharing.events import QuarantinedRecordReplayed
from lifeline.sharing.messages import ReplayQuarantined
from lifeline.sharing.model import SHARING, CanonicalRecord, QuarantineStatus
from lifeline.sharing.pipeline import process
from lifeline.sharing.service._common import dataset_for, mapping_for, stored_key


def replay_quarantined(cmd: ReplayQuarantined, ctx: HandlerContext) -> CanonicalRecord:
    """Apply ``corrections`` to the original row and map it again with the run's mapping.

    On success the record is inserted (or merged into the record with the same key) and the
    quarantine entry is marked replayed; otherwise InvalidInput names every remaining problem.
    """
    repo = ctx.uow.repo(SHARING)
    item = repo.get_quarantined(cmd.quarantine_id)
    if item is None:
        raise NotFound("quarantined record", cmd.quarantine_id)
    dataset = dataset_for(ctx, item.dataset_id)
    if item.status is not QuarantineStatus.OPEN:
        raise Conflict(f"quarantined record {item.id} was already {item.status}")
    run = repo.get_run(item.run_id)
    stored, mapping = mapping_for(ctx, dataset, run.mapping_version if run else None)
    unknown = sorted(set(cmd.corrections) - set(item.original) - set(mapping.columns))
    if unknown:
        raise InvalidInput("corrections", f"not columns of the source: {', '.join(unknown)}")
    row = {**item.original, **cmd.corrections}
    now = ctx.uow.clock.now()
    outcome = process(mapping, row, now)
    if not outcome.ok or outcome.key is None:
        raise InvalidInput([FieldProblem(p.field, p.reason) for p in outcome.problems])
    key = stored_key(ctx, dataset, mapping, outcome.key)
    existing = repo.existing_keys(dataset.id, [key]).get(key)
    record = CanonicalRecord(
        id=existing[0] if existing else new_id(),
        dataset_id=dataset.id,
        organisation_id=dataset.organisation_id,
        record_type=dataset.record_type,
        record_key=key,
        data=outcome.record,
        run_id=item.run_id,
        mapping_version=stored.version,
        original=outcome.original,
        created_at=existing[1] if existing else now,
        updated_at=now,
    )
    if existing:
        repo.update_records([record])
    else:
        repo.insert_records([record])
    repo.resolve_quarantined(item.id, now)
    ctx.uow.record(
        QuarantinedRecordReplayed(
            aggregate_id=item.id,
            organisation_id=dataset.organisation_id,
            dataset_id=dataset.id,
            record_id=record.id,
            merged=existing is not None,
        )
    )
    return record
