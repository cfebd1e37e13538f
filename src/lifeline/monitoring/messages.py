"""Commands and queries of the monitoring context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.kernel.geo import Point
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.formats import ParsedRows
from lifeline.security.model import Permission

R, W = Permission.SENSOR_READ, Permission.SENSOR_WRITE


@dataclass(frozen=True, kw_only=True)
class RegisterSensor(Command):
    """A make and model of instrument (SensorThings Sensor)."""

    permission: ClassVar[str] = W
    name: str
    organisation_id: str
    description: str = ""
    encoding_type: str = "text/plain"
    metadata: str = ""


@dataclass(frozen=True, kw_only=True)
class ListSensors(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class RegisterThing(Command):
    """A device owned by an organisation, placed in an area at a location."""

    permission: ClassVar[str] = W
    name: str
    organisation_id: str
    area_id: str | None = None
    location: Point | None = None
    description: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class GetThing(Query):
    permission: ClassVar[str] = R
    thing_id: str


@dataclass(frozen=True, kw_only=True)
class ListThings(Query):
    permission: ClassVar[str] = R
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class CreateDatastream(Command):
    """A datastream of a thing; unit, range and interval default to the kind's (``kinds.yaml``);
    a narrower range may be given, never a wider one."""

    permission: ClassVar[str] = W
    thing_id: str
    name: str
    kind: SensorKind
    sensor_id: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    interval_s: float | None = None
    feature_of_interest: Point | None = None


@dataclass(frozen=True, kw_only=True)
class GetDatastream(Query):
    permission: ClassVar[str] = R
    datastream_id: str


@dataclass(frozen=True, kw_only=True)
class ListDatastreams(Query):
    permission: ClassVar[str] = R
    thing_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class IssueDeviceKey(Command):
    """Issue a new key for a thing (earlier keys are revoked); the key is returned once."""

    permission: ClassVar[str] = W
    thing_id: str


@dataclass(frozen=True, kw_only=True)
class IngestObservations(Command):
    """Store a batch of parsed observations (see ``formats``); ``source`` is ``http``,
    ``mqtt`` or ``feed``."""

    permission: ClassVar[str] = W
    rows: ParsedRows
    source: str = "http"


@dataclass(frozen=True, kw_only=True)
class ListObservations(Query):
    permission: ClassVar[str] = R
    datastream_id: str
    since_s: float | None = None
    limit: int = 1000


@dataclass(frozen=True, kw_only=True)
class ListQuarantine(Query):
    permission: ClassVar[str] = R
    thing_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class CheckDeviceHealth(Command):
    """Assess every thing in the caller's scope: offline, back, stuck or out-of-range streams."""

    permission: ClassVar[str] = W


@dataclass(frozen=True, kw_only=True)
class DeviceHealthReport(Query):
    """The stored health of every thing in the caller's scope."""

    permission: ClassVar[str] = R
