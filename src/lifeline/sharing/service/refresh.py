"""Refresh schedules: HTTP JSON sources and file drops fetched on their dataset's schedule by
leased workers.

A steward schedules a dataset's source (``ScheduleRefresh``). :class:`RefreshWorker` — a loop in
every API process and ``lifeline ingest refresh`` — **claims** due schedules with a lease, so two
workers never fetch the same dataset at once (a worker that dies leaves its schedules to be
claimed again when the lease expires), runs the ingest as the system, then settles the schedule:
after a completed run the next fetch is one interval later; a fetch that reads nothing is stored
as a *failed* run with its error (and an ``IngestRunFailed`` event) and retried with backoff.

A schedule of kind ``drop`` (``service.drops``) is a directory: each round lists the files
matching its pattern, leaves the ones still being written for later (the next round is due when
they have settled), hashes the rest that were not picked up before, and ingests each new content
as its own run (``PickUpDroppedFile``); a file whose run fails is recorded as failed and the
schedule backs off, while the other files of the round still go in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork
from lifeline.sharing.drop_folder import list_files, resolve_directory
from lifeline.sharing.events import IngestRunFailed, RefreshCancelled, RefreshScheduled
from lifeline.sharing.messages import (
    CancelRefresh,
    GetRefresh,
    RunIngest,
    ScheduleRefresh,
)
from lifeline.sharing.model import (
    SHARING,
    DroppedFile,
    IngestRun,
    RefreshKind,
    RefreshSchedule,
    RunStatus,
)
from lifeline.sharing.readers import is_url
from lifeline.sharing.refresh import RefreshBackoff, next_after_failure, next_after_success
from lifeline.sharing.service._common import dataset_for, refresh_interval
from lifeline.sharing.service.drops import Look, look_into_drop

log = logging.getLogger(__name__)

MAX_URL = 2000
MAX_ERROR = 2000


def schedule_refresh(cmd: ScheduleRefresh, ctx: HandlerContext) -> RefreshSchedule:
    dataset = dataset_for(ctx, cmd.dataset_id)
    url = cmd.url.strip()
    if not is_url(url) or len(url) > MAX_URL:
        raise InvalidInput("url", f"must be an http:// or https:// URL of at most {MAX_URL} chars")
    interval = refresh_interval(ctx, dataset, cmd.interval_s)
    repo = ctx.uow.repo(SHARING)
    repo.delete_drop(dataset.id)  # an HTTP source replaces a file drop
    now = ctx.uow.clock.now()
    schedule = RefreshSchedule(
        dataset_id=dataset.id, url=url, next_run_at=now, attempts=0, updated_at=now
    )
    repo.put_refresh(schedule)
    ctx.uow.record(
        RefreshScheduled(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            url=url,
            interval_s=interval,
        )
    )
    return schedule


def cancel_refresh(cmd: CancelRefresh, ctx: HandlerContext) -> None:
    dataset = dataset_for(ctx, cmd.dataset_id)
    repo = ctx.uow.repo(SHARING)
    if repo.get_refresh(dataset.id) is None:
        raise NotFound("refresh schedule", dataset.id)
    repo.delete_refresh(dataset.id)
    repo.delete_drop(dataset.id)
    ctx.uow.record(
        RefreshCancelled(aggregate_id=dataset.id, organisation_id=dataset.organisation_id)
    )


def get_refresh(query: GetRefresh, ctx: HandlerContext) -> RefreshSchedule:
    dataset = dataset_for(ctx, query.dataset_id)
    schedule = ctx.uow.repo(SHARING).get_refresh(dataset.id)
    if schedule is None:
        raise NotFound("refresh schedule", dataset.id)
    return schedule


class WorkerUow(Protocol):
    """Makes a unit of work acting as the system."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


class RefreshWorker:
    """Claims due schedules (``batch`` at a time, leased for ``lease_s``), fetches each through
    the ingest, and settles it. ``run_once`` is one round (at most ``max_per_round`` fetches);
    ``run`` repeats until ``stop``."""

    def __init__(
        self,
        bus: MessageBus,
        uow: WorkerUow,
        clock: Clock,
        *,
        owner: str | None = None,
        lease_s: float = 900.0,
        backoff: RefreshBackoff | None = None,
        batch: int = 1,
        max_per_round: int = 100,
        drop_roots: Sequence[Path] = (),
        wall_s: Callable[[], float] = time.time,
    ) -> None:
        self._bus = bus
        self._uow = uow
        self._clock = clock
        self.owner = owner or f"refresh-{new_id()}"
        self._lease_s = lease_s
        self._backoff = backoff or RefreshBackoff()
        self._batch = batch
        self.max_per_round = max_per_round
        self._drop_roots = tuple(drop_roots)
        self._wall_s = wall_s  # the file system's clock, which files' ages are measured by
        self._stop = threading.Event()

    def claim(self) -> list[RefreshSchedule]:
        now = self._clock.now()
        with self._uow() as uow:
            claimed = uow.repo(SHARING).claim_refreshes(
                now,
                self._batch,
                owner=self.owner,
                lease_until=now + timedelta(seconds=self._lease_s),
            )
            uow.commit()
        return claimed

    def run_once(self) -> list[IngestRun]:
        """Fetch every schedule due now, claiming ``batch`` at a time just before fetching
        them (so a lease covers one short stretch of work); the runs, completed or failed."""
        runs: list[IngestRun] = []
        while not self._stop.is_set() and len(runs) < self.max_per_round:
            claimed = self.claim()
            if not claimed:
                break
            for schedule in claimed:
                runs.extend(self.fetch(schedule))
        return runs

    def fetch(self, schedule: RefreshSchedule) -> list[IngestRun]:
        """Fetch one claimed schedule: its HTTP source, or the new files of its drop."""
        if schedule.kind is RefreshKind.DROP:
            return self.refresh_drop(schedule)
        return [self.refresh(schedule)]

    def refresh(self, schedule: RefreshSchedule) -> IngestRun:
        started = self._clock.now()
        try:
            run: IngestRun = self._bus.handle(
                RunIngest(dataset_id=schedule.dataset_id, path=schedule.url), SYSTEM_ACTOR
            )
        except Exception as exc:  # whatever went wrong is recorded on a failed run
            return self._failed(schedule, started, exc)
        with self._uow() as uow:
            repo = uow.repo(SHARING)
            dataset = repo.get_dataset(schedule.dataset_id)
            interval = dataset.refresh_interval_s if dataset else None
            repo.settle_refresh(
                replace(
                    schedule,
                    next_run_at=next_after_success(run.finished_at, interval or 86_400),
                    attempts=0,
                    last_error=None,
                    last_run_id=run.id,
                    updated_at=self._clock.now(),
                ),
                owner=self.owner,
            )
            uow.commit()
        return run

    def _failed(
        self,
        schedule: RefreshSchedule,
        started: datetime,
        exc: Exception,
        *,
        file_name: str | None = None,
        dropped: DroppedFile | None = None,
        settle: bool = True,
    ) -> IngestRun:
        """Record a failed run (and the dropped file it was to read, as failed) with an
        ``IngestRunFailed`` event; with ``settle``, back the schedule off in the same
        transaction."""
        error = (str(exc) or type(exc).__name__)[:MAX_ERROR]
        now = self._clock.now()
        attempts = schedule.attempts + 1
        with self._uow() as uow:
            repo = uow.repo(SHARING)
            dataset = repo.get_dataset(schedule.dataset_id)
            if dataset is None:  # deleted meanwhile: nothing to record against
                raise NotFound("dataset", schedule.dataset_id) from exc
            mapping = repo.get_mapping(dataset.id, None)
            run = IngestRun(
                id=new_id(),
                dataset_id=dataset.id,
                organisation_id=dataset.organisation_id,
                mapping_version=mapping.version if mapping else 0,
                file_name=(file_name or schedule.url)[:300],
                encoding="http-json" if schedule.kind is RefreshKind.HTTP else "file",
                status=RunStatus.FAILED,
                started_at=started,
                finished_at=now,
                read=0,
                accepted=0,
                merged=0,
                quarantined=0,
                quality={},
                error=error,
            )
            repo.add_run(run)
            if dropped is not None:
                repo.put_dropped_file(replace(dropped, run_id=run.id, error=error))
            retry_at = next_after_failure(now, attempts, dataset.refresh_interval_s, self._backoff)
            if settle:
                repo.settle_refresh(
                    replace(
                        schedule,
                        next_run_at=retry_at,
                        attempts=attempts,
                        last_error=error,
                        last_run_id=run.id,
                        updated_at=now,
                    ),
                    owner=self.owner,
                )
            uow.record(
                IngestRunFailed(
                    aggregate_id=run.id,
                    organisation_id=dataset.organisation_id,
                    dataset_id=dataset.id,
                    error=error,
                    attempt=attempts,
                    retry_at=retry_at.isoformat(),
                )
            )
            uow.commit()
        log.warning(
            "refresh of dataset %s failed (attempt %d, retry at %s): %s",
            dataset.id,
            attempts,
            retry_at.isoformat(),
            error,
        )
        return run

    def refresh_drop(self, schedule: RefreshSchedule) -> list[IngestRun]:
        """One look at a drop: ingest every settled file not picked up before, oldest first;
        the runs, completed and failed."""
        started = self._clock.now()
        try:
            with self._uow(read_only=True) as uow:
                drop = uow.repo(SHARING).get_drop(schedule.dataset_id)
                picked = uow.repo(SHARING).dropped_files(schedule.dataset_id)
            if drop is None:
                raise NotFound("file drop", schedule.dataset_id)
            directory = resolve_directory(drop.directory, self._drop_roots)
            sightings = list_files(directory, drop.pattern, self._wall_s())
        except Exception as exc:  # the drop cannot be read at all: one failed run
            return [self._failed(schedule, started, exc)]

        def failed(exc: Exception, dropped: DroppedFile, started_at: datetime) -> IngestRun:
            return self._failed(
                schedule, started_at, exc, file_name=dropped.name, dropped=dropped, settle=False
            )

        # files left when half the lease has gone wait for the next claim (with a fresh lease)
        until_s = time.monotonic() + self._lease_s / 2

        def more_time() -> bool:
            return time.monotonic() < until_s and not self._stop.is_set()

        look = look_into_drop(
            drop,
            directory,
            sightings,
            picked,
            bus=self._bus,
            clock=self._clock,
            failed=failed,
            more_time=more_time,
        )
        self._settle_drop(schedule, look)
        return look.runs

    def _settle_drop(self, schedule: RefreshSchedule, look: Look) -> None:
        """After failures, back off; with files left over, due again at once; otherwise one
        interval later, or sooner when a file still being written will have settled."""
        now = self._clock.now()
        runs, failures = look.runs, look.failures
        with self._uow() as uow:
            repo = uow.repo(SHARING)
            dataset = repo.get_dataset(schedule.dataset_id)
            interval = dataset.refresh_interval_s if dataset else None
            if failures:
                attempts = schedule.attempts + 1
                next_run = next_after_failure(now, attempts, interval, self._backoff)
                error = failures[-1].error
            else:
                attempts = 0
                next_run = next_after_success(now, interval or 86_400)
                error = None
            if look.unfinished and not failures:
                next_run = now
            elif look.wait_s is not None:
                next_run = min(next_run, now + timedelta(seconds=look.wait_s + 1.0))
            repo.settle_refresh(
                replace(
                    schedule,
                    next_run_at=next_run,
                    attempts=attempts,
                    last_error=error,
                    last_run_id=runs[-1].id if runs else schedule.last_run_id,
                    updated_at=now,
                ),
                owner=self.owner,
            )
            uow.commit()

    def run(self, *, interval_s: float = 30.0) -> None:
        """Round after round, ``interval_s`` apart, until :meth:`stop`."""
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("refresh round failed")
            self._stop.wait(interval_s)

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped; whether :meth:`stop` was called."""
        return self._stop.wait(seconds)

    def stop(self) -> None:
        self._stop.set()
