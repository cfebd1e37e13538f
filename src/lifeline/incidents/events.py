"""Incident events (past tense). ``IncidentOpened``, ``IncidentGraded`` and
``IncidentStatusChanged`` are read by other contexts (plans activate on a grade; dispatch keeps
its view of where incidents are and how grave they are): keep their fields stable and add new
ones only with defaults. ``aggregate_id`` is always the incident id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class IncidentOpened(DomainEvent):
    """A new main incident. ``category`` is the GB/T 35561 top category (``natural``,
    ``accident``, ``public_health``, ``social_security``), ``incident_type`` the subtype code;
    ``source`` how it came in (``call``, ``citizen``, ``alarm``, ``department``)."""

    aggregate_type: ClassVar[str] = "incident"
    title: str
    category: str
    incident_type: str
    source: str
    lon: float
    lat: float
    area_id: str | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentGraded(DomainEvent):
    """The incident's grade was set or changed: ``grade`` ``I`` (particularly serious) … ``IV``
    (general); ``previous_grade`` None the first time; ``reason`` the criterion that decided or
    the commander's justification when ``overridden``."""

    aggregate_type: ClassVar[str] = "incident"
    grade: str
    previous_grade: str | None
    reason: str
    overridden: bool
    category: str
    incident_type: str
    lon: float
    lat: float
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentStatusChanged(DomainEvent):
    """A lifecycle step: ``reported → verified → responding → stabilised → closed → reviewed``."""

    aggregate_type: ClassVar[str] = "incident"
    status: str
    previous_status: str
    note: str = ""
