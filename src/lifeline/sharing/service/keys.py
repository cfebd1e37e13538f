"""Rotating a dataset's data key: a new version, every sealed value re-encrypted in batches, the
old version destroyed at the end.

A rotation is three kinds of command, each in its own transaction: ``StartDataKeyRotation``
adds the new version (an event), ``ReencryptDataBatch`` seals the next batch of records or
quarantined rows under it (and re-derives blind-index keys), ``FinishDataKeyRotation`` destroys
the old version once nothing is sealed under it (an event). Reads decrypt with whichever
version a value carries, so they work throughout; writes to the dataset are refused while two
versions live. :func:`rotate_data_key` drives the three and resumes a rotation that stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from lifeline.kernel.access import Actor
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.sharing.crypto import BLIND_PREFIX
from lifeline.sharing.events import DataKeyRotated, DataKeyRotationStarted
from lifeline.sharing.mapping import CompiledMapping
from lifeline.sharing.messages import (
    FinishDataKeyRotation,
    GetDataKeyState,
    ReencryptDataBatch,
    StartDataKeyRotation,
)
from lifeline.sharing.model import (
    SHARING,
    CanonicalRecord,
    DataKeyState,
    Dataset,
    ReencryptedBatch,
    RotationPart,
)
from lifeline.sharing.service._common import dataset_for, mapping_for, personal_columns

MAX_BATCH = 5000


def get_data_key_state(query: GetDataKeyState, ctx: HandlerContext) -> DataKeyState:
    dataset = dataset_for(ctx, query.dataset_id)
    repo = ctx.uow.repo(SHARING)
    versions = tuple(repo.key_versions(dataset.id))
    records, quarantined = repo.count_under_old_keys(dataset.id) if len(versions) > 1 else (0, 0)
    return DataKeyState(dataset.id, versions, records, quarantined)


def start_data_key_rotation(cmd: StartDataKeyRotation, ctx: HandlerContext) -> DataKeyState:
    dataset = dataset_for(ctx, cmd.dataset_id)
    repo = ctx.uow.repo(SHARING)
    old, new = repo.start_key_rotation(dataset.id, ctx.uow.clock.now())
    records, quarantined = repo.count_under_old_keys(dataset.id)
    ctx.uow.record(
        DataKeyRotationStarted(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            from_version=old,
            to_version=new,
            records=records,
            quarantined=quarantined,
        )
    )
    return DataKeyState(dataset.id, (old, new), records, quarantined)


def _rekeyer(ctx: HandlerContext, dataset: Dataset) -> Callable[[CanonicalRecord], str]:
    """A record's key under the newest data key: a blind index is derived again from the key
    columns of the record's original row (its mapping version says which), a plain key stays."""
    repo = ctx.uow.repo(SHARING)
    compiled: dict[int, CompiledMapping | None] = {}  # None: the key is not a blind index

    def rekey(record: CanonicalRecord) -> str:
        if not record.record_key.startswith(BLIND_PREFIX):
            return record.record_key
        version = record.mapping_version
        if version not in compiled:
            mapping = mapping_for(ctx, dataset, version)[1]
            blinded = set(mapping.key) & personal_columns(mapping, dataset.personal_fields)
            compiled[version] = CompiledMapping(mapping) if blinded else None
        keyer = compiled[version]
        plain = None if keyer is None else keyer.key(record.original)
        return record.record_key if plain is None else repo.blind_key(dataset.id, plain)

    return rekey


def reencrypt_data_batch(cmd: ReencryptDataBatch, ctx: HandlerContext) -> ReencryptedBatch:
    dataset = dataset_for(ctx, cmd.dataset_id)
    if not 1 <= cmd.limit <= MAX_BATCH:
        raise InvalidInput("limit", f"must be between 1 and {MAX_BATCH}")
    repo = ctx.uow.repo(SHARING)
    if len(repo.key_versions(dataset.id)) < 2:
        raise Conflict(f"no rotation of dataset {dataset.id}'s data key is running")
    if cmd.part is RotationPart.RECORDS:
        items = repo.records_under_old_keys(dataset.id, cmd.after_id, cmd.limit)
        rekey = _rekeyer(ctx, dataset)
        repo.reseal([replace(r, record_key=rekey(r)) for r in items], [])
        return ReencryptedBatch(cmd.part, len(items), items[-1].id if items else None)
    held = repo.quarantined_under_old_keys(dataset.id, cmd.after_id, cmd.limit)
    repo.reseal([], held)
    return ReencryptedBatch(cmd.part, len(held), held[-1].id if held else None)


def finish_data_key_rotation(cmd: FinishDataKeyRotation, ctx: HandlerContext) -> DataKeyState:
    dataset = dataset_for(ctx, cmd.dataset_id)
    repo = ctx.uow.repo(SHARING)
    versions = repo.key_versions(dataset.id)
    if len(versions) < 2:
        raise Conflict(f"no rotation of dataset {dataset.id}'s data key is running")
    destroyed = repo.destroy_old_keys(dataset.id)
    ctx.uow.record(
        DataKeyRotated(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            version=versions[-1],
            destroyed=tuple(destroyed),
        )
    )
    return DataKeyState(dataset.id, (versions[-1],))


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What one call of :func:`rotate_data_key` did."""

    dataset_id: str
    resumed: bool  # a rotation that had stopped was picked up
    from_versions: tuple[int, ...]
    to_version: int
    records: int  # re-encrypted by this call
    quarantined: int
    batches: int
    finished: bool  # the old versions are destroyed


def rotate_data_key(
    bus: MessageBus,
    actor: Actor,
    dataset_id: str,
    *,
    batch: int = 500,
    max_batches: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RotationReport:
    """Start (or resume) the rotation of a dataset's data key and run it to the end, or for at
    most ``max_batches`` batches (run again to go on). Each batch is one transaction, so memory
    stays constant and a stopped rotation resumes where it was."""
    state: DataKeyState = bus.handle(GetDataKeyState(dataset_id=dataset_id), actor)
    resumed = state.rotating
    if not resumed:
        state = bus.handle(StartDataKeyRotation(dataset_id=dataset_id), actor)
    done = {RotationPart.RECORDS: 0, RotationPart.QUARANTINE: 0}
    batches = 0
    for part in RotationPart:
        after: str | None = None
        while max_batches is None or batches < max_batches:
            result: ReencryptedBatch = bus.handle(
                ReencryptDataBatch(dataset_id=dataset_id, part=part, after_id=after, limit=batch),
                actor,
            )
            if result.count == 0:
                break
            batches += 1
            done[part] += result.count
            after = result.last_id
            if progress is not None:
                progress(sum(done.values()))
    finished = max_batches is None or batches < max_batches
    if finished:
        bus.handle(FinishDataKeyRotation(dataset_id=dataset_id), actor)
    return RotationReport(
        dataset_id=dataset_id,
        resumed=resumed,
        from_versions=state.versions[:-1],
        to_version=state.versions[-1],
        records=done[RotationPart.RECORDS],
        quarantined=done[RotationPart.QUARANTINE],
        batches=batches,
        finished=finished,
    )
