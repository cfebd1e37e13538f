"""Column-wise mapping, cleaning and validation of a chunk of source rows (pure).

A run converts its rows a chunk at a time, one canonical field at a time: each field of the
record spec becomes a :class:`FieldColumn` holding the field's rule (``mapping``) and check
(``validation``) fused. Most fields take a fast path over the whole column — a text column is
stripped, a number column read with ``float``, a lon/lat pair bounded, and ISO-like timestamps
in a fixed UTC offset parsed and formatted by numpy in one call per chunk — and every value the
fast path does not accept (blank, malformed, out of range, in the future, another time zone or
spelling) goes through the row-by-row rule and check, so it gets exactly the value or the
reason it always had. The result for every row equals :func:`mapping.apply` followed by
:func:`validation.conform`; the tests compare both on the same rows.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timezone
from itertools import repeat
from typing import Any

import numpy as np

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.mapping import ISO_LIKE, CompiledMapping, FieldRule, Mapping
from lifeline.sharing.standard import FieldSpec, FieldType
from lifeline.sharing.validation import FUTURE_TOLERANCE, field_check

Row = dict[str, Any]
Problems = dict[int, str]
Column = tuple[list[Any], Problems, Problems]
"""A field's values for a chunk (None where absent or failed), the mapping's problems and the
check's problems, each by row index within the chunk."""

_SLOW: Any = object()  # a value the fast path leaves to the row-by-row rule and check
_FLOAT_MAX = sys.float_info.max
_FIRST = np.datetime64("0001-01-01T00:00:00", "us")
_LAST = np.datetime64("9999-12-31T23:59:59", "us")
_NO_ROW: Row = {}


class FieldColumn:
    """One canonical field of a compiled mapping, converted and checked a chunk at a time."""

    __slots__ = ("_const", "_fast", "_one", "name", "rule_index")

    def __init__(
        self,
        spec: FieldSpec,
        rule_index: int | None,
        rule: FieldRule | None,
        convert: Callable[[Row], Any] | None,
        mapping: Mapping,
    ) -> None:
        self.name = spec.name
        self.rule_index = rule_index
        self._one = _one_by_one(convert, field_check(spec), spec.required)
        # a rule that reads no column gives every row the same value (or problem)
        self._const = rule is None or (not rule.columns and spec.type is not FieldType.POINT)
        self._fast = None if rule is None or self._const else _fast_path(spec, rule, mapping)

    def __call__(self, rows: Sequence[Row], now: datetime) -> Column:
        """The field's values and problems for ``rows``, as the row-by-row path gives them."""
        n = len(rows)
        if self._const:
            value, mapped, checked = self._one(_NO_ROW, now)
            return (
                [value] * n,
                dict.fromkeys(range(n), mapped) if mapped is not None else {},
                dict.fromkeys(range(n), checked) if checked is not None else {},
            )
        if self._fast is None:
            return self._slow(rows, range(n), [None] * n, now)
        values = self._fast(rows, now)
        if _SLOW not in values:
            return values, {}, {}
        return self._slow(rows, [i for i, v in enumerate(values) if v is _SLOW], values, now)

    def _slow(
        self, rows: Sequence[Row], indices: Sequence[int], values: list[Any], now: datetime
    ) -> Column:
        mapped: Problems = {}
        checked: Problems = {}
        one = self._one
        for i in indices:
            value, mapping_problem, check_problem = one(rows[i], now)
            values[i] = value
            if mapping_problem is not None:
                mapped[i] = mapping_problem
            elif check_problem is not None:
                checked[i] = check_problem
        return values, mapped, checked


def field_columns(mapping: Mapping, compiled: CompiledMapping) -> tuple[FieldColumn, ...]:
    """One column per field of the mapping's record spec, in the spec's order."""
    by_target = {target: (i, convert) for i, (target, convert) in enumerate(compiled.rules)}
    rules = {rule.target: rule for rule in mapping.rules}
    out: list[FieldColumn] = []
    for spec in mapping.spec.fields:
        index, convert = by_target.get(spec.name, (None, None))
        out.append(FieldColumn(spec, index, rules.get(spec.name), convert, mapping))
    return tuple(out)


OneByOne = Callable[[Row, datetime], tuple[Any, str | None, str | None]]


def _one_by_one(
    convert: Callable[[Row], Any] | None, check: Callable[[Any, datetime], Any], required: bool
) -> OneByOne:
    """The row-by-row rule then check of one field: (value, mapping problem, check problem),
    as :meth:`CompiledMapping.apply` and :class:`validation.Conformer` give them."""
    missing = "required" if required else None

    def one(row: Row, now: datetime) -> tuple[Any, str | None, str | None]:
        if convert is None:
            return None, None, missing
        try:
            raw = convert(row)
        except (ValueError, TypeError, KeyError, InvalidInput) as exc:
            return None, str(exc), None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None, None, missing
        try:
            cleaned = check(raw, now)
        except (ValueError, TypeError) as exc:
            return None, None, str(exc)
        if cleaned is None:
            return None, None, missing
        return cleaned, None, None

    return one


FastPath = Callable[[Sequence[Row], datetime], list[Any]]


def _fast_path(spec: FieldSpec, rule: FieldRule, mapping: Mapping) -> FastPath | None:
    """The column-wise form of a rule and check, when the rule has one (else None)."""
    if rule.values is not None:
        return None
    if spec.type is FieldType.STRING and rule.column is not None:
        return _text_column(rule.column)
    if spec.type is FieldType.NUMBER and rule.column is not None:
        return _number_column(rule.column, rule.scale, rule.offset, spec)
    if spec.type is FieldType.POINT and rule.lon and rule.lat and mapping.crs == "WGS84":
        return _point_column(rule.lon, rule.lat)
    tz = rule.tz or mapping.tz
    if (
        spec.type is FieldType.DATETIME
        and rule.column is not None
        and rule.formats
        and rule.formats[0] in ISO_LIKE
        and isinstance(tz, timezone)
    ):
        return _time_column(rule.column, ISO_LIKE[rule.formats[0]], tz)
    return None


def _text_column(column: str) -> FastPath:
    """Printable ASCII text without double spaces is NFKC-stable: cleaning is ``strip``."""

    def text(rows: Sequence[Row], _now: datetime) -> list[Any]:
        return [
            s
            if v.__class__ is str
            and v.isascii()
            and v.isprintable()
            and "  " not in v
            # a blank value takes its default or is missing: the slow path says which
            and (s := v.strip())
            else _SLOW
            for v in map(dict.get, rows, repeat(column))
        ]

    return text


def _number_column(column: str, scale: float, offset: float, spec: FieldSpec) -> FastPath:
    """``float`` of the text (× scale + offset when the rule converts units), finite and within
    the field's range; anything else — blank, malformed, non-ASCII digits — goes the slow way."""
    low = -_FLOAT_MAX if spec.minimum is None else spec.minimum
    high = _FLOAT_MAX if spec.maximum is None else spec.maximum
    scaled = scale != 1 or offset != 0

    def number(rows: Sequence[Row], _now: datetime) -> list[Any]:
        out: list[Any] = []
        append = out.append
        v: Any
        for v in map(dict.get, rows, repeat(column)):
            try:
                if not (scaled or v.isascii()):
                    append(_SLOW)  # unscaled text is NFKC-folded before float(): the slow way
                    continue
                x = float(v.strip())
            except (AttributeError, ValueError):
                append(_SLOW)
                continue
            if scaled:
                x = x * scale + offset
            append(x if low <= x <= high else _SLOW)  # NaN and ±inf fail the comparison
        return out

    return number


_SHORT_DECIMAL = r"-?[0-9]{1,3}(?:\.[0-9]{0,7})?"
"""A coordinate spelled with at most 7 decimals and no exponent: ``float`` of it is already
what rounding to 7 decimals gives (the double nearest the decimal is that decimal's nearest)."""


def _point_column(lon_column: str, lat_column: str) -> FastPath:
    """WGS84 lon/lat columns read with ``float``, within bounds, rounded to 7 decimals.

    ``round(x, 7)`` (correctly rounded, through decimal text) costs more than the rest of a
    point, so when a regular expression over a chunk's joined columns finds every coordinate
    spelled with at most 7 decimals, the rounding — which would change nothing — is skipped."""
    every = re.compile(rf"(?:{_SHORT_DECIMAL}\n)*{_SHORT_DECIMAL}").fullmatch

    def point(rows: Sequence[Row], _now: datetime) -> list[Any]:
        lons: list[Any] = list(map(dict.get, rows, repeat(lon_column)))
        lats: list[Any] = list(map(dict.get, rows, repeat(lat_column)))
        try:
            short = bool(every("\n".join(lons)) and every("\n".join(lats)))
        except TypeError:  # a missing value: each goes its own way below
            short = False
        out: list[Any] = []
        append = out.append
        for lon_text, lat_text in zip(lons, lats, strict=True):
            try:
                lon, lat = float(lon_text), float(lat_text)
            except (ValueError, TypeError):
                append(_SLOW)
                continue
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                append(_SLOW)
            elif short:
                append({"lon": lon, "lat": lat})
            else:
                append({"lon": round(lon, 7), "lat": round(lat, 7)})
        return out

    return point


def _time_column(column: str, pattern: str, tz: timezone) -> FastPath:
    """Zero-padded ISO-like local times in a fixed UTC offset, parsed by numpy for the whole
    chunk: local → UTC by subtracting the offset, refused when later than now + the tolerance,
    written back as ISO 8601 text with ``+00:00``. A value that does not match the spelling,
    is out of numpy's or Python's range, or lies in the future goes the slow way (which names
    the reason); if numpy refuses a value that matched (31 February), the chunk does."""
    offset = tz.utcoffset(None)
    shift = np.timedelta64(round(offset.total_seconds() * 1_000_000), "us")
    each = re.compile(pattern).fullmatch
    every = re.compile(rf"(?:{pattern}\n)*{pattern}").fullmatch

    def times(rows: Sequence[Row], now: datetime) -> list[Any]:
        raws: list[Any] = list(map(dict.get, rows, repeat(column)))
        try:
            texts = [v.strip() for v in raws]
        except AttributeError:  # None or a non-text value somewhere: the slow way for all
            return [_SLOW] * len(raws)
        if every("\n".join(texts)):
            good = list(range(len(texts)))
        else:
            good = [i for i, t in enumerate(texts) if each(t)]
        out: list[Any] = [_SLOW] * len(texts)
        if not good:
            return out
        try:
            local = np.array([texts[i] for i in good], dtype="datetime64[us]")
        except ValueError:
            return out
        utc = local - shift
        latest = np.datetime64((now + FUTURE_TOLERANCE).astimezone(UTC).replace(tzinfo=None), "us")
        fine = (local >= _FIRST) & (utc >= _FIRST) & (utc <= _LAST) & (utc <= latest)
        spelled = np.datetime_as_string(utc.astype("datetime64[s]"), unit="s").tolist()
        for i, ok, text in zip(good, fine.tolist(), spelled, strict=True):
            if ok:
                out[i] = text + "+00:00"
        return out

    return times
