"""GeoJSON FeatureCollections: one area (Polygon/MultiPolygon) or facility (Point) per Feature."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lifeline.kernel.coords import CoordinateSystem, to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import Area, Point
from lifeline.registry.importers._decode import load_json
from lifeline.registry.importers._rows import (
    AREA_FIELDS,
    FACILITY_FIELDS,
    MAX_ROWS,
    ImportRow,
    ParsedImport,
    RowReader,
    allowed_values,
    facility_command,
)
from lifeline.registry.model import (
    MAX_NAME_LENGTH,
    AreaLevel,
    DefineArea,
    ImportTarget,
    RegisterFacility,
)


def _is_position(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) in (2, 3)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def geometry_to_wgs84(geometry: Any, crs: CoordinateSystem) -> Any:
    """Convert every position of a GeoJSON geometry from ``crs`` to WGS84.

    Positions outside the valid lon/lat ranges are left untouched for validation to report.
    """
    if crs is CoordinateSystem.WGS84 or not isinstance(geometry, Mapping):
        return geometry

    def convert(value: Any) -> Any:
        if _is_position(value):
            lon, lat = float(value[0]), float(value[1])
            if -180 <= lon <= 180 and -90 <= lat <= 90:
                p = to_wgs84(lon, lat, crs)
                return [p.lon, p.lat]
            return value
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return {**geometry, "coordinates": convert(geometry.get("coordinates"))}


def _features(doc: Any) -> list[Any]:
    if not isinstance(doc, Mapping):
        raise InvalidInput("body", "must be a GeoJSON FeatureCollection object")
    if doc.get("type") != "FeatureCollection":
        raise InvalidInput("type", "must be 'FeatureCollection'")
    features = doc.get("features")
    if not isinstance(features, list):
        raise InvalidInput("features", "must be an array of Features")
    if not features:
        raise InvalidInput("features", "is empty; nothing to import")
    if len(features) > MAX_ROWS:
        raise InvalidInput("features", f"more than {MAX_ROWS} features; split the file")
    return features


def _feature(feature: Any, prefix: str) -> tuple[Any, Mapping[str, Any]] | FieldProblem:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return FieldProblem(prefix, "must be a GeoJSON Feature object")
    props = feature.get("properties") or {}
    if not isinstance(props, Mapping):
        return FieldProblem(f"{prefix}.properties", "must be an object")
    return feature.get("geometry"), props


def _attributes(row: RowReader, known: frozenset[str]) -> dict[str, Any]:
    extra = {k: v for k, v in row.values.items() if k not in known and k != "attributes"}
    nested = row.values.get("attributes")
    if nested is not None and not isinstance(nested, Mapping):
        row.fail("attributes", "must be an object")
    elif nested is not None:
        extra.update(nested)
    return extra


def parse_geojson_areas(
    content: Any, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> ParsedImport[DefineArea]:
    """Each Feature: a Polygon/MultiPolygon and properties ``name, level, owner`` (required),
    ``admin_code, population`` (optional); other properties go to ``attributes``."""
    parsed: ParsedImport[DefineArea] = ParsedImport()
    for i, feature in enumerate(_features(load_json(content))):
        prefix = f"features[{i}]"
        got = _feature(feature, prefix)
        if isinstance(got, FieldProblem):
            parsed.problems.append(got)
            continue
        geometry, props = got
        row = RowReader(f"{prefix}.properties", props)
        boundary: Area | None = None
        try:
            boundary = Area.from_geojson(geometry_to_wgs84(geometry, crs), f"{prefix}.geometry")
        except InvalidInput as exc:
            parsed.problems += exc.problems
        name = row.text("name", required=True, max_len=MAX_NAME_LENGTH)
        level = row.choice("level", AreaLevel, required=True, allowed=allowed_values(AreaLevel))
        admin_code = row.admin_code()
        population = row.integer("population")
        owner = row.owner()
        attributes = _attributes(row, AREA_FIELDS)
        parsed.problems += row.problems
        if row.problems or boundary is None or name is None or level is None or owner is None:
            continue
        parsed.rows.append(
            ImportRow(
                prefix,
                owner,
                DefineArea(
                    name=name,
                    level=level,
                    organisation_id="",
                    boundary=boundary,
                    admin_code=admin_code,
                    population=population,
                    attributes=attributes,
                ),
            )
        )
    return parsed


def parse_geojson_facilities(
    content: Any, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> ParsedImport[RegisterFacility]:
    """Each Feature: a Point and the same properties as a CSV row (see
    :func:`parse_facilities_csv`); other properties go to ``attributes``."""
    parsed: ParsedImport[RegisterFacility] = ParsedImport()
    for i, feature in enumerate(_features(load_json(content))):
        prefix = f"features[{i}]"
        got = _feature(feature, prefix)
        if isinstance(got, FieldProblem):
            parsed.problems.append(got)
            continue
        geometry, props = got
        row = RowReader(f"{prefix}.properties", props)
        location: Point | None = None
        try:
            raw = Point.from_geojson(
                geometry if isinstance(geometry, Mapping) else {}, f"{prefix}.geometry"
            )
            location = to_wgs84(raw.lon, raw.lat, crs)
        except InvalidInput as exc:
            parsed.problems += exc.problems
        result = facility_command(row, location, crs, _attributes(row, FACILITY_FIELDS))
        parsed.problems += row.problems
        if result is not None:
            parsed.rows.append(ImportRow(prefix, result[0], result[1]))
    return parsed


def parse_geojson(
    content: Any,
    target: ImportTarget,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> ParsedImport[DefineArea] | ParsedImport[RegisterFacility]:
    if target is ImportTarget.AREAS:
        return parse_geojson_areas(content, crs)
    return parse_geojson_facilities(content, crs)
