"""Registry tables (SQLAlchemy Core) and the repository that maps rows to domain objects.

Geometry is stored as GeoJSON text with bounding-box columns (areas) or ``lon``/``lat`` columns
(facilities), indexed, so that spatial queries prefilter in SQL on every backend and finish in
Python (haversine distance, shapely ``covers``). On PostgreSQL with PostGIS the migration adds a
generated ``geom`` column with a GIST index and the queries use ``ST_Covers`` / ``ST_DWithin``
on geography (spherical, like the Python path) instead.
"""

from __future__ import annotations

from lifeline.registry.store._spatial import METRES_PER_DEGREE_LAT, radius_bbox
from lifeline.registry.store.repository import SqlRegistryRepository
from lifeline.registry.store.tables import (
    AREAS,
    FACILITIES,
    ORGANISATIONS,
    areas,
    facilities,
    organisations,
)

__all__ = [
    "AREAS",
    "FACILITIES",
    "METRES_PER_DEGREE_LAT",
    "ORGANISATIONS",
    "SqlRegistryRepository",
    "areas",
    "facilities",
    "organisations",
    "radius_bbox",
]
