"""Seed a demo Shenzhen through the bus: city, districts, departments, streets, a park, facilities.

District boundaries are **approximate placeholders** (a regular 12-gon of the district's area
around an approximate centroid); see ``seed_data/README.md``. Seeding is idempotent: records
that already exist (same parent or owner and name) are reused, not duplicated.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from dataclasses import dataclass, field
from importlib import resources

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import EARTH_RADIUS_M, Area, Point
from lifeline.registry.importers import parse_facilities_csv
from lifeline.registry.model import (
    AdministrativeArea,
    AreaLevel,
    DefineArea,
    DepartmentType,
    Facility,
    ListAreas,
    ListFacilities,
    Listing,
    ListOrganisations,
    Organisation,
    OrgKind,
    RegisterFacility,
    RegisterOrganisation,
)

PLACEHOLDER_NOTE = (
    "approximate placeholder: regular 12-gon of the district's area around an approximate "
    "centroid; not a real boundary"
)

CITY_DEPARTMENTS: tuple[tuple[DepartmentType, str, str], ...] = (
    (
        DepartmentType.EMERGENCY_MANAGEMENT,
        "深圳市应急管理局",
        "Shenzhen Emergency Management Bureau",
    ),
    (DepartmentType.FIRE, "深圳市消防救援支队", "Shenzhen Fire and Rescue Detachment"),
    (DepartmentType.POLICE, "深圳市公安局", "Shenzhen Public Security Bureau"),
    (DepartmentType.HEALTH, "深圳市卫生健康委员会", "Shenzhen Health Commission"),
    (DepartmentType.TRANSPORT, "深圳市交通运输局", "Shenzhen Transport Bureau"),
    (DepartmentType.WATER, "深圳市水务局", "Shenzhen Water Affairs Bureau"),
    (DepartmentType.GAS, "深圳市燃气安全监管中心", "Shenzhen Gas Safety Supervision Centre"),
    (DepartmentType.POWER, "深圳供电局", "Shenzhen Power Supply Bureau"),
    (DepartmentType.HOUSING, "深圳市住房和建设局", "Shenzhen Housing and Construction Bureau"),
)

STREETS: tuple[tuple[str, str, str], ...] = (
    # (district English name, name, English name)
    ("Futian", "福田街道", "Futian Subdistrict"),
    ("Longgang", "平湖街道", "Pinghu Subdistrict"),
)

PARK_NAME = ("平湖电商物流园", "Pinghu e-commerce logistics park")
PARK_CENTRE = Point(114.126, 22.686)
PARK_AREA_KM2 = 1.2
ENTERPRISE_NAME = ("平湖云仓物流有限公司", "Pinghu Cloud Warehouse Logistics Co. (fictional)")
SOCIAL_ORG_NAME = ("深圳市应急志愿救援队", "Shenzhen Emergency Volunteer Rescue Team")


@dataclass(frozen=True, slots=True)
class District:
    name_en: str
    name: str
    admin_code: str | None
    population: int
    area_km2: float
    centroid: Point


@dataclass(frozen=True)
class DemoCity:
    """Ids of the seeded records, by the names the demo and tests refer to them with."""

    city_id: str
    districts: dict[str, str]  # English name → organisation id
    departments: dict[DepartmentType, str]
    streets: dict[str, str]  # English name → organisation id
    park_id: str
    enterprise_id: str
    social_organisation_id: str
    areas: dict[str, str] = field(default_factory=dict)  # district English name / "park" → id
    facilities: dict[str, str] = field(default_factory=dict)  # English name → facility id


def regular_polygon(center: Point, area_km2: float, sides: int = 12) -> Area:
    """A regular ``sides``-gon of ``area_km2`` around ``center`` (local equirectangular scale).

    Circumradius R from the polygon area A = (n/2)·R²·sin(2π/n); metres become degrees with
    1° of latitude = π·R_earth/180 m and 1° of longitude = that times cos(latitude).
    """
    if sides < 3 or area_km2 <= 0:
        raise ValueError("need at least 3 sides and a positive area")
    radius_m = math.sqrt(2 * area_km2 * 1e6 / (sides * math.sin(2 * math.pi / sides)))
    m_per_deg_lat = math.pi * EARTH_RADIUS_M / 180
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(center.lat))
    ring = [
        [
            round(center.lon + radius_m * math.cos(2 * math.pi * k / sides) / m_per_deg_lon, 6),
            round(center.lat + radius_m * math.sin(2 * math.pi * k / sides) / m_per_deg_lat, 6),
        ]
        for k in range(sides)
    ]
    ring.append(ring[0])
    return Area.from_geojson({"type": "Polygon", "coordinates": [ring]})


def _read(name: str) -> str:
    return resources.files("lifeline.registry").joinpath("seed_data", name).read_text("utf-8")


def shenzhen_districts() -> list[District]:
    """The ten districts from ``seed_data/shenzhen_districts.csv``."""
    rows = csv.DictReader(io.StringIO(_read("shenzhen_districts.csv")))
    return [
        District(
            name_en=r["name_en"],
            name=r["name"],
            admin_code=r["admin_code"] or None,
            population=int(r["population"]),
            area_km2=float(r["area_km2"]),
            centroid=Point(float(r["centroid_lon"]), float(r["centroid_lat"])),
        )
        for r in rows
    ]


class _Seeder:
    def __init__(self, bus: MessageBus, actor: Actor) -> None:
        self.bus = bus
        self.actor = actor

    def org(self, cmd: RegisterOrganisation) -> str:
        found: Listing[Organisation] = self.bus.handle(
            ListOrganisations(kind=cmd.kind, parent_id=cmd.parent_id, name=cmd.name, limit=1),
            self.actor,
        )
        if found.items:
            return found.items[0].id
        org: Organisation = self.bus.handle(cmd, self.actor)
        return org.id

    def area(self, cmd: DefineArea) -> str:
        found: Listing[AdministrativeArea] = self.bus.handle(
            ListAreas(organisation_id=cmd.organisation_id, name=cmd.name, limit=1), self.actor
        )
        if found.items:
            return found.items[0].id
        area: AdministrativeArea = self.bus.handle(cmd, self.actor)
        return area.id

    def facility(self, cmd: RegisterFacility) -> str:
        found: Listing[Facility] = self.bus.handle(
            ListFacilities(organisation_id=cmd.organisation_id, name=cmd.name, limit=1),
            self.actor,
        )
        if found.items:
            return found.items[0].id
        facility: Facility = self.bus.handle(cmd, self.actor)
        return facility.id


def seed_city(bus: MessageBus, actor: Actor = SYSTEM_ACTOR) -> DemoCity:
    """Seed demo Shenzhen through ``bus`` as ``actor``; every record is an event in the log."""
    s = _Seeder(bus, actor)
    city = s.org(
        RegisterOrganisation(
            name="深圳市", name_en="Shenzhen", kind=OrgKind.CITY, admin_code="440300"
        )
    )
    districts: dict[str, str] = {}
    areas: dict[str, str] = {}
    for d in shenzhen_districts():
        districts[d.name_en] = s.org(
            RegisterOrganisation(
                name=d.name,
                name_en=d.name_en,
                kind=OrgKind.DISTRICT,
                parent_id=city,
                admin_code=d.admin_code,
            )
        )
        areas[d.name_en] = s.area(
            DefineArea(
                name=d.name,
                level=AreaLevel.DISTRICT,
                organisation_id=districts[d.name_en],
                boundary=regular_polygon(d.centroid, d.area_km2),
                admin_code=d.admin_code,
                population=d.population,
                attributes={
                    "area_km2": d.area_km2,
                    "population_source": "2020 census",
                    "boundary_note": PLACEHOLDER_NOTE,
                },
            )
        )
    departments = {
        kind: s.org(
            RegisterOrganisation(
                name=name,
                name_en=name_en,
                kind=OrgKind.DEPARTMENT,
                department_type=kind,
                parent_id=city,
            )
        )
        for kind, name, name_en in CITY_DEPARTMENTS
    }
    streets = {
        name_en: s.org(
            RegisterOrganisation(
                name=name, name_en=name_en, kind=OrgKind.STREET, parent_id=districts[district]
            )
        )
        for district, name, name_en in STREETS
    }
    park = s.org(
        RegisterOrganisation(
            name=PARK_NAME[0],
            name_en=PARK_NAME[1],
            kind=OrgKind.PARK,
            parent_id=streets["Pinghu Subdistrict"],
        )
    )
    areas["park"] = s.area(
        DefineArea(
            name=PARK_NAME[0],
            level=AreaLevel.PARK,
            organisation_id=park,
            boundary=regular_polygon(PARK_CENTRE, PARK_AREA_KM2, sides=8),
            attributes={"boundary_note": "approximate placeholder"},
        )
    )
    enterprise = s.org(
        RegisterOrganisation(
            name=ENTERPRISE_NAME[0],
            name_en=ENTERPRISE_NAME[1],
            kind=OrgKind.ENTERPRISE,
            parent_id=park,
        )
    )
    social = s.org(
        RegisterOrganisation(
            name=SOCIAL_ORG_NAME[0],
            name_en=SOCIAL_ORG_NAME[1],
            kind=OrgKind.SOCIAL_ORGANISATION,
            parent_id=city,
        )
    )
    owners: dict[str, str] = {
        "city": city,
        "park": park,
        "enterprise": enterprise,
        "social": social,
        **{f"district:{k}": v for k, v in districts.items()},
        **{f"department:{k.value}": v for k, v in departments.items()},
    }
    facilities: dict[str, str] = {}
    parsed = parse_facilities_csv(_read("shenzhen_facilities.csv"))
    if parsed.problems:  # the packaged file is checked by the tests; this guards edits
        raise ValueError(f"bad seed data: {parsed.problems}")
    for row in parsed.rows:
        cmd = dataclasses.replace(row.command, organisation_id=owners[row.owner])
        facilities[str(cmd.attributes.get("name_en", cmd.name))] = s.facility(cmd)
    return DemoCity(
        city_id=city,
        districts=districts,
        departments=departments,
        streets=streets,
        park_id=park,
        enterprise_id=enterprise,
        social_organisation_id=social,
        areas=areas,
        facilities=facilities,
    )
