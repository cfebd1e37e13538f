"""When a situation report is due. Pure.

An active incident of grade g needs a situation report every T_g minutes (``grading.yaml``,
e.g. grade I every 30 min): it is **due** at t_due = (last report, or opening when none) + T_g.
A reminder is raised once per due time: not again while ``reminded_at ≥ t_due``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from lifeline.incidents.model import ACTIVE, Grade, Incident


@dataclass(frozen=True, slots=True)
class SitrepDueness:
    incident_id: str
    due_at: datetime
    overdue_s: float
    interval_min: int


def due_at(incident: Incident, intervals: Mapping[Grade, int]) -> datetime:
    since = incident.last_sitrep_at or incident.opened_at
    return since + timedelta(minutes=intervals[incident.grade])


def reminders_due(
    incidents: list[Incident], intervals: Mapping[Grade, int], now: datetime
) -> list[SitrepDueness]:
    """The active incidents whose situation report is due at ``now`` and not yet reminded."""
    out = []
    for incident in incidents:
        if incident.status not in ACTIVE:
            continue
        due = due_at(incident, intervals)
        if due > now:
            continue
        if incident.sitrep_reminded_at is not None and incident.sitrep_reminded_at >= due:
            continue
        out.append(
            SitrepDueness(
                incident_id=incident.id,
                due_at=due,
                overdue_s=(now - due).total_seconds(),
                interval_min=intervals[incident.grade],
            )
        )
    return out
