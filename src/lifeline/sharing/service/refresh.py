"""Refresh schedules: HTTP JSON sources fetched on their dataset's schedule by leased workers.

A steward schedules a dataset's source (``ScheduleRefresh``). :class:`RefreshWorker` — a loop in
every API process and ``lifeline ingest refresh`` — **claims** due schedules with a lease, so two
workers never fetch the same dataset at once (a worker that dies leaves its schedules to be
claimed again when the lease expires), runs the ingest as the system, then settles the schedule:
after a completed run the next fetch is one interval later; a fetch that reads nothing is stored
as a *failed* run with its error (and an ``IngestRunFailed`` event) and retried with backoff.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork
from lifeline.sharing.events import IngestRunFailed, RefreshCancelled, RefreshScheduled
from lifeline.sharing.messages import CancelRefresh, GetRefresh, RunIngest, ScheduleRefresh
from lifeline.sharing.model import SHARING, IngestRun, RefreshSchedule, RunStatus
from lifeline.sharing.readers import is_url
from lifeline.sharing.refresh import RefreshBackoff, next_after_failure, next_after_success
from lifeline.sharing.service._common import dataset_for

log = logging.getLogger(__name__)

MAX_URL = 2000
MAX_ERROR = 2000


def schedule_refresh(cmd: ScheduleRefresh, ctx: HandlerContext) -> RefreshSchedule:
    dataset = dataset_for(ctx, cmd.dataset_id)
    url = cmd.url.strip()
    if not is_url(url) or len(url) > MAX_URL:
        raise InvalidInput("url", f"must be an http:// or https:// URL of at most {MAX_URL} chars")
    if cmd.interval_s is not None and cmd.interval_s <= 0:
        raise InvalidInput("interval_s", "must be positive")
    interval = cmd.interval_s or dataset.refresh_interval_s
    if interval is None:
        raise InvalidInput("interval_s", "the dataset has no refresh interval: give one")
    repo = ctx.uow.repo(SHARING)
    if interval != dataset.refresh_interval_s:
        repo.set_refresh_interval(dataset.id, interval)
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
    ) -> None:
        self._bus = bus
        self._uow = uow
        self._clock = clock
        self.owner = owner or f"refresh-{new_id()}"
        self._lease_s = lease_s
        self._backoff = backoff or RefreshBackoff()
        self._batch = batch
        self.max_per_round = max_per_round
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
            runs.extend(self.refresh(schedule) for schedule in claimed)
        return runs

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

    def _failed(self, schedule: RefreshSchedule, started: datetime, exc: Exception) -> IngestRun:
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
                file_name=schedule.url[:300],
                encoding="http-json",
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
            retry_at = next_after_failure(now, attempts, dataset.refresh_interval_s, self._backoff)
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
