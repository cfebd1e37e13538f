"""The batch sink that runs the seasonal detectors on every stored observation batch.

``StreamDetectorSink`` is registered in ``Platform.batch_sinks``: monitoring calls it with each
micro-batch inside the unit of work that stored the batch, and it records an ``AnomalyDetected``
event in that same unit of work when a datastream turns from normal to anomalous. A stream that
turns anomalous again within ``cooldown_s`` (phenomenon time) of its last recorded event is not
recorded again (it is counted in ``suppressed``), so a flapping sensor cannot storm the log.

Detector state lives in this process's memory (about 3.9 kB per datastream, whatever its
history): after a restart each stream learns its profile again from scratch. Exercise
(drill) batches run on a separate detector bank, so a drill never teaches the real profiles.
If the unit of work that stored a batch rolls back, the detector has still seen it; a retried
batch with the same phenomenon times is then skipped by the detector (not newer than the last).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch, SensorKind
from lifeline.warning.detectors.seasonal import DetectorBank, DetectorParams, Reason
from lifeline.warning.events import AnomalyDetected

# kinds the detector does not judge: binary detections and a circular quantity
UNSUITED_KINDS = frozenset({SensorKind.VIDEO_EVENT, SensorKind.WIND_DIRECTION})


@dataclass
class _Bank:
    detectors: DetectorBank
    slots: dict[str, int] = field(default_factory=dict)
    last_recorded_s: dict[str, float] = field(default_factory=dict)

    def slot_ids(self, datastream_ids: list[str]) -> np.ndarray:
        new = [d for d in dict.fromkeys(datastream_ids) if d not in self.slots]
        for d, slot in zip(new, self.detectors.add_streams(len(new)), strict=True):
            self.slots[d] = slot
        return np.fromiter((self.slots[d] for d in datastream_ids), np.int64, len(datastream_ids))


class StreamDetectorSink:
    """Runs a :class:`DetectorBank` over every batch and records onsets as events."""

    def __init__(
        self,
        params: DetectorParams | None = None,
        *,
        cooldown_s: float = 900.0,
        skip_kinds: frozenset[SensorKind] = UNSUITED_KINDS,
    ) -> None:
        if cooldown_s < 0:
            raise ValueError("cooldown_s must not be negative")
        self.params = params or DetectorParams()
        self.cooldown_s = cooldown_s
        self.skip_kinds = skip_kinds
        self._banks = {flag: _Bank(DetectorBank(self.params)) for flag in (False, True)}
        self._lock = threading.Lock()
        self.recorded = 0
        self.suppressed = 0

    def streams(self, *, exercise: bool = False) -> int:
        """How many datastreams the detector holds state for."""
        return len(self._banks[exercise].slots)

    def __call__(self, batch: ObservationBatch, uow: UnitOfWork) -> None:
        if len(batch) == 0:
            return
        ids = list(batch.datastream_ids)
        keep = np.fromiter(
            (batch.streams[d].kind not in self.skip_kinds for d in ids), np.bool_, len(ids)
        )
        rows = np.flatnonzero(keep)
        if len(rows) == 0:
            return
        kept_ids = [ids[i] for i in rows]
        times = np.asarray(batch.phenomenon_time_s, dtype=np.float64)[rows]
        values = np.asarray(batch.values, dtype=np.float64)[rows]
        events: list[AnomalyDetected] = []
        with self._lock:
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
