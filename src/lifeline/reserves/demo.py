"""Demo reserves: depots across the ten districts, the park and an enterprise, stock with lots
near expiry, a high-risk seismic standard for the park with visible gaps, enterprise supply
agreements (virtual stock), teams with duty rosters, and a p-median siting result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

import numpy as np

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.geo import Point
from lifeline.registry.seed import PARK_CENTRE, DemoCity, shenzhen_districts
from lifeline.reserves import messages as m
from lifeline.reserves.model import Depot, DepotLevel, Hazard, Lot, RiskLevel, StandardLine
from lifeline.reserves.personnel import Certification, PersonnelKind, Roster, Shift
from lifeline.reserves.service import GapReportView
from lifeline.reserves.siting import SitingModel

# (material code, quantity per district depot); the city depot holds five times as much
DISTRICT_STOCK = (
    ("0101001", 200),  # tents
    ("0101002", 20_000),  # litres of water
    ("0101003", 5_000),  # rations
    ("0101004", 1_000),  # quilts
    ("0301001", 300),  # first-aid kits
    ("0401001", 400),  # extinguishers
    ("0501001", 10_000),  # sandbags
    ("0601001", 6),  # generators
    ("0701002", 40),  # radios
)


@dataclass
class ReservesDemo:
    depots: list[Depot] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    near_expiry: int = 0
    standard_id: str = ""
    request_id: str = ""
    responders: int = 0
    gaps: GapReportView | None = None
    siting_geojson: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        short = [ln for ln in (self.gaps.lines if self.gaps else ()) if ln.shortage_reachable > 0]
        chosen = [f["properties"]["name"] for f in self.siting_geojson.get("features", [])]
        return (
            f"  reserves · {len(self.depots)} depots, {len(self.lots)} lots "
            f"({self.near_expiry} expiring within 60 days: GET /reserves/alarms/expiry), "
            f"park standard short of {len(short)} materials within 30 min "
            f"(GET /reserves/standards/{self.standard_id}/gaps); "
            f"p-median sites for 3 new depots: {', '.join(chosen)}"
        )


def _depot(
    bus: MessageBus, actor: Actor, name: str, org: str, level: DepotLevel, at: Point, big: bool
) -> Depot:
    depot: Depot = bus.handle(
        m.CreateDepot(
            name=name,
            organisation_id=org,
            level=level,
            location=at,
            capacity_volume_m3=20_000.0 if big else 5_000.0,
            capacity_weight_kg=5_000_000.0 if big else 1_000_000.0,
            operator="深圳市应急管理局" if big else f"{name} operator",
        ),
        actor,
    )
    return depot


def seed_reserves(
    platform_bus: MessageBus, city: DemoCity, actor: Actor = SYSTEM_ACTOR
) -> ReservesDemo:
    """Seed depots, stock, a park standard and a siting result through the bus."""
    bus = platform_bus
    demo = ReservesDemo()
    rng = np.random.default_rng(20261122)  # fixed seed: the same demo every time
    districts = shenzhen_districts()
    futian = next(d for d in districts if d.name_en == "Futian")
    city_depot = _depot(
        bus, actor, "深圳市应急物资储备库", city.city_id, DepotLevel.CITY,
        Point(futian.centroid.lon + 0.02, futian.centroid.lat + 0.01), big=True,
    )  # fmt: skip
    demo.depots.append(city_depot)
    for d in districts:
        demo.depots.append(
            _depot(
                bus,
                actor,
                f"{d.name}应急物资储备库",
                city.districts[d.name_en],
                DepotLevel.DISTRICT,
                d.centroid,
                big=False,
            )
        )
    park_depot = _depot(
        bus, actor, "平湖电商物流园应急物资柜", city.park_id, DepotLevel.PARK,
        PARK_CENTRE, big=False,
    )  # fmt: skip
    demo.depots.append(park_depot)
    enterprise = _depot(
        bus, actor, "园区企业协议储备点", city.enterprise_id, DepotLevel.ENTERPRISE,
        Point(PARK_CENTRE.lon + 0.01, PARK_CENTRE.lat - 0.005), big=False,
    )  # fmt: skip
    demo.depots.append(enterprise)
    for depot in demo.depots[:-2]:
        scale = 5 if depot.level is DepotLevel.CITY else 1
        for code, quantity in DISTRICT_STOCK:
            amount = int(quantity * scale * rng.uniform(0.4, 1.0))
            lot: Lot = bus.handle(
                m.ReceiveStock(depot_id=depot.id, material_code=code, quantity=amount), actor
            )
            demo.lots.append(lot)
    # the park's own small, uneven reserve, some of it about to expire
    today = park_depot.created_at.date()  # the platform's injected clock
    for code, quantity, days in (
        ("0101003", 300, 12),
        ("0101002", 2_000, 40),
        ("0301001", 20, 55),
        ("0801001", 4, None),
        ("0401001", 60, None),
    ):
        expires = today + timedelta(days=days) if days is not None else None
        lot = bus.handle(
            m.ReceiveStock(
                depot_id=park_depot.id, material_code=code, quantity=quantity, expires_on=expires
            ),
            actor,
        )
        demo.lots.append(lot)
        demo.near_expiry += days is not None
    lot = bus.handle(
        m.ReceiveStock(depot_id=enterprise.id, material_code="0601002", quantity=5_000), actor
    )
    demo.lots.append(lot)
    standard = bus.handle(
        m.CreateStandard(
            name="平湖电商物流园地震应急物资储备标准",
            organisation_id=city.park_id,
            area_name="Pinghu e-commerce logistics park",
            center=PARK_CENTRE,
            population=30_000,
            facilities=12,  # warehouses
            hazard=Hazard.SEISMIC,
            risk_level=RiskLevel.HIGH,
            lines=(
                StandardLine("0101001", per_1000_residents=10),
                StandardLine("0101002", per_1000_residents=3_000),
                StandardLine("0101003", per_1000_residents=300),
                StandardLine("0301001", per_1000_residents=10),
                StandardLine("0401001", per_facility=20),
                StandardLine("0801001", per_facility=2, fixed_quantity=10),
                StandardLine("0201002", fixed_quantity=4),
            ),
        ),
        actor,
    )
    demo.standard_id = standard.id
    # enterprise-held reserves: a logistics tenant near the park supplies tents and water on call
    for supplier, code, quantity, lead_min in (
        ("平湖物流园仓储公司", "0101001", 150, 20.0),
        ("深圳饮用水有限公司", "0101002", 60_000, 45.0),
    ):
        bus.handle(
            m.RegisterAgreement(
                organisation_id=city.park_id,
                supplier=supplier,
                material_code=code,
                quantity=quantity,
                lead_time_min=lead_min,
                location=Point(PARK_CENTRE.lon + 0.02, PARK_CENTRE.lat + 0.01),
                valid_until=today + timedelta(days=365),
            ),
            actor,
        )
    demo.gaps = bus.handle(m.GapReport(standard_id=standard.id, within_min=30, speed_kmh=40), actor)
    # demand: five points per district sharing its population, and the park's 30,000 workers
    offsets = ((-0.03, -0.02), (0.03, -0.02), (-0.03, 0.02), (0.03, 0.02), (0.0, 0.0))
    demand = [
        (d.centroid.lon + dx, d.centroid.lat + dy, d.population / len(offsets))
        for d in districts
        for dx, dy in offsets
    ]
    demand.append((PARK_CENTRE.lon, PARK_CENTRE.lat, 30_000.0))
    candidates = [
        (d.centroid.lon + 0.01, d.centroid.lat - 0.01, f"{d.name_en} candidate") for d in districts
    ]
    candidates.append((PARK_CENTRE.lon, PARK_CENTRE.lat + 0.01, "Pinghu park candidate"))
    demo.siting_geojson = bus.handle(
        m.SiteDepots(
            model=SitingModel.P_MEDIAN,
            demand=tuple(demand),
            candidates=tuple(candidates),
            p=3,
            speed_kmh=30.0,
        ),
        actor,
    )
    # a park request for an earthquake drill, approved and committed from the nearest stock
    request = bus.handle(
        m.CreateRequest(
            organisation_id=city.park_id,
            incident_id="DEMO-QUAKE-1",
            destination=PARK_CENTRE,
            lines=(("0101001", 50.0), ("0301001", 40.0)),
            note="demo: shelter for evacuated warehouse staff",
        ),
        actor,
    )
    bus.handle(m.ApproveRequest(request_id=request.id), actor)
    bus.handle(m.CommitRequest(request_id=request.id), actor)
    demo.request_id = request.id
    demo.responders = _seed_teams(bus, actor, city, today)
    return demo


def _seed_teams(bus: MessageBus, actor: Actor, city: DemoCity, today: date) -> int:
    """A park hazmat team (one certification about to lapse, one member off duty), a Longgang
    professional rescue team and a volunteer first-aid group."""
    longgang = next(d for d in shenzhen_districts() if d.name_en == "Longgang")
    hazmat = Certification("hazmat", today + timedelta(days=400))
    first_aid = Certification("first-aid", today + timedelta(days=200))
    members = (
        ("周强", city.park_id, PersonnelKind.ENTERPRISE, "园区危化品处置队", PARK_CENTRE,
         (hazmat, first_aid), ("decontamination",), True),
        ("吴敏", city.park_id, PersonnelKind.ENTERPRISE, "园区危化品处置队", PARK_CENTRE,
         (Certification("hazmat", today + timedelta(days=20)),), ("decontamination",), True),
        ("郑浩", city.park_id, PersonnelKind.ENTERPRISE, "园区危化品处置队", PARK_CENTRE,
         (hazmat,), ("gas detection",), False),
        ("刘洋", city.districts["Longgang"], PersonnelKind.PROFESSIONAL, "龙岗区专业救援队",
         longgang.centroid, (hazmat, Certification("rope-rescue")), ("rope", "breaching"), True),
        ("陈静", city.districts["Longgang"], PersonnelKind.PROFESSIONAL, "龙岗区专业救援队",
         longgang.centroid, (Certification("rope-rescue"),), ("rope",), True),
        ("黄丽", city.social_organisation_id, PersonnelKind.VOLUNTEER, "志愿者急救队",
         Point(PARK_CENTRE.lon - 0.05, PARK_CENTRE.lat - 0.03), (first_aid,), ("first aid",),
         True),
    )  # fmt: skip
    volunteers_roster = Roster(  # evenings on weekdays, all day at weekends (China time)
        shifts=(
            *(Shift(d, time(18), time(23)) for d in range(5)),
            *(Shift(d, time(8), time(22)) for d in (5, 6)),
        )
    )
    for name, org, kind, team, base, certs, skills, available in members:
        made = bus.handle(
            m.RegisterResponder(
                name=name,
                organisation_id=org,
                kind=kind,
                team=team,
                home_base=base,
                skills=skills,
                certifications=certs,
                available=available,
            ),
            actor,
        )
        if kind is PersonnelKind.VOLUNTEER:
            bus.handle(m.SetRoster(responder_id=made.id, roster=volunteers_roster), actor)
    return len(members)


def reserves_summary(bus: MessageBus, actor: Actor = SYSTEM_ACTOR) -> str:
    """One line for the demo banner: depots, lots near expiry, the standards' gaps."""
    _, total = bus.handle(m.ListDepots(limit=1), actor)
    alarms = bus.handle(m.ExpiryAlarms(within_days=60), actor)
    hazmat = bus.handle(
        m.FindResponders(target=PARK_CENTRE, within_min=30, certification="hazmat"), actor
    )
    parts = [
        f"  reserves · {total} depots, {len(alarms)} lots expiring within 60 days, "
        f"{len(hazmat)} hazmat-certified responders within 30 min of the park "
        f"(GET /reserves/responders/reach?lon={PARK_CENTRE.lon}&lat={PARK_CENTRE.lat}"
        "&certification=hazmat)"
    ]
    for standard in bus.handle(m.ListStandards(), actor):
        report: GapReportView = bus.handle(m.GapReport(standard_id=standard.id), actor)
        short = sum(1 for ln in report.lines if ln.shortage_reachable > 0)
        parts.append(
            f"{standard.area_name}: short of {short} of {len(report.lines)} materials within "
            f"30 min (GET /reserves/standards/{standard.id}/gaps)"
        )
    return "; ".join(parts)
