"""Validation and cleaning of mapped values against the canonical standard.

:func:`conform` checks each field of a :class:`RecordSpec` — required, type, code list, range,
timestamps no later than ``now + FUTURE_TOLERANCE`` — cleans text (see ``cleaning``), and
returns JSON-ready values with one reason per failing field. It never raises on bad data.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.cleaning import clean_id_number, clean_phone, clean_text
from lifeline.sharing.standard import FieldSpec, FieldType, RecordSpec

FUTURE_TOLERANCE = timedelta(minutes=5)


def _number(spec: FieldSpec, value: Any) -> float | int:
    if isinstance(value, bool):
        raise ValueError("not a number")
    number = float(clean_text(value) if isinstance(value, str) else value)
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"{number:g} is below the minimum {spec.minimum:g}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"{number:g} is above the maximum {spec.maximum:g}")
    if spec.type is FieldType.INTEGER:
        if not number.is_integer():
            raise ValueError(f"{number:g} is not a whole number")
        return int(number)
    return number


def _time(spec: FieldSpec, value: Any, now: datetime) -> str:
    if spec.type is FieldType.DATE:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return date.fromisoformat(clean_text(str(value))).isoformat()
    if not isinstance(value, datetime):
        raise ValueError("not a timestamp")
    if value > now + FUTURE_TOLERANCE:
        raise ValueError(f"{value.isoformat()} is in the future")
    return value.isoformat()


def _code(spec: FieldSpec, value: Any) -> str:
    code = clean_text(str(value))
    if code not in spec.codes:
        raise ValueError(f"{code!r} is not in the code list ({', '.join(spec.codes)})")
    return code


def _phone(_spec: FieldSpec, value: Any) -> str:
    phone = clean_phone(str(value))
    if phone is None:
        raise ValueError("not a phone number")
    return phone


def _id_number(_spec: FieldSpec, value: Any) -> str:
    number = clean_id_number(str(value))
    if number is None:
        raise ValueError("not a valid resident ID number (GB 11643 checksum)")
    return number


def _point(_spec: FieldSpec, value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or set(value) != {"lon", "lat"}:
        raise ValueError("not a point")
    return value


def _text(_spec: FieldSpec, value: Any) -> str | None:
    return clean_text(str(value)) or None


_CHECKS: dict[FieldType, Callable[[FieldSpec, Any], Any]] = {
    FieldType.INTEGER: _number,
    FieldType.NUMBER: _number,
    FieldType.POINT: _point,
    FieldType.CODE: _code,
    FieldType.PHONE: _phone,
    FieldType.ID_NUMBER: _id_number,
    FieldType.STRING: _text,
}


Check = Callable[[Any, datetime], Any]


def field_check(spec: FieldSpec) -> Check:
    """The check of one field, its type's options bound once."""
    if spec.type in (FieldType.DATETIME, FieldType.DATE):
        return lambda value, now: _time(spec, value, now)
    check = _CHECKS[spec.type]
    return lambda value, _now: check(spec, value)


class Conformer:
    """A record spec compiled once per run: per field, its name, whether it is required and its
    check, so that conforming a row does no look-ups by type."""

    __slots__ = ("fields",)

    def __init__(self, spec: RecordSpec) -> None:
        self.fields = tuple((f.name, f.required, field_check(f)) for f in spec.fields)

    def __call__(
        self, values: dict[str, Any], now: datetime
    ) -> tuple[dict[str, Any], list[FieldProblem]]:
        out: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for name, required, check in self.fields:
            value = values.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if required:
                    problems.append(FieldProblem(name, "required"))
                continue
            try:
                cleaned = check(value, now)
            except (ValueError, TypeError) as exc:
                problems.append(FieldProblem(name, str(exc)))
                continue
            if cleaned is None and required:
                problems.append(FieldProblem(name, "required"))
            elif cleaned is not None:
                out[name] = cleaned
        return out, problems


def conform(
    spec: RecordSpec, values: dict[str, Any], now: datetime
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Clean and check ``values``; return the canonical record and the per-field problems."""
    return Conformer(spec)(values, now)
