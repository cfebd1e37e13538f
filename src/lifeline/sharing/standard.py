"""The canonical standard: record types with field names, types, units and code lists.

Every dataset in the hub is mapped onto one of these record types. The specification is plain
data (:data:`STANDARD`); :func:`json_schema` publishes a type as JSON Schema (draft 2020-12).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class RecordType(StrEnum):
    ORGANISATION = "organisation"
    FACILITY = "facility"
    PERSON = "person"
    TEAM = "team"
    MATERIAL = "material"
    INCIDENT = "incident"
    OBSERVATION = "observation"


class FieldType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    DATETIME = "datetime"  # an instant, stored as ISO 8601 in UTC
    DATE = "date"
    POINT = "point"  # WGS84 {"lon": degrees, "lat": degrees}
    CODE = "code"  # one value of the field's code list
    PHONE = "phone"  # digits only, China mobile/landline or international
    ID_NUMBER = "id_number"  # Chinese resident identity number, GB 11643


# GB/T 35561-2017 top categories of emergencies (突发事件分类).
EVENT_CATEGORIES: dict[str, str] = {
    "natural_disaster": "自然灾害",
    "accident_disaster": "事故灾难",
    "public_health": "公共卫生事件",
    "social_safety": "社会安全事件",
}
# Incident grade (特别重大 I, 重大 II, 较大 III, 一般 IV).
INCIDENT_GRADES: dict[str, str] = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}
FACILITY_KINDS: dict[str, str] = {
    "hospital": "医院",
    "shelter": "避难场所",
    "fire_station": "消防站",
    "school": "学校",
    "hazardous_chemicals": "危险化学品场所",
    "gas_station": "加油加气站",
    "reservoir": "水库",
    "depot": "物资储备库",
    "other": "其他",
}
HAZARD_LEVELS: dict[str, str] = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}
TEAM_KINDS: dict[str, str] = {
    "fire_rescue": "综合消防救援",
    "professional": "专业救援",
    "social": "社会救援力量",
    "medical": "医疗救护",
}
PERSONNEL_KINDS: dict[str, str] = {
    "professional": "专业队伍",
    "enterprise": "企业队伍",
    "volunteer": "志愿者",
}
ORGANISATION_KINDS: dict[str, str] = {
    "government": "政府部门",
    "enterprise": "企业",
    "social": "社会组织",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One canonical field. ``unit`` names the unit numbers are stored in (SI where possible)."""

    name: str
    type: FieldType
    description: str
    required: bool = False
    unit: str | None = None
    codes: tuple[str, ...] = ()
    personal: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class RecordSpec:
    type: RecordType
    title: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def personal_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.personal)


S, INT, N, DT, D, P, C = (
    FieldType.STRING,
    FieldType.INTEGER,
    FieldType.NUMBER,
    FieldType.DATETIME,
    FieldType.DATE,
    FieldType.POINT,
    FieldType.CODE,
)
_ID = FieldSpec("external_id", S, "The record's id in its source system", required=True)
_LOC = FieldSpec("location", P, "Position in WGS84 (converted from the source CRS)")
_ADDR = FieldSpec("address", S, "Postal address or place description")


def _codes(table: dict[str, str]) -> tuple[str, ...]:
    return tuple(table)


STANDARD: dict[RecordType, RecordSpec] = {
    spec.type: spec
    for spec in (
        RecordSpec(
            RecordType.ORGANISATION,
            "Organisation (government department, enterprise, social organisation)",
            (
                _ID,
                FieldSpec("name", S, "Registered name", required=True),
                FieldSpec("kind", C, "Kind of organisation", codes=_codes(ORGANISATION_KINDS)),
                FieldSpec("admin_code", S, "Administrative division code (GB/T 2260)"),
                _ADDR,
                _LOC,
                FieldSpec("phone", FieldType.PHONE, "Duty telephone"),
            ),
        ),
        RecordSpec(
            RecordType.FACILITY,
            "Facility or hazard source",
            (
                _ID,
                FieldSpec("name", S, "Name", required=True),
                FieldSpec("kind", C, "Facility kind", required=True, codes=_codes(FACILITY_KINDS)),
                FieldSpec("hazard_level", C, "Major hazard level", codes=_codes(HAZARD_LEVELS)),
                FieldSpec("capacity", INT, "Capacity", unit="persons", minimum=0),
                FieldSpec("capacity_volume_m3", N, "Storage volume (depots)", unit="m3", minimum=0),
                FieldSpec("capacity_weight_kg", N, "Storage weight (depots)", unit="kg", minimum=0),
                FieldSpec("operator", S, "Operator (depots)"),
                _ADDR,
                _LOC,
                FieldSpec("contact_name", S, "Responsible person", personal=True),
                FieldSpec("contact_phone", FieldType.PHONE, "Their phone", personal=True),
            ),
        ),
        RecordSpec(
            RecordType.PERSON,
            "Person or contact",
            (
                _ID,
                FieldSpec("name", S, "Full name", required=True, personal=True),
                FieldSpec("id_number", FieldType.ID_NUMBER, "Resident ID number", personal=True),
                FieldSpec("phone", FieldType.PHONE, "Mobile number", personal=True),
                FieldSpec("birth_date", D, "Date of birth", personal=True),
                FieldSpec("organisation", S, "Employer or unit"),
                FieldSpec("role", S, "Duty or position"),
                _ADDR,
                FieldSpec("home_base", P, "Where a responder starts from (WGS84)", personal=True),
                FieldSpec("team", S, "Rescue team (responders)"),
                FieldSpec("personnel_kind", C, "Kind of responder", codes=_codes(PERSONNEL_KINDS)),
                FieldSpec("skills", S, "Skills, comma-separated"),
                FieldSpec(
                    "certifications",
                    S,
                    "Certifications, comma-separated, each 'name' or 'name:YYYY-MM-DD' (expiry)",
                ),
            ),
        ),
        RecordSpec(
            RecordType.TEAM,
            "Rescue team",
            (
                _ID,
                FieldSpec("name", S, "Name", required=True),
                FieldSpec("kind", C, "Kind of team", codes=_codes(TEAM_KINDS)),
                FieldSpec("members", INT, "Number of members", unit="persons", minimum=0),
                _LOC,
                FieldSpec("leader_name", S, "Team leader", personal=True),
                FieldSpec("leader_phone", FieldType.PHONE, "Leader's phone", personal=True),
            ),
        ),
        RecordSpec(
            RecordType.MATERIAL,
            "Material and stock",
            (
                _ID,
                FieldSpec("name", S, "Material name", required=True),
                FieldSpec("category", S, "Material category"),
                FieldSpec("quantity", N, "Quantity on hand", required=True, minimum=0),
                FieldSpec("unit", S, "Unit of the quantity (piece, kg, m3…)", required=True),
                FieldSpec("depot", S, "Depot name"),
                FieldSpec("material_code", S, "Code in the reserve catalogue (GB/T 38565 classes)"),
                FieldSpec("expires_on", D, "Expiry date of the lot"),
                _LOC,
            ),
        ),
        RecordSpec(
            RecordType.INCIDENT,
            "Incident or call for service",
            (
                _ID,
                FieldSpec(
                    "category",
                    C,
                    "GB/T 35561 top category",
                    required=True,
                    codes=_codes(EVENT_CATEGORIES),
                ),
                FieldSpec("type", S, "The source's incident type", required=True),
                FieldSpec("grade", C, "Incident grade I–IV", codes=_codes(INCIDENT_GRADES)),
                FieldSpec("reported_at", DT, "When the call was received (UTC)", required=True),
                FieldSpec("priority", S, "Source priority"),
                FieldSpec("units", INT, "Units involved", unit="units", minimum=0),
                FieldSpec("district", S, "District or neighbourhood"),
                _ADDR,
                _LOC,
                FieldSpec("caller_phone", FieldType.PHONE, "Caller's phone", personal=True),
            ),
        ),
        RecordSpec(
            RecordType.OBSERVATION,
            "Sensor observation",
            (
                _ID,
                FieldSpec("sensor_id", S, "Sensor id", required=True),
                FieldSpec("quantity", S, "Observed quantity, e.g. water_level", required=True),
                FieldSpec("value", N, "Observed value in `unit`", required=True),
                FieldSpec("unit", S, "Unit of the value (SI: m, m/s, degC, ppm…)", required=True),
                FieldSpec("observed_at", DT, "Observation time (UTC)", required=True),
                _LOC,
            ),
        ),
    )
}


def record_spec(record_type: str) -> RecordSpec | None:
    """The spec of ``record_type``, or None when the standard has no such type."""
    try:
        return STANDARD[RecordType(record_type)]
    except ValueError:
        return None


_POINT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
    },
    "required": ["lon", "lat"],
    "additionalProperties": False,
}
_TYPE_SCHEMAS: dict[FieldType, dict[str, Any]] = {
    FieldType.STRING: {"type": "string"},
    FieldType.INTEGER: {"type": "integer"},
    FieldType.NUMBER: {"type": "number"},
    FieldType.DATETIME: {"type": "string", "format": "date-time"},
    FieldType.DATE: {"type": "string", "format": "date"},
    FieldType.POINT: _POINT_SCHEMA,
    FieldType.PHONE: {"type": "string", "pattern": r"^\+?[0-9]{5,15}$"},
    FieldType.ID_NUMBER: {"type": "string", "pattern": r"^[0-9]{17}[0-9X]$"},
}


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    if spec.type is FieldType.CODE:
        out: dict[str, Any] = {"type": "string", "enum": list(spec.codes)}
    else:
        out = dict(_TYPE_SCHEMAS[spec.type])
    out["description"] = spec.description
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    if spec.unit:
        out["x-unit"] = spec.unit
    if spec.personal:
        out["x-personal"] = True
    return out


def json_schema(record_type: RecordType) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one canonical record type."""
    spec = STANDARD[record_type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://lifeline.example/sharing/standard/{record_type.value}.schema.json",
        "title": spec.title,
        "type": "object",
        "properties": {f.name: _field_schema(f) for f in spec.fields},
        "required": [f.name for f in spec.fields if f.required],
        "additionalProperties": False,
    }
