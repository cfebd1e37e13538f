"""The batch sink that runs the seasonal detectors on every stored observation batch.

``StreamDetectorSink`` is registered in ``Platform.batch_sinks``: monitoring calls it with each
micro-batch inside the unit of work that stored the batch, and it records an ``AnomalyDetected``
event in that same unit of work when a datastream turns from normal to anomalous. A stream that
turns anomalous again within ``cooldown_s`` (phenomenon time) of its last recorded event is not
recorded again (it is counted in ``suppressed``), so a flapping sensor cannot storm the log.

Detector state lives in this process's memory (about 3.9 kB per datastream, whatever its
history); :meth:`StreamDetectorSink.save_state` writes the real bank to the ``detectors``
snapshot (merged with what other processes saved) and a process takes it back before its first
batch, so after a restart each stream keeps its learnt profile. Exercise (drill) batches run on
a separate detector bank, so a drill never teaches the real profiles; that bank is not saved.
If the unit of work that stored a batch rolls back, the detector has still seen it; a retried
batch with the same phenomenon times is then skipped by the detector (not newer than the last).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch, SensorKind
from lifeline.warning.detectors.seasonal import DetectorBank, DetectorParams, Reason
from lifeline.warning.events import AnomalyDetected
from lifeline.warning.model import WARNING
from lifeline.warning.snapshots import (
    DETECTORS,
    DetectorState,
    detector_state_bytes,
    detector_state_of,
    merge_detector_states,
)

log = logging.getLogger(__name__)

# kinds the detector does not judge: binary detections and a circular quantity
UNSUITED_KINDS = frozenset({SensorKind.VIDEO_EVENT, SensorKind.WIND_DIRECTION})


@dataclass
class _Bank:
    detectors: DetectorBank
    slots: dict[str, int] = field(default_factory=dict)
    last_recorded_s: dict[str, float] = field(default_factory=dict)

    def slot_ids(self, datastream_ids: list[str]) -> np.ndarray:
        """Each id's slot (new ids get one), mapped at C level by the dict's ``__getitem__``."""
        try:
            return np.fromiter(map(self.slots.__getitem__, datastream_ids), np.int64)
        except KeyError:
            new = [d for d in dict.fromkeys(datastream_ids) if d not in self.slots]
            for d, slot in zip(new, self.detectors.add_streams(len(new)), strict=True):
                self.slots[d] = slot
            return np.fromiter(map(self.slots.__getitem__, datastream_ids), np.int64)


class StreamDetectorSink:
    """Runs a :class:`DetectorBank` over every batch and records onsets as events."""

    def __init__(
        self,
        params: DetectorParams | None = None,
        *,
        cooldown_s: float = 900.0,
        skip_kinds: frozenset[SensorKind] = UNSUITED_KINDS,
        snapshot_every_s: float = 600.0,
    ) -> None:
        if cooldown_s < 0:
            raise ValueError("cooldown_s must not be negative")
        self.params = params or DetectorParams()
        self.cooldown_s = cooldown_s
        self.skip_kinds = skip_kinds
        self._banks = {flag: _Bank(DetectorBank(self.params)) for flag in (False, True)}
        self._lock = threading.Lock()
        self._restored = False
        self.snapshot_every_s = snapshot_every_s
        self._next_save = 0.0
        self._judged: dict[str, bool] = {}  # datastream id -> its kind is judged
        self.recorded = 0
        self.suppressed = 0

    def streams(self, *, exercise: bool = False) -> int:
        """How many datastreams the detector holds state for."""
        return len(self._banks[exercise].slots)

    def export_state(self) -> DetectorState:
        """The real bank's state of every stream it holds (copies)."""
        with self._lock:
            bank = self._banks[False]
            ids = tuple(bank.slots)
            slots = np.fromiter(bank.slots.values(), np.int64, len(ids))
            return DetectorState(ids, bank.detectors.export_rows(slots), dict(bank.last_recorded_s))

    def restore(self, state: DetectorState) -> int:
        """Take back the streams of ``state`` this sink does not hold yet; return how many."""
        with self._lock:
            return self._restore(state)

    def _restore(self, state: DetectorState) -> int:
        bank = self._banks[False]
        take = [i for i, d in enumerate(state.ids) if d not in bank.slots]
        if not take:
            return 0
        ids = [state.ids[i] for i in take]
        slots = bank.slot_ids(ids)
        bank.detectors.import_rows(slots, {k: v[take] for k, v in state.rows.items()})
        for d in ids:
            if d in state.last_recorded_s:
                bank.last_recorded_s[d] = state.last_recorded_s[d]
        return len(ids)

    def save_state(self, uow: UnitOfWork, *, force: bool = False) -> int:
        """Write the real bank to the snapshot, merged with what other processes saved (per
        stream, the profile that learnt the later reading); return the streams saved. At most
        every ``snapshot_every_s`` unless ``force`` (profiles move slowly and weigh ~3.9 kB a
        stream); a process that has not run yet saves nothing."""
        now = time.monotonic()
        if not self._restored or (not force and now < self._next_save):
            return 0
        self._next_save = now + self.snapshot_every_s
        state = self.export_state()
        repo = uow.repo(WARNING)
        stored = repo.load_snapshot(DETECTORS, for_update=True)
        if stored is not None:
            try:
                state = merge_detector_states(state, detector_state_of(stored))
            except (ValueError, KeyError, TypeError):
                log.warning("the stored detector snapshot is unreadable; replacing it")
        repo.save_snapshot(DETECTORS, detector_state_bytes(state), uow.clock.now())
        return len(state.ids)

    def _take_back(self, uow: UnitOfWork) -> None:
        """Before the first batch: the streams the last snapshot holds (under the lock)."""
        self._restored = True
        stored = uow.repo(WARNING).load_snapshot(DETECTORS)
        if stored is None:
            return
        try:
            self._restore(detector_state_of(stored))
        except (ValueError, KeyError, TypeError):
            log.warning("the stored detector snapshot is unreadable; learning afresh")

    def __call__(self, batch: ObservationBatch, uow: UnitOfWork) -> None:
        if len(batch) == 0:
            return
        ids = list(batch.datastream_ids)
        judged = self._judged
        try:
            keep = np.fromiter(map(judged.__getitem__, ids), np.bool_, len(ids))
        except KeyError:  # streams seen for the first time: is their kind one to judge?
            for d in set(ids).difference(judged):
                judged[d] = batch.streams[d].kind not in self.skip_kinds
            keep = np.fromiter(map(judged.__getitem__, ids), np.bool_, len(ids))
        rows = np.flatnonzero(keep)
        if len(rows) == 0:
            return
        kept_ids = ids if len(rows) == len(ids) else [ids[i] for i in rows]
        times = np.asarray(batch.phenomenon_time_s, dtype=np.float64)[rows]
        values = np.asarray(batch.values, dtype=np.float64)[rows]
        events: list[AnomalyDetected] = []
        with self._lock:
            if not self._restored:
                self._take_back(uow)
            bank = self._banks[batch.exercise]
            scores = bank.detectors.update(bank.slot_ids(kept_ids), times, values)
            onsets = np.flatnonzero(scores.onset)
            for i in onsets[np.argsort(times[onsets], kind="stable")]:
                stream = kept_ids[i]
                last = bank.last_recorded_s.get(stream)
                if last is not None and times[i] - last < self.cooldown_s:
                    self.suppressed += 1
                    continue
                bank.last_recorded_s[stream] = float(times[i])
                self.recorded += 1
                info = batch.streams[stream]
                events.append(
                    AnomalyDetected(
                        aggregate_id=stream,
                        organisation_id=info.organisation_id,
                        thing_id=info.thing_id,
                        kind=info.kind.value,
                        unit=info.unit,
                        reason=Reason(int(scores.reason[i])).word,
                        value=float(values[i]),
                        expected=float(scores.expected[i]),
                        z=round(float(scores.z[i]), 3),
                        cusum=round(float(scores.cusum[i]), 3),
                        observed_at=datetime.fromtimestamp(float(times[i]), UTC).isoformat(),
                        area_id=info.area_id,
                        lon=info.lon,
                        lat=info.lat,
                        exercise=batch.exercise,
                    )
                )
        if events:
            uow.record(*events)
