"""Bulk-import parsing: GeoJSON FeatureCollections and facility CSVs into commands or row errors.

Pure functions: they read text or bytes and return every row as a command together with every
problem found, each naming its row and field (``features[3].geometry``, ``rows[7].lon``). The
owner column is kept raw (an organisation id or an admin code); the service resolves it, checks
scope and uniqueness, and writes all rows or none.
"""

from __future__ import annotations

from lifeline.registry.importers._decode import decode_text, load_json
from lifeline.registry.importers._rows import (
    ADMIN_CODE_RE,
    AREA_FIELDS,
    FACILITY_FIELDS,
    FACILITY_KIND_ALIASES,
    MAX_ROWS,
    OWNER_ALIASES,
    PHONE_RE,
    ImportRow,
    ParsedImport,
)
from lifeline.registry.importers.csv_rows import CSV_REQUIRED, parse_facilities_csv
from lifeline.registry.importers.geojson_features import (
    geometry_to_wgs84,
    parse_geojson,
    parse_geojson_areas,
    parse_geojson_facilities,
)

__all__ = [
    "ADMIN_CODE_RE",
    "AREA_FIELDS",
    "CSV_REQUIRED",
    "FACILITY_FIELDS",
    "FACILITY_KIND_ALIASES",
    "MAX_ROWS",
    "OWNER_ALIASES",
    "PHONE_RE",
    "ImportRow",
    "ParsedImport",
    "decode_text",
    "geometry_to_wgs84",
    "load_json",
    "parse_facilities_csv",
    "parse_geojson",
    "parse_geojson_areas",
    "parse_geojson_facilities",
]
