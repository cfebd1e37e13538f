"""The observation batch: what monitoring hands to early warning after storing it.

Observations are not events (too many): monitoring stores a micro-batch in its append-only
table and, in the same unit of work, hands it to every sink (``monitoring.sinks.BatchSink``)
that ``bootstrap`` registered (early warning's rule evaluator among them). Rows are columns of
equal length; ``streams`` describes every datastream that occurs in the batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class SensorKind(StrEnum):
    """Observed-property kinds (the unit each is stored in follows the name)."""

    SMOKE = "smoke"  # obscuration, %/m
    TEMPERATURE = "temperature"  # °C
    CO = "co"  # ppm
    COMBUSTIBLE_GAS = "combustible_gas"  # %LEL
    H2S = "h2s"  # ppm
    WATER_LEVEL = "water_level"  # m
    RAINFALL = "rainfall"  # mm/h
    FLOW = "flow"  # m³/h
    PRESSURE = "pressure"  # kPa
    VOLTAGE = "voltage"  # V (power equipment)
    CURRENT = "current"  # A (power equipment)
    EQUIPMENT_TEMPERATURE = "equipment_temperature"  # °C (transformers, switchgear)
    PIPELINE_PRESSURE = "pipeline_pressure"  # MPa
    TILT = "tilt"  # degrees (slopes, buildings)
    DISPLACEMENT = "displacement"  # mm
    AIR_QUALITY = "air_quality"  # AQI
    HOTSPOT = "hotspot"  # °C, thermal camera maximum
    VIDEO_EVENT = "video_event"  # 1 when the analytics detect (fire, smoke, intrusion), else 0
    WIND_SPEED = "wind_speed"  # m/s
    WIND_DIRECTION = "wind_direction"  # degrees the wind blows FROM, clockwise from north


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What early warning needs to know about a datastream without reading monitoring's tables."""

    datastream_id: str
    thing_id: str
    organisation_id: str
    kind: SensorKind
    unit: str
    area_id: str | None
    lon: float | None
    lat: float | None


FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ObservationBatch:
    """Accepted observations, one row each: ``datastream_ids[i]`` observed ``values[i]`` at
    ``phenomenon_time_s[i]`` (Unix seconds, UTC), received at ``received_at_s[i]``."""

    datastream_ids: tuple[str, ...]
    phenomenon_time_s: FloatArray
    values: FloatArray
    received_at_s: FloatArray
    streams: Mapping[str, StreamInfo]
    exercise: bool = False

    def __len__(self) -> int:
        return len(self.datastream_ids)
