"""CAP 1.2 message as plain values: ``CapAlert`` → ``CapInfo`` → ``CapResource`` / ``CapArea``.

Field names follow the OASIS CAP 1.2 element names in snake case. Date-times are aware
datetimes (CAP always carries an offset). Coordinates are kept in CAP order, ``(lat, lon)``
in WGS84 degrees, because that is what the format writes; convert at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"


class CapStatus(StrEnum):
    ACTUAL = "Actual"
    EXERCISE = "Exercise"
    SYSTEM = "System"
    TEST = "Test"
    DRAFT = "Draft"


class CapMsgType(StrEnum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"
    ACK = "Ack"
    ERROR = "Error"


class CapScope(StrEnum):
    PUBLIC = "Public"
    RESTRICTED = "Restricted"
    PRIVATE = "Private"


class CapCategory(StrEnum):
    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


class CapResponseType(StrEnum):
    SHELTER = "Shelter"
    EVACUATE = "Evacuate"
    PREPARE = "Prepare"
    EXECUTE = "Execute"
    AVOID = "Avoid"
    MONITOR = "Monitor"
    ASSESS = "Assess"
    ALL_CLEAR = "AllClear"
    NONE = "None"


class CapUrgency(StrEnum):
    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class CapSeverity(StrEnum):
    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"
    UNKNOWN = "Unknown"


class CapCertainty(StrEnum):
    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


@dataclass(frozen=True, slots=True)
class NamedValue:
    """A ``valueName``/``value`` pair (``eventCode``, ``parameter``, ``geocode``)."""

    value_name: str
    value: str


@dataclass(frozen=True, slots=True)
class CapCircle:
    """A circle: centre ``(lat, lon)`` in degrees and ``radius_km`` (CAP: ``"lat,lon radius"``)."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class CapArea:
    area_desc: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()  # rings of (lat, lon), closed
    circles: tuple[CapCircle, ...] = ()
    geocodes: tuple[NamedValue, ...] = ()
    altitude_ft: float | None = None  # CAP states altitude and ceiling in feet above sea level
    ceiling_ft: float | None = None


@dataclass(frozen=True, slots=True)
class CapResource:
    resource_desc: str
    mime_type: str
    size_bytes: int | None = None
    uri: str | None = None
    deref_uri: str | None = None
    digest: str | None = None  # SHA-1 hex of the resource


@dataclass(frozen=True, slots=True)
class CapInfo:
    categories: tuple[CapCategory, ...]
    event: str
    urgency: CapUrgency
    severity: CapSeverity
    certainty: CapCertainty
    language: str = "en-US"  # CAP's default when the element is absent
    response_types: tuple[CapResponseType, ...] = ()
    audience: str | None = None
    event_codes: tuple[NamedValue, ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str | None = None
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None
    parameters: tuple[NamedValue, ...] = ()
    resources: tuple[CapResource, ...] = ()
    areas: tuple[CapArea, ...] = ()

    def parameter(self, name: str) -> str | None:
        """The value of the first ``parameter`` called ``name``, if any."""
        return next((p.value for p in self.parameters if p.value_name == name), None)


@dataclass(frozen=True, slots=True)
class CapReference:
    """One entry of ``references``: the earlier message's ``sender,identifier,sent``."""

    sender: str
    identifier: str
    sent: datetime


@dataclass(frozen=True, slots=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    status: CapStatus
    msg_type: CapMsgType
    scope: CapScope
    source: str | None = None
    restriction: str | None = None
    addresses: str | None = None
    codes: tuple[str, ...] = ()
    note: str | None = None
    references: tuple[CapReference, ...] = ()
    incidents: str | None = None
    infos: tuple[CapInfo, ...] = ()

    @property
    def is_public_real(self) -> bool:
        """Whether this message may reach the public: ``Actual`` status and ``Public`` scope."""
        return self.status is CapStatus.ACTUAL and self.scope is CapScope.PUBLIC
