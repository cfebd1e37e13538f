"""The platform's detector sink records AnomalyDetected in the hash-chained log with the batch."""

from __future__ import annotations

import numpy as np

from lifeline.bootstrap import Platform
from lifeline.kernel import eventlog
from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.warning.detectors.sink import StreamDetectorSink

T0 = 1_780_000_000.0


def pressure_batch(values: np.ndarray, start: float = T0) -> ObservationBatch:
    stream = StreamInfo(
        datastream_id="ds-pipe-7",
        thing_id="thing-pipe-7",
        organisation_id="org-gas",
        kind=SensorKind.PIPELINE_PRESSURE,
        unit="MPa",
        area_id="area-futian",
        lon=114.05,
        lat=22.54,
    )
    times = np.asarray(start + 60.0 * np.arange(len(values)), dtype=np.float64)
    return ObservationBatch(
        datastream_ids=("ds-pipe-7",) * len(values),
        phenomenon_time_s=times,
        values=values,
        received_at_s=times,
        streams={"ds-pipe-7": stream},
    )


def detector(platform: Platform) -> StreamDetectorSink:
    sinks = [s for s in platform.batch_sinks if isinstance(s, StreamDetectorSink)]
    assert len(sinks) == 1
    return sinks[0]


def test_a_pressure_drop_is_recorded_in_the_same_transaction_as_the_batch(
    platform: Platform,
) -> None:
    rng = np.random.default_rng(4)
    values = np.r_[0.40 + rng.normal(0, 0.002, 300), [0.25]]  # a sudden loss of pressure
    with platform.uow() as uow:
        for sink in platform.batch_sinks:
            sink(pressure_batch(values), uow)
        uow.commit()
    with platform.uow(read_only=True) as uow:
        timeline = uow.timeline("datastream", "ds-pipe-7")
    assert [e.type for e in timeline] == ["AnomalyDetected"]
    entry = timeline[0]
    assert entry.organisation_id == "org-gas"
    assert entry.payload["reason"] == "spike"
    assert entry.payload["value"] == 0.25
    assert abs(entry.payload["expected"] - 0.40) < 0.01
    assert entry.payload["kind"] == "pipeline_pressure"
    with platform.engine.connect() as conn:
        checked, broken = eventlog.verify(conn)
    assert checked == 1
    assert broken is None


def test_nothing_is_logged_when_the_batch_transaction_rolls_back(platform: Platform) -> None:
    values = np.r_[np.full(300, 0.40) + np.linspace(0, 0.001, 300), [0.10]]
    with platform.uow() as uow:
        detector(platform)(pressure_batch(values), uow)  # no commit: the batch failed to store
    with platform.uow(read_only=True) as uow:
        assert uow.timeline("datastream", "ds-pipe-7") == []
