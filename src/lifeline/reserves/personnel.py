"""Reserve personnel: responders, certifications that expire, and the reach search.

"Who can reach the park within 30 minutes with a hazmat certification" is: responders who are
available, hold the certification unexpired on the day asked, and whose home base is within
``within_min`` at ``speed_kmh`` great-circle (``eta_min = distance_m / (speed_kmh · 1000/60)``),
nearest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import numpy as np

from lifeline.kernel.geo import Point
from lifeline.reserves.gaps import haversine_m, travel_time_min


class PersonnelKind(StrEnum):
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"
    VOLUNTEER = "volunteer"


@dataclass(frozen=True, slots=True)
class Certification:
    name: str  # e.g. "hazmat", "rope-rescue", "first-aid"
    expires_on: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.expires_on is None or self.expires_on >= day


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    on: date
    title: str
    hours: float
    drill: bool = False


@dataclass(frozen=True, slots=True)
class Responder:
    """A member of a rescue team or the reserve pool, owned by an organisation."""

    id: str
    name: str
    organisation_id: str
    path: str
    kind: PersonnelKind
    team: str
    skills: tuple[str, ...]
    certifications: tuple[Certification, ...]
    equipment: tuple[str, ...]
    home_base: Point
    available: bool
    created_at: datetime
    training: tuple[TrainingRecord, ...] = ()

    def certified(self, name: str, day: date) -> bool:
        return any(c.name == name and c.valid_on(day) for c in self.certifications)


@dataclass(frozen=True, slots=True)
class Reach:
    responder: Responder
    distance_m: float
    eta_min: float


def who_can_reach(
    responders: list[Responder],
    target: Point,
    *,
    within_min: float,
    speed_kmh: float,
    today: date,
    certification: str | None = None,
    skill: str | None = None,
    include_unavailable: bool = False,
) -> list[Reach]:
    """Responders meeting the filters who reach ``target`` within ``within_min``, nearest first."""
    pool = [
        r
        for r in responders
        if (include_unavailable or r.available)
        and (certification is None or r.certified(certification, today))
        and (skill is None or skill in r.skills)
    ]
    if not pool:
        return []
    dist = haversine_m(
        np.array([r.home_base.lon for r in pool]),
        np.array([r.home_base.lat for r in pool]),
        np.array([target.lon]),
        np.array([target.lat]),
    )[:, 0]
    eta = travel_time_min(dist, speed_kmh)
    found = [
        Reach(r, float(d), float(t))
        for r, d, t in zip(pool, dist, eta, strict=True)
        if t <= within_min
    ]
    return sorted(found, key=lambda x: (x.eta_min, x.responder.name))
