"""The sensor registry on the OGC SensorThings model, device keys and device health.

A **Thing** (a detector, a gateway, a gauge) belongs to an organisation and stands in an area at
a **Location**; it has **Datastreams**, each observing one :class:`SensorKind` (the
ObservedProperty) in that kind's unit with one **Sensor** (the make and model), about a
**FeatureOfInterest** (what is observed: by default the Thing's location). Observations are not
modelled here one by one: they arrive in batches (:mod:`lifeline.monitoring.batch`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lifeline.kernel.geo import Point
from lifeline.kernel.ports import RepoKey
from lifeline.monitoring.batch import SensorKind, StreamInfo

DEVICE_ROLE = "device"
"""The role of an actor that authenticated with a device key: it may only write observations."""


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What holds for every datastream of one kind: unit, physical range, expected interval.

    ``stuck_samples`` is how many identical consecutive readings mean the sensor is stuck
    (0: a constant value is normal for the kind, e.g. a smoke detector at zero).
    """

    kind: SensorKind
    unit: str
    min_value: float
    max_value: float
    interval_s: float
    stuck_samples: int
    observed_property: str


@dataclass(frozen=True, slots=True)
class Sensor:
    """The instrument (make and model) behind a datastream."""

    id: str
    name: str
    description: str
    encoding_type: str
    metadata: str
    organisation_id: str
    path: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Thing:
    """A device registered to an organisation and placed in an area at a location."""

    id: str
    name: str
    description: str
    organisation_id: str
    path: str
    area_id: str | None
    location: Point | None
    properties: dict[str, str]
    created_at: datetime
    exercise: bool = False


@dataclass(frozen=True, slots=True)
class Datastream:
    """One observed property of one thing, in a unit, within a physical range."""

    id: str
    thing_id: str
    sensor_id: str | None
    name: str
    kind: SensorKind
    unit: str
    min_value: float
    max_value: float
    interval_s: float
    organisation_id: str
    path: str
    area_id: str | None
    feature_of_interest: Point | None
    created_at: datetime
    # assigned by the store at registration (0 until then): an integer unique among
    # datastreams, never changed or reused; the observation table is keyed by it
    number: int = 0

    def stream_info(self) -> StreamInfo:
        at = self.feature_of_interest
        return StreamInfo(
            datastream_id=self.id,
            thing_id=self.thing_id,
            organisation_id=self.organisation_id,
            kind=self.kind,
            unit=self.unit,
            area_id=self.area_id,
            lon=at.lon if at else None,
            lat=at.lat if at else None,
        )


@dataclass(frozen=True, slots=True)
class StreamLimits:
    """What ingest validation needs per datastream, keyed by datastream id."""

    thing_id: str
    path: str
    min_value: float
    max_value: float


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """A device's credential: only the hash and a lookup prefix are stored."""

    id: str
    thing_id: str
    prefix: str
    key_hash: str
    created_at: datetime
    active: bool = True


class HealthStatus(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # never reported yet, still within its first expected interval


class Fault(StrEnum):
    """Faults of a datastream that device health watches besides silence."""

    STUCK = "stuck"  # the same value for more samples than the kind allows
    OUT_OF_RANGE = "out_of_range"  # readings outside the kind's physical range were rejected


@dataclass(frozen=True, slots=True)
class ThingHealth:
    """The last assessed health of a thing, as stored between checks."""

    thing_id: str
    status: HealthStatus
    since: datetime
    last_seen_at: datetime | None
    faults: dict[str, tuple[str, ...]] = field(default_factory=dict)  # datastream id → faults


@dataclass(frozen=True, slots=True)
class StreamActivity:
    """What a health check reads per datastream: when it last reported, its latest values
    (newest first) and how many readings of it were rejected as out of range recently."""

    datastream_id: str
    thing_id: str
    kind: SensorKind
    interval_s: float
    last_seen_at: datetime | None
    recent_values: tuple[float, ...]
    out_of_range_recent: int


class MonitoringRepository(Protocol):
    """Port for things, datastreams, keys, observations and health (implemented in ``store``)."""

    def add_sensor(self, sensor: Sensor) -> None: ...

    def get_sensor(self, sensor_id: str) -> Sensor | None: ...

    def list_sensors(self, scope_paths: Sequence[str]) -> list[Sensor]: ...

    def add_thing(self, thing: Thing) -> None: ...

    def get_thing(self, thing_id: str) -> Thing | None: ...

    def list_things(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Thing], int]: ...

    def add_datastream(self, stream: Datastream) -> int:
        """Store ``stream`` and return the number assigned to it."""
        ...

    def get_datastream(self, datastream_id: str) -> Datastream | None: ...

    def list_datastreams(
        self, scope_paths: Sequence[str], thing_id: str | None, limit: int, offset: int
    ) -> tuple[list[Datastream], int]: ...

    def datastreams_by_id(self, ids: Sequence[str]) -> dict[str, Datastream]: ...

    def exercise_things(self, thing_ids: Sequence[str]) -> set[str]: ...

    def add_device_key(self, key: DeviceKey) -> None: ...

    def device_key_by_prefix(self, prefix: str) -> DeviceKey | None: ...

    def revoke_device_keys(self, thing_id: str) -> int: ...

    def insert_observations(
        self,
        batch_id: str,
        datastream_numbers: Sequence[int],
        phenomenon_time_us: Sequence[int],
        values: Sequence[float],
        received_at_us: int,
    ) -> list[int]: ...

    def quarantine(self, rows: Sequence[QuarantinedRow]) -> None: ...

    def list_quarantine(
        self, scope_paths: Sequence[str], thing_id: str | None, limit: int, offset: int
    ) -> tuple[list[QuarantinedRow], int]: ...

    def list_observations(
        self, datastream_number: int, since_us: int | None, limit: int
    ) -> list[tuple[int, float, int]]: ...

    def activity(
        self,
        scope_paths: Sequence[str],
        recent: Mapping[SensorKind, int],
        out_of_range_since: datetime,
    ) -> list[StreamActivity]: ...

    def health_of(self, thing_ids: Sequence[str]) -> dict[str, ThingHealth]: ...

    def save_health(self, health: ThingHealth) -> None: ...


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A rejected observation, kept with its reason for inspection and replay."""

    batch_id: str
    row_index: int
    reason: str
    detail: str
    raw: str
    received_at: datetime
    source: str  # http, mqtt, feed
    writer: str  # the actor that sent it (``service:<thing id>`` for a device key)
    datastream_id: str | None = None
    thing_id: str | None = None
    path: str | None = None
    id: int | None = None


MONITORING: RepoKey[MonitoringRepository] = RepoKey("monitoring")
