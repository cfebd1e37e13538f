"""Observation batches for warning tests, handed to the platform's batch sinks as monitoring
does after storing them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lifeline.bootstrap import Platform
from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo


def stream(
    datastream_id: str,
    organisation_id: str,
    kind: SensorKind = SensorKind.SMOKE,
    thing_id: str = "thing-1",
    lon: float | None = 114.05,
    lat: float | None = 22.54,
    area_id: str | None = None,
) -> StreamInfo:
    return StreamInfo(datastream_id, thing_id, organisation_id, kind, "", area_id, lon, lat)


def feed(
    platform: Platform,
    info: StreamInfo | Sequence[StreamInfo],
    values: Sequence[float],
    *,
    t0_s: float | None = None,
    step_s: float = 1.0,
) -> None:
    """Hand one batch (each stream gets ``values``) to every sink in one unit of work."""
    infos = [info] if isinstance(info, StreamInfo) else list(info)
    start = platform.clock.now().timestamp() if t0_s is None else t0_s
    times = start + step_s * np.arange(len(values))
    ids = tuple(i.datastream_id for i in infos for _ in values)
    batch = ObservationBatch(
        datastream_ids=ids,
        phenomenon_time_s=np.tile(times, len(infos)),
        values=np.tile(np.asarray(values, dtype=float), len(infos)),
        received_at_s=np.tile(times, len(infos)),
        streams={i.datastream_id: i for i in infos},
    )
    with platform.uow() as uow:
        for sink in platform.batch_sinks:
            sink(batch, uow)
        uow.commit()
    platform.relay.drain()
