"""Bulk-import parsing: GeoJSON FeatureCollections and facility CSVs into commands or row errors.

Pure functions: they read text or bytes and return every row as a command together with every
problem found, each naming its row and field (``features[3].geometry``, ``rows[7].lon``). The
owner column is kept raw (an organisation id or an admin code); the service resolves it, checks
scope and uniqueness, and writes all rows or none.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from lifeline.kernel.coords import CoordinateSystem, to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import Area, Point
from lifeline.registry.model import (
    DEFAULT_CAPACITY_UNIT,
    MAX_NAME_LENGTH,
    AreaLevel,
    CapacityUnit,
    DefineArea,
    FacilityKind,
    ImportTarget,
    RegisterFacility,
)

MAX_ROWS = 10_000
C = TypeVar("C", DefineArea, RegisterFacility)

FACILITY_KIND_ALIASES: Mapping[str, FacilityKind] = {
    "医院": FacilityKind.HOSPITAL,
    "消防站": FacilityKind.FIRE_STATION,
    "派出所": FacilityKind.POLICE_STATION,
    "公安派出所": FacilityKind.POLICE_STATION,
    "避难场所": FacilityKind.SHELTER,
    "应急避难场所": FacilityKind.SHELTER,
    "物资储备库": FacilityKind.DEPOT,
    "储备库": FacilityKind.DEPOT,
    "危险源": FacilityKind.HAZARD_SOURCE,
    "重大危险源": FacilityKind.HAZARD_SOURCE,
}

CSV_REQUIRED = ("name", "kind", "lon", "lat", "owner")
OWNER_ALIASES = ("owner", "organisation_id", "owner_admin_code")
FACILITY_FIELDS = frozenset(
    {
        "name",
        "kind",
        "lon",
        "lat",
        "capacity",
        "capacity_unit",
        "address",
        "contact_name",
        "contact_phone",
        *OWNER_ALIASES,
    }
)
AREA_FIELDS = frozenset({"name", "level", "admin_code", "population", *OWNER_ALIASES})
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,30}$")
ADMIN_CODE_RE = re.compile(r"^[0-9]{6}([0-9]{3}){0,2}$")


@dataclass(frozen=True, slots=True)
class ImportRow(Generic[C]):
    """One parsed record: ``field`` is its prefix (``rows[3]``), ``owner`` the raw owner ref.

    ``command.organisation_id`` is empty until the service resolves ``owner``.
    """

    field: str
    owner: str
    command: C


@dataclass(slots=True)
class ParsedImport(Generic[C]):
    rows: list[ImportRow[C]] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


class _Row:
    """Collects the problems of one record while its fields are converted."""

    def __init__(self, prefix: str, values: Mapping[str, Any], suffix: str = "") -> None:
        self.prefix = prefix
        self.values = values
        self.suffix = suffix
        self.problems: list[FieldProblem] = []

    def fail(self, name: str, reason: str) -> None:
        self.problems.append(
            FieldProblem(f"{self.prefix}.{name}" if name else self.prefix, reason + self.suffix)
        )

    def raw(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = 500) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be text")
            return None
        if len(value) > max_len:
            self.fail(name, f"must be at most {max_len} characters")
            return None
        return value

    def integer(self, name: str) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"[0-9]+", value):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.fail(name, "must be a whole number ≥ 0")
        return None

    def number(self, name: str) -> float | None:
        value = self.raw(name)
        if value is None:
            self.fail(name, "is required")
            return None
        try:
            number = float(value) if isinstance(value, str | int | float) else math.nan
        except ValueError:
            number = math.nan
        if isinstance(value, bool) or not math.isfinite(number):
            self.fail(name, "must be a finite number")
            return None
        return number

    def choice(
        self,
        name: str,
        enum: Callable[[str], Any],
        *,
        required: bool,
        aliases: Mapping[str, Any] | None = None,
        allowed: str = "",
    ) -> Any:
        value = self.text(name, required=required, max_len=60)
        if value is None:
            return None
        if aliases and value in aliases:
            return aliases[value]
        try:
            return enum(value.lower())
        except ValueError:
            self.fail(name, f"unknown value {value!r} (allowed: {allowed})")
            return None

    def owner(self) -> str | None:
        for alias in OWNER_ALIASES:
            if self.raw(alias) is not None:
                return self.text(alias, max_len=36)
        self.fail("owner", "is required (an organisation id or admin code)")
        return None

    def phone(self) -> str | None:
        value = self.text("contact_phone", max_len=50)
        if value is not None and not PHONE_RE.match(value):
            self.fail("contact_phone", "must be a phone number (digits, spaces, +, -, parentheses)")
            return None
        return value

    def admin_code(self) -> str | None:
        value = self.text("admin_code", max_len=20)
        if value is not None and not ADMIN_CODE_RE.match(value):
            self.fail("admin_code", "must be a 6-, 9- or 12-digit administrative division code")
            return None
        return value


def _allowed(enum: type[Any]) -> str:
    return ", ".join(m.value for m in enum)


def _facility(
    row: _Row, location: Point | None, crs: CoordinateSystem, attributes: Mapping[str, Any]
) -> tuple[str, RegisterFacility] | None:
    name = row.text("name", required=True, max_len=MAX_NAME_LENGTH)
    kind = row.choice(
        "kind",
        FacilityKind,
        required=True,
        aliases=FACILITY_KIND_ALIASES,
        allowed=_allowed(FacilityKind),
    )
    capacity = row.integer("capacity")
    unit = row.choice("capacity_unit", CapacityUnit, required=False, allowed=_allowed(CapacityUnit))
    owner = row.owner()
    address = row.text("address", max_len=500)
    contact_name = row.text("contact_name", max_len=200)
    phone = row.phone()
    if row.problems or name is None or kind is None or owner is None or location is None:
        return None
    if unit is None and capacity is not None:
        unit = DEFAULT_CAPACITY_UNIT[kind]
    return owner, RegisterFacility(
        name=name,
        kind=kind,
        location=location,
        organisation_id="",
        source_crs=crs,
        capacity=capacity,
        capacity_unit=unit,
        address=address,
        contact_name=contact_name,
        contact_phone=phone,
        attributes=dict(attributes),
    )


def _locate(row: _Row, lon: float | None, lat: float | None, crs: CoordinateSystem) -> Point | None:
    if lon is None or lat is None:
        return None
    try:
        Point(lon, lat)
        return to_wgs84(lon, lat, crs)
    except InvalidInput as exc:
        for p in exc.problems:
            row.fail(p.field, p.reason)
        return None


# --- CSV -----------------------------------------------------------------------------------


def decode_text(content: bytes | str) -> str:
    """Text of an upload: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("body", "cannot decode the file as UTF-8 or GB18030/GBK")


def parse_facilities_csv(
    content: bytes | str, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> ParsedImport[RegisterFacility]:
    """Parse a facility CSV with a header row.

    Columns: ``name, kind, lon, lat, owner`` (required; ``owner`` is an organisation id or admin
    code, ``organisation_id`` is accepted as its alias) and ``capacity, capacity_unit, address,
    contact_name, contact_phone`` (optional); any other non-empty column is kept in
    ``attributes``. Data rows are numbered from 0 (``rows[0]`` is the line after the header);
    each reason also names the line of the file.
    """
    text = decode_text(content)
    if not text.strip():
        raise InvalidInput("body", "the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InvalidInput("header", f"cannot parse the header: {exc}") from exc
    problems = [
        FieldProblem("header", f"missing column {name!r}")
        for name in CSV_REQUIRED
        if not (name in header or (name == "owner" and any(a in header for a in OWNER_ALIASES)))
    ]
    dupes = sorted({h for h in header if header.count(h) > 1})
    problems += [FieldProblem("header", f"duplicate column {h!r}") for h in dupes]
    problems += [
        FieldProblem("header", f"column {i + 1} has no name") for i, h in enumerate(header) if not h
    ]
    if problems:
        raise InvalidInput(problems)
    parsed: ParsedImport[RegisterFacility] = ParsedImport()
    index = 0
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank line
            prefix, line = f"rows[{index}]", reader.line_num
            index += 1
            if index > MAX_ROWS:
                raise InvalidInput("body", f"more than {MAX_ROWS} rows; split the file")
            if len(cells) != len(header):
                parsed.problems.append(
                    FieldProblem(
                        prefix, f"line {line} has {len(cells)} fields; the header has {len(header)}"
                    )
                )
                continue
            row = _Row(prefix, dict(zip(header, cells, strict=True)), f" (line {line})")
            location = _locate(row, row.number("lon"), row.number("lat"), crs)
            extras = {
                k: v.strip()
                for k, v in row.values.items()
                if k not in FACILITY_FIELDS and v.strip()
            }
            result = _facility(row, location, crs, extras)
            parsed.problems += row.problems
            if result is not None:
                parsed.rows.append(ImportRow(prefix, result[0], result[1]))
    except csv.Error as exc:
        raise InvalidInput(f"rows[{index}]", f"cannot parse CSV: {exc}") from exc
    if index == 0:
        raise InvalidInput("body", "the file has a header but no data rows")
    return parsed


# --- GeoJSON -------------------------------------------------------------------------------


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


def load_json(content: Any) -> Any:
    """Parse ``content`` if it is text or bytes; anything else is already parsed JSON."""
    if not isinstance(content, str | bytes):
        return content
    text = decode_text(content)
    if not text.strip():
        raise InvalidInput("body", "the document is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput("body", f"malformed JSON: {exc}") from exc


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


def _attributes(row: _Row, known: frozenset[str]) -> dict[str, Any]:
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
        row = _Row(f"{prefix}.properties", props)
        boundary: Area | None = None
        try:
            boundary = Area.from_geojson(geometry_to_wgs84(geometry, crs), f"{prefix}.geometry")
        except InvalidInput as exc:
            parsed.problems += exc.problems
        name = row.text("name", required=True, max_len=MAX_NAME_LENGTH)
        level = row.choice("level", AreaLevel, required=True, allowed=_allowed(AreaLevel))
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
        row = _Row(f"{prefix}.properties", props)
        location: Point | None = None
        try:
            raw = Point.from_geojson(
                geometry if isinstance(geometry, Mapping) else {}, f"{prefix}.geometry"
            )
            location = to_wgs84(raw.lon, raw.lat, crs)
        except InvalidInput as exc:
            parsed.problems += exc.problems
        result = _facility(row, location, crs, _attributes(row, FACILITY_FIELDS))
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
