"""Tables and the repository of the incidents context."""

from lifeline.incidents.store.repository import SqlIncidentsRepository
from lifeline.incidents.store.tables import (
    groups,
    incidents,
    merge_candidates,
    photos,
    rejections,
    reports,
    sitreps,
    timeline_refs,
)

__all__ = [
    "SqlIncidentsRepository",
    "groups",
    "incidents",
    "merge_candidates",
    "photos",
    "rejections",
    "reports",
    "sitreps",
    "timeline_refs",
]
