"""Reading one imported record: field conversion with per-field problems, and facility rows.

Shared by the CSV and GeoJSON parsers; every problem names its row and field
(``features[3].properties.kind``, ``rows[7].lon``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from lifeline.kernel.coords import CoordinateSystem, to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import Point
from lifeline.registry.model import (
    DEFAULT_CAPACITY_UNIT,
    MAX_NAME_LENGTH,
    CapacityUnit,
    DefineArea,
    FacilityKind,
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


class RowReader:
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


def allowed_values(enum: type[Any]) -> str:
    return ", ".join(m.value for m in enum)


def facility_command(
    row: RowReader, location: Point | None, crs: CoordinateSystem, attributes: Mapping[str, Any]
) -> tuple[str, RegisterFacility] | None:
    """The row's raw owner and its command, or None if a field failed (see ``row.problems``)."""
    name = row.text("name", required=True, max_len=MAX_NAME_LENGTH)
    kind = row.choice(
        "kind",
        FacilityKind,
        required=True,
        aliases=FACILITY_KIND_ALIASES,
        allowed=allowed_values(FacilityKind),
    )
    capacity = row.integer("capacity")
    unit = row.choice(
        "capacity_unit", CapacityUnit, required=False, allowed=allowed_values(CapacityUnit)
    )
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


def locate(
    row: RowReader, lon: float | None, lat: float | None, crs: CoordinateSystem
) -> Point | None:
    """``lon``/``lat`` given in ``crs`` as a WGS84 point, or None (problems go to ``row``)."""
    if lon is None or lat is None:
        return None
    try:
        Point(lon, lat)
        return to_wgs84(lon, lat, crs)
    except InvalidInput as exc:
        for p in exc.problems:
            row.fail(p.field, p.reason)
        return None
