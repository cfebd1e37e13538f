"""Observation ingest: validate a parsed batch, quarantine what is refused, store the rest in one
multi-row insert, and hand the stored batch to every sink in the same unit of work.

Device keys authenticate here too (:func:`authenticate_device`), for HTTP and MQTT alike.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lifeline.kernel.access import AccessDecision, Actor, ActorKind, Outcome
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import TooManyRequests, Unauthenticated
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch, StreamInfo
from lifeline.monitoring.formats import Rejection
from lifeline.monitoring.messages import IngestObservations
from lifeline.monitoring.model import (
    DEVICE_ROLE,
    MONITORING,
    Datastream,
    MonitoringRepository,
    QuarantinedRow,
    StreamLimits,
)
from lifeline.monitoring.ratelimit import RateLimiter
from lifeline.monitoring.service._common import repo_of
from lifeline.monitoring.service.registry import split_device_key
from lifeline.monitoring.sinks import BatchSink
from lifeline.monitoring.validation import IngestWindow, IntArray, index_streams, validate
from lifeline.security import passwords
from lifeline.security.model import Permission

log = logging.getLogger(__name__)

STREAM_CACHE = 200_000  # datastreams kept in memory per process


@dataclass(frozen=True)
class IngestResult:
    """What happened to a batch: every received row is accepted, a duplicate or rejected."""

    batch_id: str
    received: int
    accepted: int
    duplicates: int
    rejections: list[Rejection] = field(default_factory=list)
    accepted_index: list[int] = field(default_factory=list)  # payload positions stored

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def reasons(self) -> dict[str, int]:
        return dict(sorted(Counter(r.reason.value for r in self.rejections).items()))


class Ingestor:
    """The ``IngestObservations`` handler, configured with the ingest window and the sinks."""

    def __init__(self, window: IngestWindow, sinks: Callable[[], Sequence[BatchSink]]) -> None:
        self.window = window
        self._sinks = sinks
        self._cache: dict[str, Datastream] = {}
        self._limits: dict[str, StreamLimits] = {}
        self._info: dict[str, StreamInfo] = {}
        self._exercise: set[str] = set()  # datastreams of drill (exercise) things

    def _streams(self, repo: MonitoringRepository, ids: Sequence[str]) -> dict[str, Datastream]:
        """The per-process cache of datastreams, holding every one of ``ids`` (distinct) that
        exists (datastreams are never changed or deleted once created, so a cached one cannot
        be stale). Looked up per distinct datastream of a batch, never per row."""
        cache = self._cache
        if cache.keys() >= set(ids):
            return cache
        missing = [i for i in ids if i not in cache]
        if len(cache) + len(missing) > STREAM_CACHE:
            cache.clear()
            self._limits.clear()
            self._info.clear()
            self._exercise.clear()
        found = repo.datastreams_by_id(sorted(missing))
        drills = repo.exercise_things(sorted({d.thing_id for d in found.values()}))
        for stream in found.values():
            if stream.thing_id in drills:
                self._exercise.add(stream.id)
            cache[stream.id] = stream
            self._limits[stream.id] = StreamLimits(
                stream.thing_id, stream.path, stream.min_value, stream.max_value
            )
            self._info[stream.id] = stream.stream_info()
        return cache

    def __call__(self, cmd: IngestObservations, ctx: HandlerContext) -> IngestResult:
        rows = cmd.rows
        repo = repo_of(ctx)
        now = ctx.uow.clock.now()
        now_us = round(now.timestamp() * 1_000_000)
        distinct, codes = index_streams(rows.datastream_ids)
        streams = self._streams(repo, distinct)
        limits = self._limits  # holds every datastream of the batch that exists
        device = ctx.actor.id if DEVICE_ROLE in ctx.actor.roles else None
        ok, refused = validate(
            rows,
            limits,
            now_us=now_us,
            window=self.window,
            device_thing_id=device,
            scope_paths=None if device else ctx.actor.scope_paths,
            streams=(distinct, codes),
        )
        picked = np.flatnonzero(ok)
        every = len(picked) == len(ok)
        ids = list(rows.datastream_ids) if every else [rows.datastream_ids[i] for i in picked]
        picked_codes = codes if every else codes[picked]
        present = np.zeros(len(distinct), dtype=np.bool_)
        present[picked_codes] = True
        stored_codes = np.flatnonzero(present)
        stored_streams = [distinct[j] for j in stored_codes.tolist()]
        for path in sorted({streams[s].path for s in stored_streams}):
            ctx.authorize(target_kind="datastream-collection", target_id="", target_path=path)
        batch_id = new_id()
        times = rows.time_us if every else rows.time_us[picked]
        values = rows.values if every else rows.values[picked]
        numbers = np.zeros(len(distinct), dtype=np.int64)  # by code, of the stored streams
        numbers[stored_codes] = [streams[s].number for s in stored_streams]
        inserted = np.asarray(
            repo.insert_observations(
                batch_id, numbers[picked_codes].tolist(), times.tolist(), values.tolist(), now_us
            ),
            dtype=np.intp,
        )
        rejections = sorted([*rows.rejected, *refused], key=lambda r: r.index)
        repo.quarantine(
            [
                QuarantinedRow(
                    batch_id=batch_id, row_index=r.index, reason=r.reason.value,
                    detail=r.detail, raw=r.raw, received_at=now, source=cmd.source,
                    writer=ctx.actor.ref, datastream_id=r.datastream_id,
                    thing_id=streams[r.datastream_id].thing_id
                    if r.datastream_id in streams else device,
                    path=streams[r.datastream_id].path
                    if r.datastream_id in streams else _writer_path(ctx.actor),
                )
                for r in rejections
            ]
        )  # fmt: skip
        drill = (
            np.fromiter((s in self._exercise for s in distinct), np.bool_, len(distinct))
            if self._exercise
            else np.zeros(len(distinct), dtype=np.bool_)
        )
        drill_rows = drill[picked_codes[inserted]]
        for exercise in (False, True):  # drill observations never share a batch with real ones
            at = inserted[drill_rows] if exercise else inserted[~drill_rows]
            if len(at) == 0:
                continue
            stored_ids = tuple(ids) if len(at) == len(ids) else tuple(ids[i] for i in at.tolist())
            batch = ObservationBatch(
                datastream_ids=stored_ids,
                phenomenon_time_s=times[at] / 1_000_000,
                values=values[at],
                received_at_s=np.full(len(at), now_us / 1_000_000),
                streams=self._stream_infos(distinct, np.unique(picked_codes[at])),
                exercise=exercise,
            )
            for sink in self._sinks():
                sink(batch, ctx.uow)
        index = np.asarray(rows.index, dtype=np.int64)
        return IngestResult(
            batch_id=batch_id,
            received=rows.total,
            accepted=len(inserted),
            duplicates=len(ids) - len(inserted),
            rejections=rejections,
            accepted_index=index[picked[inserted]].tolist(),
        )

    def _stream_infos(self, distinct: list[str], codes: IntArray) -> dict[str, StreamInfo]:
        """The :class:`StreamInfo` of the datastreams ``distinct[codes]``."""
        wanted = distinct if len(codes) == len(distinct) else [distinct[j] for j in codes.tolist()]
        return dict(zip(wanted, map(self._info.__getitem__, wanted), strict=True))


def _writer_path(actor: Actor) -> str | None:
    """Where a quarantined row without a known datastream is filed: the writer's own scope."""
    return actor.scope_paths[0] if actor.scope_paths else None


def admit(limiter: RateLimiter, actor: Actor, n: int, now_s: float) -> None:
    """Take ``n`` observations from the writer's token bucket or raise ``TooManyRequests``."""
    wait_s = limiter.admit(actor.ref, n, now_s)
    if wait_s > 0:
        raise TooManyRequests(
            f"{actor.ref} exceeds {limiter.rate_per_s:g} observations/s "
            f"(burst {limiter.burst:g}); retry in {wait_s:.1f} s",
            retry_after_s=wait_s,
        )


def authenticate_device(uow_factory: Callable[..., UnitOfWork], key: str) -> Actor:
    """Resolve a device key to the device's :class:`Actor` (it may write only observations of
    its own datastreams); raise ``Unauthenticated`` and log the refusal otherwise.

    The lookup reads only (``read_only=True``), so authenticating never waits for a writer's
    lock; only a refusal writes (its access-log entry, in a short transaction of its own).
    """
    prefix = split_device_key(key)
    with uow_factory(read_only=True) as uow:
        repo = uow.repo(MONITORING)
        record = repo.device_key_by_prefix(prefix) if prefix else None
        if (
            record is None
            or not record.active
            or not passwords.api_key_matches(key, record.key_hash)
        ):
            uow.log_access(
                AccessDecision(
                    at=uow.clock.now(), actor_id=f"device-key:{prefix or '?'}",
                    actor_organisation_id=None, action="authenticate",
                    permission="authenticate", outcome=Outcome.DENIED,
                    reason="unknown, revoked or wrong device key",
                )
            )  # fmt: skip
            uow.commit()
            raise Unauthenticated("unknown, revoked or wrong device key")
        thing = repo.get_thing(record.thing_id)
        assert thing is not None  # a key references its thing (foreign key)
        return Actor(
            id=thing.id,
            kind=ActorKind.SERVICE,
            organisation_id=thing.organisation_id,
            roles=frozenset({DEVICE_ROLE}),
            permissions=frozenset({Permission.SENSOR_WRITE.value}),
            scope_paths=(thing.path,),
            name=thing.name,
        )


def quarantine_unattributed(
    uow_factory: Callable[[], UnitOfWork], rows: list[QuarantinedRow]
) -> None:
    """Keep rows refused before any actor could be established (an MQTT message without a
    valid device key, or over its device's rate) in the quarantine, so nothing is dropped."""
    if not rows:
        return
    with uow_factory() as uow:
        uow.repo(MONITORING).quarantine(rows)
        uow.commit()
