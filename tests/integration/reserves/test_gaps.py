"""Reserve standards, gap reports and expiry alarms through the bus."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.model import RiskLevel, StandardLine
from lifeline.reserves.service import ExpiryAlarm, GapReportView
from lifeline.security.model import Role
from tests.integration.reserves.helpers import depot, make_orgs, receive
from tests.integration.security.world import build_world


def test_gap_report_matches_the_hand_worked_example(platform: Platform) -> None:
    """Futian's standard: 20,000 residents, tents 5 per 1,000 (100), water fixed 1,000 L.

    Depot A (Futian, at the centre) holds 30 tents and 1,200 L; depot B (Luohu, 0.1° north =
    11.12 km = 16.7 min at 40 km/h) holds 50 tents; depot C (Luohu, 0.2° north = 33.4 min)
    holds 100 tents. A reservation of 5 tents at B makes only 45 available. On hand (Futian's
    own): tents 30, water 1,200. Reachable within 30 min: tents 30 + 45 = 75, water 1,200.
    Shortages: on hand 70 tents; reachable 25 tents; water none.
    """
    orgs = make_orgs(platform)
    a = depot(platform, orgs.futian, "A", lon=114.05, lat=22.54)
    b = depot(platform, orgs.luohu, "B", lon=114.05, lat=22.64)
    c = depot(platform, orgs.luohu, "C", lon=114.05, lat=22.74)
    receive(platform, a.id, "0101001", 30)
    receive(platform, a.id, "0101002", 1200)
    held = receive(platform, b.id, "0101001", 50)
    platform.bus.handle(
        m.ReserveStock(lot_id=held.id, quantity=5, incident_id="FIRE-9"), SYSTEM_ACTOR
    )
    receive(platform, c.id, "0101001", 100)
    standard = platform.bus.handle(
        m.CreateStandard(
            name="Futian basic living standard",
            organisation_id=orgs.futian,
            area_name="Futian",
            center=Point(114.05, 22.54),
            population=20_000,
            lines=(
                StandardLine("0101001", per_1000_residents=5),
                StandardLine("0101002", fixed_quantity=1000),
            ),
        ),
        SYSTEM_ACTOR,
    )
    report: GapReportView = platform.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=30, speed_kmh=40), SYSTEM_ACTOR
    )
    tents, water = report.lines
    assert (tents.required, tents.on_hand, tents.reachable) == (100, 30, 75)
    assert (tents.shortage_on_hand, tents.shortage_reachable) == (70, 25)
    assert (water.required, water.on_hand, water.reachable) == (1000, 1200, 1200)
    assert (water.shortage_on_hand, water.shortage_reachable) == (0, 0)
    wider: GapReportView = platform.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=35, speed_kmh=40), SYSTEM_ACTOR
    )
    assert wider.lines[0].reachable == 175
    assert wider.lines[0].shortage_reachable == 0


def test_standards_refuse_unknown_materials_and_duplicates(platform: Platform) -> None:
    orgs = make_orgs(platform)
    for lines, field in (
        ((StandardLine("1234567", fixed_quantity=1),), "lines[0].material_code"),
        (
            (StandardLine("0101001", fixed_quantity=1), StandardLine("0101001")),
            "lines[1].material_code",
        ),
        ((StandardLine("0101001", per_1000_residents=-1),), "lines[0].per_1000_residents"),
    ):
        with pytest.raises(InvalidInput) as err:
            platform.bus.handle(
                m.CreateStandard(
                    name="x",
                    organisation_id=orgs.futian,
                    area_name="Futian",
                    center=Point(114.05, 22.54),
                    population=1,
                    lines=lines,
                ),
                SYSTEM_ACTOR,
            )
        assert err.value.problems[0].field == field


def test_expiry_alarms_with_rotation_suggestions(platform: Platform, clock: VirtualClock) -> None:
    orgs = make_orgs(platform)
    a = depot(platform, orgs.park, "Park depot")
    today = clock.now().date()
    soon = platform.bus.handle(
        m.ReceiveStock(
            depot_id=a.id,
            material_code="0101003",
            quantity=200,
            expires_on=today + timedelta(days=20),
        ),
        SYSTEM_ACTOR,
    )
    later = platform.bus.handle(
        m.ReceiveStock(
            depot_id=a.id,
            material_code="0301001",
            quantity=40,
            expires_on=today + timedelta(days=60),
        ),
        SYSTEM_ACTOR,
    )
    receive(platform, a.id, "0101001", 5)  # tents: ten years, no alarm
    alarms: list[ExpiryAlarm] = platform.bus.handle(m.ExpiryAlarms(within_days=90), SYSTEM_ACTOR)
    assert [(x.lot_id, x.days_left, x.severity) for x in alarms] == [
        (soon.id, 20, "critical"),
        (later.id, 60, "warning"),
    ]
    assert "use first" in alarms[0].suggestion
    assert "200" in alarms[0].suggestion
    clock.advance(timedelta(days=25))
    expired: list[ExpiryAlarm] = platform.bus.handle(m.ExpiryAlarms(within_days=0), SYSTEM_ACTOR)
    assert [(x.lot_id, x.severity) for x in expired] == [(soon.id, "expired")]
    assert expired[0].suggestion.startswith("write off")


def test_risk_level_and_enterprise_agreements_in_the_gap_report(platform: Platform) -> None:
    """A high-risk park (× 1.5): tents 5 per 1,000 × 20,000 = 100 → 150 required.

    Depot A at the centre holds 30 tents. Agreements for tents: a logistics company 0.1° north
    (16.68 min at 40 km/h) with lead time 10 min → 26.68 min, 80 tents, counts within 30 min;
    a factory at the centre with lead time 45 min, 500 tents, does not; an expired agreement
    never counts. shortage reachable = 150 − 30 = 120; with agreements 150 − 30 − 80 = 40.
    """
    orgs = make_orgs(platform)
    a = depot(platform, orgs.park, "A", lon=114.05, lat=22.54)
    receive(platform, a.id, "0101001", 30)
    standard = platform.bus.handle(
        m.CreateStandard(
            name="Park seismic standard",
            organisation_id=orgs.park,
            area_name="Park",
            center=Point(114.05, 22.54),
            population=20_000,
            lines=(StandardLine("0101001", per_1000_residents=5),),
            risk_level=RiskLevel.HIGH,
        ),
        SYSTEM_ACTOR,
    )
    assert standard.risk_multiplier == 1.5
    for supplier, lat, lead, qty in (("Logistics Co", 22.64, 10, 80), ("Factory", 22.54, 45, 500)):
        platform.bus.handle(
            m.RegisterAgreement(
                organisation_id=orgs.park,
                supplier=supplier,
                material_code="0101001",
                quantity=qty,
                lead_time_min=lead,
                location=Point(114.05, lat),
            ),
            SYSTEM_ACTOR,
        )
    report: GapReportView = platform.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=30, speed_kmh=40), SYSTEM_ACTOR
    )
    (tents,) = report.lines
    assert (tents.required, tents.on_hand, tents.reachable, tents.agreed) == (150, 30, 30, 80)
    assert (tents.shortage_reachable, tents.shortage_with_agreements) == (120, 40)
    with pytest.raises(InvalidInput) as err:
        platform.bus.handle(
            m.RegisterAgreement(
                organisation_id=orgs.park,
                supplier="Tent Co",
                material_code="0101001",
                quantity=2.5,
                lead_time_min=5,
                location=Point(114.05, 22.54),
            ),
            SYSTEM_ACTOR,
        )
    assert err.value.problems[0].field == "quantity"


def test_agreements_over_http_are_scoped(platform: Platform, client: TestClient) -> None:
    world = build_world(
        platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district", "sibling")
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    body = {
        "organisation_id": world.org["district"],
        "supplier": "Shenzhen Tents Ltd",
        "material_code": "0101001",
        "quantity": 200,
        "lead_time_min": 120,
        "location": {"type": "Point", "coordinates": [114.05, 22.6]},
    }
    made = client.post("/reserves/agreements", json=body, headers=officer)
    assert made.status_code == 201, made.text
    assert made.json()["quantity"] == 200
    listed = client.get("/reserves/agreements", headers=officer).json()
    assert [x["supplier"] for x in listed] == ["Shenzhen Tents Ltd"]
    sibling = world.headers(Role.RESERVE_OFFICER, "sibling")
    assert client.get("/reserves/agreements", headers=sibling).json() == []
    bad = client.post(
        "/reserves/agreements", json={**body, "material_code": "9999999"}, headers=officer
    )
    assert bad.status_code == 422
    assert "material_code" in bad.text


def test_reachability_follows_the_road_network_when_one_is_loaded(
    settings: Settings, engine: sa.Engine, clock: VirtualClock
) -> None:
    """With a road network, a gap report without a stated speed uses road travel times: its
    basis names the network and each depot's reach matches the network's own matrix."""
    road = build_platform(
        settings.model_copy(update={"road_network": "synthetic:3000:11"}),
        clock=clock,
        engine=engine,
    )
    orgs = make_orgs(road)
    centre = Point(114.058, 22.543)  # the synthetic grid covers about 6.6 km around Futian
    near = depot(road, orgs.futian, "Near", lon=114.060, lat=22.545)
    far = depot(road, orgs.luohu, "Far", lon=114.085, lat=22.570)
    offshore = depot(road, orgs.luohu, "Beyond the network", lon=114.30, lat=22.70)
    receive(road, near.id, "0101001", 10)
    receive(road, far.id, "0101001", 90)
    receive(road, offshore.id, "0101001", 1000)
    standard = road.bus.handle(
        m.CreateStandard(
            name="Tents", organisation_id=orgs.futian, area_name="Futian", center=centre,
            population=20_000, lines=(StandardLine("0101001", per_1000_residents=5),),
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    minutes = road.travel.to_one_s([(114.060, 22.545), (114.085, 22.570)], (centre.lon, centre.lat))
    minutes = minutes / 60
    budget = float(minutes[0]) + 1.0
    assert minutes[1] > budget  # the far depot is out of reach by road within the budget
    report: GapReportView = road.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=budget), SYSTEM_ACTOR
    )
    assert report.travel_basis == road.travel.description
    assert "great-circle" not in report.travel_basis
    assert report.lines[0].reachable == 10
    everything: GapReportView = road.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=float(minutes[1]) + 1.0), SYSTEM_ACTOR
    )
    assert everything.lines[0].reachable == 100  # never the depot off the network
    stated: GapReportView = road.bus.handle(
        m.GapReport(standard_id=standard.id, within_min=budget, speed_kmh=40), SYSTEM_ACTOR
    )
    assert stated.travel_basis == "great-circle distance at 40 km/h"


def test_shortage_alarms_list_what_each_standard_lacks_gravest_first(
    platform: Platform, client: TestClient
) -> None:
    """Tents: 150 required (high risk), 30 reachable, 80 agreed → 110 of 150 ≥ half: warning.
    Water: 1,000 required, none anywhere → critical. Quilts: 10 required, 10 on hand → none."""
    world = build_world(platform, client, roles=(Role.RESERVE_OFFICER,), levels=("park",))
    park = world.org["park"]
    a = depot(platform, park, "A", lon=114.05, lat=22.54)
    receive(platform, a.id, "0101001", 30)
    receive(platform, a.id, "0101004", 10)
    platform.bus.handle(
        m.CreateStandard(
            name="Park standard", organisation_id=park, area_name="Park",
            center=Point(114.05, 22.54), population=20_000, risk_level=RiskLevel.HIGH,
            lines=(
                StandardLine("0101001", per_1000_residents=5),
                StandardLine("0101002", fixed_quantity=1000 / 1.5),
                StandardLine("0101004", fixed_quantity=10 / 1.5),
            ),
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    platform.bus.handle(
        m.RegisterAgreement(
            organisation_id=park, supplier="Logistics Co", material_code="0101001",
            quantity=80, lead_time_min=10, location=Point(114.05, 22.55),
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    officer = world.headers(Role.RESERVE_OFFICER, "park")
    alarms = client.get(
        "/reserves/alarms/shortages", params={"speed_kmh": 40}, headers=officer
    ).json()
    assert [(x["material_code"], x["severity"]) for x in alarms] == [
        ("0101002", "critical"),
        ("0101001", "warning"),
    ]
    tents = alarms[1]
    assert (tents["required"], tents["reachable"], tents["agreed"]) == (150, 30, 80)
    assert "agreements for 80" in tents["suggestion"]
