"""Monitoring events (past tense). ``DeviceWentOffline`` and ``DeviceCameBack`` are read by
early warning (offline alarms) and the dashboard: keep their fields stable and add new ones
only with defaults. Observations themselves are never events (see ``batch``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class SensorRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "sensor"
    name: str


@dataclass(frozen=True, kw_only=True)
class ThingRegistered(DomainEvent):
    """A device was registered; ``aggregate_id`` is the thing id."""

    aggregate_type: ClassVar[str] = "thing"
    name: str
    area_id: str | None
    lon: float | None
    lat: float | None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class DatastreamCreated(DomainEvent):
    """A thing gained a datastream; ``aggregate_id`` is the datastream id."""

    aggregate_type: ClassVar[str] = "datastream"
    thing_id: str
    name: str
    kind: str
    unit: str
    min_value: float
    max_value: float
    interval_s: float


@dataclass(frozen=True, kw_only=True)
class DeviceKeyIssued(DomainEvent):
    """A new device key replaced any earlier one; only its lookup prefix is recorded."""

    aggregate_type: ClassVar[str] = "thing"
    key_id: str
    prefix: str
    revoked: int


@dataclass(frozen=True, kw_only=True)
class DeviceWentOffline(DomainEvent):
    """A thing has not reported for longer than its expected interval times the grace factor;
    ``aggregate_id`` is the thing id, ``last_seen_at`` an ISO time or None when it never
    reported."""

    aggregate_type: ClassVar[str] = "thing"
    name: str
    last_seen_at: str | None
    silent_s: float
    expected_interval_s: float
    area_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class DeviceCameBack(DomainEvent):
    """An offline thing reported again; ``aggregate_id`` is the thing id."""

    aggregate_type: ClassVar[str] = "thing"
    name: str
    offline_s: float
    area_id: str | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class DatastreamFaultRaised(DomainEvent):
    """A datastream shows a fault (``stuck``, ``out_of_range``); ``aggregate_id`` is the thing."""

    aggregate_type: ClassVar[str] = "thing"
    datastream_id: str
    fault: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class DatastreamFaultCleared(DomainEvent):
    aggregate_type: ClassVar[str] = "thing"
    datastream_id: str
    fault: str
