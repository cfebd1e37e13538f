"""File drops: a directory where a source delivers files, picked up on the dataset's schedule.

A steward registers a drop (``RegisterDrop``): a directory inside the configured drop roots and
a glob of file names. The drop is a refresh schedule of kind ``drop``, so the same leased
:class:`~lifeline.sharing.service.refresh.RefreshWorker` looks at it when it is due; each new or
changed settled file is ingested by ``PickUpDroppedFile`` — the run and the record of the file
in one transaction — and failures are recorded and retried with the schedule's backoff.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.sharing.drop_folder import (
    hash_file,
    is_plain_file,
    move_to_done,
    resolve_directory,
)
from lifeline.sharing.drops import (
    MAX_SETTLE_S,
    Decision,
    Sighting,
    check_pattern,
    decide,
    literal_suffix,
    mtime_at,
    mtime_us,
    triage,
)
from lifeline.sharing.events import DropCancelled, DroppedFilePickedUp, DropRegistered
from lifeline.sharing.messages import (
    CancelDrop,
    GetDrop,
    ListDroppedFiles,
    PickUpDroppedFile,
    RegisterDrop,
    RunIngest,
)
from lifeline.sharing.model import (
    SHARING,
    DropFileStatus,
    DroppedFile,
    FileDrop,
    IngestRun,
    RefreshKind,
    RefreshSchedule,
)
from lifeline.sharing.readers import guess_format
from lifeline.sharing.service._common import dataset_for, refresh_interval
from lifeline.sharing.service.ingest import run_ingest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DropView:
    """A drop with its schedule (when the next look is due, consecutive failures)."""

    drop: FileDrop
    schedule: RefreshSchedule
    interval_s: int | None


def register_drop(
    cmd: RegisterDrop, ctx: HandlerContext, *, roots: Sequence[Path] = ()
) -> DropView:
    dataset = dataset_for(ctx, cmd.dataset_id)
    directory = resolve_directory(cmd.directory, roots)
    pattern = check_pattern(cmd.pattern)
    suffix = literal_suffix(pattern)
    if suffix is not None:
        try:
            guess_format(Path(pattern))
        except InvalidInput as exc:
            raise InvalidInput("pattern", exc.problems[0].reason) from exc
    if not 0 <= cmd.settle_s <= MAX_SETTLE_S:
        raise InvalidInput("settle_s", f"must be 0 to {MAX_SETTLE_S} seconds")
    interval = refresh_interval(ctx, dataset, cmd.interval_s)
    repo = ctx.uow.repo(SHARING)
    now = ctx.uow.clock.now()
    drop = FileDrop(
        dataset_id=dataset.id,
        directory=str(directory),
        pattern=pattern,
        settle_s=cmd.settle_s,
        move_done=cmd.move_done,
        created_at=now,
        updated_at=now,
    )
    repo.put_drop(drop)
    schedule = RefreshSchedule(
        dataset_id=dataset.id,
        url=str(directory),
        next_run_at=now,
        attempts=0,
        updated_at=now,
        kind=RefreshKind.DROP,
    )
    repo.put_refresh(schedule)
    ctx.uow.record(
        DropRegistered(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            directory=drop.directory,
            pattern=pattern,
            interval_s=interval,
            settle_s=drop.settle_s,
            move_done=drop.move_done,
        )
    )
    return DropView(drop, schedule, interval)


def get_drop(query: GetDrop, ctx: HandlerContext) -> DropView:
    dataset = dataset_for(ctx, query.dataset_id)
    repo = ctx.uow.repo(SHARING)
    drop = repo.get_drop(dataset.id)
    schedule = repo.get_refresh(dataset.id)
    if drop is None or schedule is None:
        raise NotFound("file drop", dataset.id)
    return DropView(drop, schedule, dataset.refresh_interval_s)


def cancel_drop(cmd: CancelDrop, ctx: HandlerContext) -> None:
    dataset = dataset_for(ctx, cmd.dataset_id)
    repo = ctx.uow.repo(SHARING)
    drop = repo.get_drop(dataset.id)
    if drop is None:
        raise NotFound("file drop", dataset.id)
    repo.delete_drop(dataset.id)
    repo.delete_refresh(dataset.id)
    ctx.uow.record(
        DropCancelled(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            directory=drop.directory,
        )
    )


def list_dropped_files(query: ListDroppedFiles, ctx: HandlerContext) -> list[DroppedFile]:
    dataset = dataset_for(ctx, query.dataset_id)
    return ctx.uow.repo(SHARING).dropped_files(dataset.id)


def pick_up_dropped_file(
    cmd: PickUpDroppedFile, ctx: HandlerContext
) -> tuple[DroppedFile, IngestRun | None]:
    """Ingest the file of the dataset's drop (or record a duplicate) and record it, in one
    transaction. The file is looked for in the drop's stored directory only."""
    dataset = dataset_for(ctx, cmd.dataset_id)
    drop = ctx.uow.repo(SHARING).get_drop(dataset.id)
    if drop is None:
        raise NotFound("file drop", dataset.id)
    path = Path(drop.directory) / cmd.name
    if Path(cmd.name).name != cmd.name or cmd.name in ("", ".", "..") or not is_plain_file(path):
        raise InvalidInput("name", "must be the name of a regular file in the drop's directory")
    run: IngestRun | None = None
    if cmd.duplicate_of_run is None:
        run = run_ingest(
            RunIngest(
                dataset_id=dataset.id,
                path=str(path),
                file_name=cmd.name,
            ),
            ctx,
        )
        status, run_id = DropFileStatus.INGESTED, run.id
    else:
        status, run_id = DropFileStatus.DUPLICATE, cmd.duplicate_of_run
    item = DroppedFile(
        id=new_id(),
        dataset_id=dataset.id,
        name=cmd.name,
        content_hash=cmd.content_hash,
        size_bytes=cmd.size_bytes,
        modified_at=cmd.modified_at,
        status=status,
        run_id=run_id,
        picked_up_at=ctx.uow.clock.now(),
    )
    ctx.uow.repo(SHARING).put_dropped_file(item)
    ctx.uow.record(
        DroppedFilePickedUp(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            name=item.name,
            content_hash=item.content_hash,
            size_bytes=item.size_bytes,
            status=status.value,
            run_id=run_id,
        )
    )
    return item, run


@dataclass
class Look:
    """What one look into a drop did: its runs (completed and failed), the failed ones, and
    how soon a file still being written will have settled."""

    runs: list[IngestRun] = field(default_factory=list)
    failures: list[IngestRun] = field(default_factory=list)
    wait_s: float | None = None
    unfinished: bool = False  # out of time: files were left for the next look


RecordFailure = Callable[[Exception, DroppedFile, datetime], IngestRun]
"""Records a file whose pick-up failed (on a failed run, from the given start) and returns it."""


def look_into_drop(
    drop: FileDrop,
    directory: Path,
    sightings: list[Sighting],
    picked: list[DroppedFile],
    *,
    bus: MessageBus,
    clock: Clock,
    failed: RecordFailure,
    more_time: Callable[[], bool] = lambda: True,
) -> Look:
    """Pick up every settled file not picked up before, oldest first, each in its own
    transaction (``PickUpDroppedFile``); a file that fails goes to ``failed`` and the others
    still go in. With ``move_done``, files picked up (now or before) are moved to ``done/``.
    Files that failed before are tried after the others. Once ``more_time()`` says no, the
    files left wait for the next look (``unfinished``); one file is always picked up, so every
    look makes progress."""
    plan = triage(sightings, picked, drop.settle_s)
    look = Look(wait_s=plan.wait_s)
    for sighting in plan.known:
        known = next(
            p
            for p in picked
            if (p.name, p.size_bytes, mtime_us(p.modified_at))
            == (sighting.name, sighting.size_bytes, sighting.mtime_us)
        )
        _move_done(drop, directory, sighting.name, known.content_hash)
    failed_before = {p.name for p in picked if p.status is DropFileStatus.FAILED}
    # files that failed before go last, so a failing export never holds up the new ones
    for sighting in sorted(plan.to_hash, key=lambda s: s.name in failed_before):
        if look.runs and not more_time():
            look.unfinished = True
            break
        content_hash = hash_file(directory, sighting)
        if content_hash is None:  # changed while being read: still being written
            look.wait_s = max(look.wait_s or 0.0, float(drop.settle_s))
            continue
        decision, earlier_run = decide(sighting.name, content_hash, picked)
        if decision is Decision.SKIP:
            _move_done(drop, directory, sighting.name, content_hash)
            continue
        command = PickUpDroppedFile(
            dataset_id=drop.dataset_id,
            name=sighting.name,
            content_hash=content_hash,
            size_bytes=sighting.size_bytes,
            modified_at=mtime_at(sighting.mtime_us),
            duplicate_of_run=earlier_run,
        )
        started = clock.now()
        try:
            dropped, run = bus.handle(command, SYSTEM_ACTOR)
        except Exception as exc:  # recorded on a failed run; the other files still go in
            failure = failed(
                exc,
                DroppedFile(
                    id=new_id(),
                    dataset_id=drop.dataset_id,
                    name=sighting.name,
                    content_hash=content_hash,
                    size_bytes=sighting.size_bytes,
                    modified_at=command.modified_at,
                    status=DropFileStatus.FAILED,
                    run_id=None,
                    picked_up_at=clock.now(),
                ),
                started,
            )
            look.failures.append(failure)
            look.runs.append(failure)
            continue
        picked.append(dropped)
        if run is not None:
            look.runs.append(run)
        _move_done(drop, directory, sighting.name, content_hash)
    return look


def _move_done(drop: FileDrop, directory: Path, name: str, content_hash: str) -> None:
    if not drop.move_done:
        return
    try:
        move_to_done(directory, name, content_hash)
    except OSError as exc:  # picked up already: it is skipped again until moved
        log.warning("could not move %s of dataset %s to done/: %s", name, drop.dataset_id, exc)
