"""Row filters of sharing agreements: which records a grantee sees (pure).

A filter keeps a record when every condition it sets holds:

- ``area`` (a GeoJSON Polygon/MultiPolygon): the record's point field lies inside it (boundary
  included); a record without a point is not shared;
- ``time_field`` with ``since`` (inclusive) and/or ``until`` (exclusive): that field's time lies
  in the window; a record without that time is not shared.

Fields are masked and cut to the agreed ones after the filter, so a filter may use a field the
grantee does not see (e.g. the exact location).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import shapely
import shapely.geometry
from shapely.prepared import prep

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Area
from lifeline.sharing.standard import FieldType, RecordSpec


@dataclass(frozen=True, slots=True)
class RowFilter:
    area: Area | None = None
    point_field: str | None = None
    time_field: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "area": self.area.to_geojson() if self.area else None,
            "point_field": self.point_field,
            "time_field": self.time_field,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> RowFilter:
        return cls(
            area=Area(doc["area"]) if doc.get("area") else None,
            point_field=doc.get("point_field"),
            time_field=doc.get("time_field"),
            since=datetime.fromisoformat(doc["since"]) if doc.get("since") else None,
            until=datetime.fromisoformat(doc["until"]) if doc.get("until") else None,
        )


def checked_filter(
    spec: RecordSpec,
    *,
    area: object | None = None,
    time_field: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> RowFilter | None:
    """A filter for records of ``spec``, or None when nothing is set; refuses what cannot work."""
    if area is None and time_field is None and since is None and until is None:
        return None
    shape = Area.from_geojson(area, "row_filter.area") if area is not None else None
    point_field = None
    if shape is not None:
        points = [f.name for f in spec.fields if f.type is FieldType.POINT]
        if not points:
            raise InvalidInput("row_filter.area", f"{spec.type} records have no location")
        point_field = points[0]
    if (since is not None or until is not None) and time_field is None:
        raise InvalidInput("row_filter.time_field", "name the time field the window applies to")
    if time_field is not None:
        field = spec.field(time_field)
        if field is None or field.type not in (FieldType.DATETIME, FieldType.DATE):
            raise InvalidInput("row_filter.time_field", f"not a time field of {spec.type}")
        if since is None and until is None:
            raise InvalidInput("row_filter.since", "give since and/or until")
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise InvalidInput(f"row_filter.{name}", "needs a UTC offset")
    if since is not None and until is not None and until <= since:
        raise InvalidInput("row_filter.until", "must be after since")
    return RowFilter(shape, point_field, time_field, since, until)


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            return _time(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


class RowMatcher:
    """A filter ready to test many records (the polygon prepared once)."""

    def __init__(self, row_filter: RowFilter) -> None:
        self._filter = row_filter
        self._area = (
            prep(shapely.geometry.shape(row_filter.area.geojson)) if row_filter.area else None
        )

    def __call__(self, data: Mapping[str, Any]) -> bool:
        f = self._filter
        if self._area is not None:
            point = data.get(f.point_field or "")
            if not isinstance(point, Mapping):
                return False
            if not self._area.covers(shapely.Point(point["lon"], point["lat"])):
                return False
        if f.time_field is not None:
            at = _time(data.get(f.time_field))
            if at is None:
                return False
            if f.since is not None and at < f.since:
                return False
            if f.until is not None and at >= f.until:
                return False
        return True
