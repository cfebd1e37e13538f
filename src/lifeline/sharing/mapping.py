"""Mappings as data: how one source's columns become canonical fields.

A mapping is a YAML document::

    name: sf_fire_calls
    record_type: incident
    key: [RowID]                      # source columns that identify a record (exact dedup key)
    timezone: America/Los_Angeles     # local time of the source's timestamps (default +08:00)
    crs: WGS84                        # WGS84, GCJ-02, BD-09 or EPSG:nnnn
    region: {bbox: [113.75, 22.40, 114.65, 22.87]}   # declared region (WGS84), for quality
    fields:
      external_id: {column: RowID}
      category: {column: Call Type Group, values: {Fire: accident_disaster}, default: ...}
      reported_at: {column: Received DtTm, format: "%m/%d/%Y %I:%M:%S %p"}
      location: {column: Location, point: lat_lon}    # "(lat, lon)" in one string
      value: {column: depth_cm, scale: 0.01}          # unit conversion: value × scale + offset

Field rules: ``column`` or ``const``; ``values`` (code map) with optional ``default``;
``format`` (one strptime format or a list tried in turn; ``excel`` for Excel serial dates;
``iso`` for ISO 8601); ``timezone`` per field; ``scale``/``offset``; ``point`` (``lat_lon`` or
``lon_lat`` in one string) or ``lon``/``lat`` columns. :func:`apply` turns one source row into
canonical values plus per-field problems; it never raises on bad data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from lifeline.kernel.coords import to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.sharing.standard import FieldType, RecordSpec, record_spec

CHINA_TZ = timezone(timedelta(hours=8))
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"^\s*[(\[]?\s*({_NUMBER})\s*[,; ]\s*({_NUMBER})\s*[)\]]?\s*$")
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
_RULE_KEYS = frozenset(
    {
        "column",
        "const",
        "values",
        "default",
        "format",
        "timezone",
        "scale",
        "offset",
        "point",
        "lon",
        "lat",
    }
)


@dataclass(frozen=True, slots=True)
class FieldRule:
    target: str
    column: str | None = None
    const: Any = None
    values: dict[str, Any] | None = None
    default: Any = None
    formats: tuple[str, ...] = ()
    tz: Any = None
    scale: float = 1.0
    offset: float = 0.0
    point: str | None = None
    lon: str | None = None
    lat: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.column, self.lon, self.lat) if c)


@dataclass(frozen=True, slots=True)
class Mapping:
    name: str
    spec: RecordSpec
    key: tuple[str, ...]
    tz: Any
    crs: str
    rules: tuple[FieldRule, ...]
    text: str = field(default="", compare=False)
    region: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat

    @property
    def columns(self) -> tuple[str, ...]:
        out = list(self.key)
        for rule in self.rules:
            out.extend(c for c in rule.columns if c not in out)
        return tuple(out)

    def check_columns(self, header: list[str]) -> None:
        """Raise InvalidInput naming every column the mapping needs that the file lacks."""
        present = set(header)
        missing = [c for c in self.columns if c not in present]
        if missing:
            raise InvalidInput("mapping", f"columns missing from the source: {', '.join(missing)}")


def _zone(name: Any, where: str) -> Any:
    if name is None:
        return None
    text = str(name)
    if text in ("+08:00", "Asia/Shanghai"):
        return CHINA_TZ if text == "+08:00" else ZoneInfo(text)
    if text.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(where, f"unknown time zone {text!r}") from exc


def _rule(target: str, raw: Any, spec: RecordSpec) -> FieldRule:
    where = f"fields.{target}"
    if spec.field(target) is None:
        raise InvalidInput(where, f"not a field of {spec.type.value}")
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise InvalidInput(where, "must be a column name or a mapping of rules")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise InvalidInput(where, f"unknown rule keys: {', '.join(unknown)}")
    if not any(k in raw for k in ("column", "const", "lon")):
        raise InvalidInput(where, "needs 'column', 'const' or 'lon'/'lat'")
    if ("lon" in raw) != ("lat" in raw):
        raise InvalidInput(where, "'lon' and 'lat' go together")
    point = raw.get("point")
    if point is not None and point not in ("lat_lon", "lon_lat"):
        raise InvalidInput(f"{where}.point", "must be 'lat_lon' or 'lon_lat'")
    formats = raw.get("format", ())
    formats = (formats,) if isinstance(formats, str) else tuple(str(f) for f in formats)
    values = raw.get("values")
    if values is not None and not isinstance(values, dict):
        raise InvalidInput(f"{where}.values", "must map source values to canonical ones")
    try:
        scale = float(raw.get("scale", 1.0))
        offset = float(raw.get("offset", 0.0))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(where, "scale and offset must be numbers") from exc
    return FieldRule(
        target=target,
        column=None if raw.get("column") is None else str(raw["column"]),
        const=raw.get("const"),
        values=None if values is None else {str(k): v for k, v in values.items()},
        default=raw.get("default"),
        formats=formats,
        tz=_zone(raw.get("timezone"), f"{where}.timezone"),
        scale=scale,
        offset=offset,
        point=point,
        lon=None if raw.get("lon") is None else str(raw["lon"]),
        lat=None if raw.get("lat") is None else str(raw["lat"]),
    )


def _region(raw: Any) -> tuple[float, float, float, float] | None:
    """``{bbox: [min_lon, min_lat, max_lon, max_lat]}`` in WGS84, or nothing."""
    if raw is None:
        return None
    box = raw.get("bbox") if isinstance(raw, dict) else None
    if not isinstance(box, list) or len(box) != 4:
        raise InvalidInput("region", "must be {bbox: [min_lon, min_lat, max_lon, max_lat]}")
    try:
        w, s, e, n = (float(v) for v in box)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("region.bbox", "must hold four numbers") from exc
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise InvalidInput("region.bbox", "must be WGS84 with min below max")
    return (w, s, e, n)


def parse_mapping(text: str) -> Mapping:
    """Parse and check a mapping document; raise InvalidInput naming what is wrong."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput("mapping", f"malformed YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise InvalidInput("mapping", "must be a YAML mapping")
    spec = record_spec(str(doc.get("record_type", "")))
    if spec is None:
        raise InvalidInput("record_type", f"unknown record type {doc.get('record_type')!r}")
    fields = doc.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise InvalidInput("fields", "at least one field rule is required")
    key = doc.get("key", [])
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not key:
        raise InvalidInput("key", "name the source column(s) that identify a record")
    crs = str(doc.get("crs", "WGS84"))
    if crs not in ("WGS84", "GCJ-02", "BD-09") and not re.fullmatch(r"EPSG:\d+", crs):
        raise InvalidInput("crs", "must be WGS84, GCJ-02, BD-09 or EPSG:nnnn")
    return Mapping(
        region=_region(doc.get("region")),
        name=str(doc.get("name", "")),
        spec=spec,
        key=tuple(str(k) for k in key),
        tz=_zone(doc.get("timezone", "+08:00"), "timezone"),
        crs=crs,
        rules=tuple(_rule(str(t), r, spec) for t, r in fields.items()),
        text=text,
    )


ISO_LIKE = {
    "%Y-%m-%d %H:%M:%S": r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}",
    "%Y-%m-%dT%H:%M:%S": r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}",
    "%Y-%m-%d %H:%M": r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}",
    "%Y-%m-%d": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
"""strptime formats whose zero-padded spelling ``datetime.fromisoformat`` reads the same way,
about twenty times faster; other spellings (``2026-6-1``) still go through strptime."""

TimeParser = Callable[[str], datetime]


def _time_parser(fmt: str) -> TimeParser:
    """A naive-or-aware parser for one format rule (raises ValueError/OverflowError)."""
    if fmt == "excel":
        return lambda text: (_EXCEL_EPOCH + timedelta(days=float(text))).replace(tzinfo=None)
    if fmt == "iso":
        return datetime.fromisoformat
    pattern = ISO_LIKE.get(fmt)
    if pattern is None:
        return lambda text: datetime.strptime(text, fmt)  # noqa: DTZ007 - zone attached later
    fast = re.compile(pattern).fullmatch

    def iso_like(text: str) -> datetime:
        if fast(text):
            return datetime.fromisoformat(text)
        return datetime.strptime(text, fmt)  # noqa: DTZ007 - zone attached later

    return iso_like


def _datetime_converter(rule: FieldRule, tz: Any, kind: FieldType) -> Callable[[str], Any]:
    formats = rule.formats or ("iso",)
    parsers = tuple(_time_parser(fmt) for fmt in formats)
    as_date = kind is FieldType.DATE

    def parse(text: str) -> datetime | date:
        for parser in parsers:
            try:
                parsed = parser(text)
            except (ValueError, OverflowError):
                continue
            if as_date:
                return parsed.date()
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=tz)
            try:
                return parsed.astimezone(UTC)
            except OverflowError as exc:  # 0001-01-01 00:00 at +08:00 is before year 1 in UTC
                raise ValueError(f"{text!r} is out of range in UTC") from exc
        raise ValueError(f"{text!r} matches none of the formats {list(formats)}")

    return parse


def _parse_point(rule: FieldRule, row: dict[str, Any], crs: str) -> dict[str, float]:
    if rule.lon and rule.lat:
        lon, lat = float(row[rule.lon]), float(row[rule.lat])
    else:
        match = _PAIR.match(str(row[rule.column or ""]))
        if match is None:
            raise ValueError("not a coordinate pair")
        a, b = float(match.group(1)), float(match.group(2))
        lat, lon = (a, b) if rule.point != "lon_lat" else (b, a)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("coordinates must be finite")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"({lon}, {lat}) is outside WGS84 bounds")
    if crs == "WGS84":
        return {"lon": round(lon, 7), "lat": round(lat, 7)}
    point = to_wgs84(lon, lat, crs)
    return {"lon": round(point.lon, 7), "lat": round(point.lat, 7)}


Converter = Callable[[dict[str, Any]], Any]


def _converter(rule: FieldRule, mapping: Mapping) -> Converter:
    """One rule compiled into a function of the row: the field type, the rule's options and the
    time zone are looked up once per run instead of once per row."""
    kind = mapping.spec.field(rule.target).type  # type: ignore[union-attr]
    if kind is FieldType.POINT:
        columns, crs = rule.columns, mapping.crs

        def point(row: dict[str, Any]) -> Any:
            for column in columns:
                raw = row.get(column)
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    return None
            return _parse_point(rule, row, crs)

        return point
    column, const, default, values = rule.column, rule.const, rule.default, rule.values
    convert: Callable[[Any], Any] | None = None
    if values is not None:

        def coded(raw: Any) -> Any:
            key = str(raw).strip()
            if key in values:
                return values[key]
            if default is not None:
                return default
            raise ValueError(f"{key!r} has no entry in the value map")

        convert = coded
    elif kind in (FieldType.DATETIME, FieldType.DATE):
        parse = _datetime_converter(rule, rule.tz or mapping.tz, kind)
        convert = lambda raw: parse(raw.strip()) if isinstance(raw, str) else raw  # noqa: E731
    elif kind in (FieldType.NUMBER, FieldType.INTEGER) and (rule.scale != 1 or rule.offset != 0):
        scale, offset = rule.scale, rule.offset
        convert = lambda raw: float(str(raw).strip()) * scale + offset  # noqa: E731

    def value(row: dict[str, Any]) -> Any:
        raw = const if column is None else row.get(column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return default
        return raw if convert is None else convert(raw)

    return value


class CompiledMapping:
    """A mapping compiled once per run: one converter per rule and the key columns."""

    __slots__ = ("key_columns", "mapping", "rules")

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.rules = tuple((rule.target, _converter(rule, mapping)) for rule in mapping.rules)
        self.key_columns = mapping.key

    def apply(self, row: dict[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
        """Canonical values of one row; problems name the canonical field and why."""
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for target, convert in self.rules:
            try:
                values[target] = convert(row)
            except (ValueError, TypeError, KeyError, InvalidInput) as exc:
                problems.append(FieldProblem(target, str(exc)))
        return values, problems

    def key(self, row: dict[str, Any]) -> str | None:
        """The exact dedup key: the key columns' cleaned values joined by ``|``; None if blank."""
        parts = [str(row.get(c) or "").strip() for c in self.key_columns]
        return None if any(not p for p in parts) else "|".join(parts)


def apply(mapping: Mapping, row: dict[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Map one source row to canonical values; problems name the canonical field and why."""
    return CompiledMapping(mapping).apply(row)


def record_key(mapping: Mapping, row: dict[str, Any]) -> str | None:
    """The exact dedup key: the key columns' cleaned values joined by ``|``; None if blank."""
    return CompiledMapping(mapping).key(row)
