"""Reserve personnel: responders, certifications that expire, and the reach search.

"Who can reach the park within 30 minutes with a hazmat certification" is: responders who are
available and on duty at the moment asked (their duty roster), hold the certification unexpired
on that day, and whose home base is within ``within_min`` at ``speed_kmh`` great-circle
(``eta_min = distance_m / (speed_kmh · 1000/60)``), nearest first.

A **duty roster** is a weekly pattern of shifts in local time (China Standard Time, UTC+08:00, by
default) plus leave periods. A shift may run past midnight (22:00–06:00 belongs to the day it
starts). A responder without a roster is on duty whenever the availability flag is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

import numpy as np

from lifeline.kernel.geo import Point
from lifeline.reserves.gaps import FloatArray, haversine_m, travel_time_min


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
class Shift:
    """A weekly shift: ``weekday`` 0 = Monday … 6 = Sunday, from ``start`` to ``end`` local time;
    ``end`` ≤ ``start`` means it ends the next day."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) … 6 (Sunday)")

    def covers(self, local: datetime) -> bool:
        """Whether the local (naive) moment falls in this shift of its week."""
        for back in (0, 1):  # a shift that started yesterday may still be running
            day = local.date() - timedelta(days=back)
            if day.weekday() != self.weekday:
                continue
            begins = datetime.combine(day, self.start)
            ends = datetime.combine(day, self.end)
            if ends <= begins:
                ends += timedelta(days=1)
            if begins <= local < ends:
                return True
        return False


@dataclass(frozen=True, slots=True)
class Leave:
    """Off duty from ``starts_at`` (inclusive) to ``ends_at`` (exclusive), timezone-aware."""

    starts_at: datetime
    ends_at: datetime
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    shifts: tuple[Shift, ...]
    leave: tuple[Leave, ...] = ()
    utc_offset_min: int = 480  # China Standard Time

    def on_duty(self, at: datetime) -> bool:
        """On a shift at ``at`` (timezone-aware) and not on leave."""
        if any(item.starts_at <= at < item.ends_at for item in self.leave):
            return False
        local = at.astimezone(timezone(timedelta(minutes=self.utc_offset_min))).replace(tzinfo=None)
        return any(shift.covers(local) for shift in self.shifts)

    def hours_per_week(self) -> float:
        total = 0.0
        for shift in self.shifts:
            begins = datetime.combine(date(2000, 1, 3), shift.start)
            ends = datetime.combine(date(2000, 1, 3), shift.end)
            if ends <= begins:
                ends += timedelta(days=1)
            total += (ends - begins).total_seconds() / 3600
        return total


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
    roster: Roster | None = None

    def certified(self, name: str, day: date) -> bool:
        return any(c.name == name and c.valid_on(day) for c in self.certifications)

    def available_at(self, at: datetime) -> bool:
        """Available flag on, and on duty at ``at`` when a roster is kept."""
        return self.available and (self.roster is None or self.roster.on_duty(at))


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
    at: datetime,
    speed_kmh: float = 40.0,
    certification: str | None = None,
    skill: str | None = None,
    include_unavailable: bool = False,
    eta: Callable[[list[Responder]], FloatArray] | None = None,
) -> list[Reach]:
    """Responders meeting the filters who reach ``target`` within ``within_min``, nearest first;
    availability and certifications are judged at ``at`` (timezone-aware). Travel minutes come
    from ``eta`` (e.g. road travel times for the candidates) or, without it, great-circle
    distance at ``speed_kmh``."""
    today = at.date()
    pool = [
        r
        for r in responders
        if (include_unavailable or r.available_at(at))
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
    minutes = eta(pool) if eta is not None else travel_time_min(dist, speed_kmh)
    found = [
        Reach(r, float(d), float(t))
        for r, d, t in zip(pool, dist, minutes, strict=True)
        if t <= within_min
    ]
    return sorted(found, key=lambda x: (x.eta_min, x.responder.name))


@dataclass(frozen=True, slots=True)
class CertificationAlarm:
    responder_id: str
    responder_name: str
    team: str
    certification: str
    expires_on: date
    days_left: int
    severity: str  # "expired" | "critical" (≤ 30 days) | "warning"


def certification_alarms(
    responders: list[Responder], today: date, within_days: int
) -> list[CertificationAlarm]:
    """Certifications expired or expiring within ``within_days`` of ``today``, soonest first.

    A certification is valid through its expiry day, so ``days_left`` = expires_on − today and
    it is *expired* when days_left < 0; *critical* within 30 days; *warning* beyond.
    """
    found = []
    for r in responders:
        for c in r.certifications:
            if c.expires_on is None:
                continue
            days_left = (c.expires_on - today).days
            if days_left > within_days:
                continue
            severity = "expired" if days_left < 0 else "critical" if days_left <= 30 else "warning"
            found.append(
                CertificationAlarm(r.id, r.name, r.team, c.name, c.expires_on, days_left, severity)
            )
    return sorted(found, key=lambda a: (a.days_left, a.responder_name, a.certification))
