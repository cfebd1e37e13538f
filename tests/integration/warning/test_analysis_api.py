"""Risk map, impact and cascade through the HTTP API, scoped by organisation, on both backends."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Area, Point
from lifeline.monitoring.batch import SensorKind
from lifeline.registry.model import AreaLevel, DefineArea, FacilityKind, RegisterFacility
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world
from tests.integration.warning.helpers import feed, stream

FUTIAN_HAZARD = (114.05, 22.54)
LUOHU_HAZARD = (114.13, 22.555)
FUTIAN_HOSPITAL = (114.052, 22.541)


def square(lon: float, lat: float, half: float) -> Area:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return Area.from_geojson({"type": "Polygon", "coordinates": [ring]})


def city(platform: Platform, client: TestClient) -> World:
    world = build_world(
        platform,
        client,
        roles=(Role.DUTY_OFFICER, Role.RESERVE_OFFICER),
        levels=("district", "sibling"),
    )
    bus = platform.bus
    for level, (lon, lat), population in (
        ("district", FUTIAN_HAZARD, 1_500_000),
        ("sibling", LUOHU_HAZARD, 1_100_000),
    ):
        bus.handle(
            DefineArea(
                name=f"{level} area",
                level=AreaLevel.DISTRICT,
                organisation_id=world.org[level],
                boundary=square(lon, lat, 0.04),
                population=population,
            ),
            SYSTEM_ACTOR,
        )
    facilities = (
        (
            "Futian LPG store",
            FacilityKind.HAZARD_SOURCE,
            FUTIAN_HAZARD,
            "district",
            "重大危险源一级",
        ),
        (
            "Luohu chemical store",
            FacilityKind.HAZARD_SOURCE,
            LUOHU_HAZARD,
            "sibling",
            "重大危险源四级",
        ),
        ("Futian hospital", FacilityKind.HOSPITAL, FUTIAN_HOSPITAL, "district", ""),
    )
    for name, kind, (lon, lat), level, hazard_class in facilities:
        bus.handle(
            RegisterFacility(
                name=name,
                kind=kind,
                location=Point(lon, lat),
                organisation_id=world.org[level],
                attributes={"hazard_class": hazard_class} if hazard_class else {},
            ),
            SYSTEM_ACTOR,
        )
    return world


def named(features: list[dict[str, Any]], term: str, key: str = "sources") -> set[str]:
    return {s["name"] for f in features for s in f["properties"][term].get(key, [])}


def test_risk_map_is_geojson_explained_and_scoped(platform: Platform, client: TestClient) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    resp = client.get("/warning/risk-map?resolution=7", headers=officer)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/geo+json")
    body = resp.json()
    assert body["type"] == "FeatureCollection"
    features = body["features"]
    assert body["properties"]["counts"]["hazard_sources"] == 1
    top = features[0]
    assert top["geometry"]["type"] == "Polygon"
    ring = top["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    props = top["properties"]
    assert props["level"] in ("moderate", "high", "very_high")
    assert props["hazard"]["sources"][0]["name"] == "Futian LPG store"
    assert props["exposure"]["population"] > 0
    risks = [f["properties"]["risk"] for f in features]
    assert risks == sorted(risks, reverse=True)
    assert named(features, "hazard") == {"Futian LPG store"}  # Luohu's is out of scope
    assert "Futian hospital" in {
        fac["name"] for f in features for fac in f["properties"]["exposure"]["facilities"]
    }
    sibling = client.get(
        "/warning/risk-map", headers=world.headers(Role.DUTY_OFFICER, "sibling")
    ).json()
    assert named(sibling["features"], "hazard") == {"Luohu chemical store"}


def test_recent_anomalies_raise_the_risk_where_they_happen(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    before = client.get("/warning/risk-map", headers=officer).json()
    gas = stream(
        "gas-1", world.org["district"], kind=SensorKind.COMBUSTIBLE_GAS, lon=114.03, lat=22.53
    )
    rng = np.random.default_rng(1)
    feed(platform, gas, [*(2.0 + rng.normal(0, 0.05, 120)), 40.0])
    after = client.get("/warning/risk-map", headers=officer).json()
    assert after["properties"]["counts"]["anomalies"] == 1
    flagged = [f for f in after["features"] if f["properties"]["signals"]["anomalies"]]
    assert flagged
    cell = flagged[0]["id"]
    risk_before = next(f["properties"]["risk"] for f in before["features"] if f["id"] == cell)
    assert flagged[0]["properties"]["risk"] > risk_before
    sibling = client.get(
        "/warning/risk-map", headers=world.headers(Role.DUTY_OFFICER, "sibling")
    ).json()
    assert sibling["properties"]["counts"]["anomalies"] == 0


def test_risk_map_refuses_bad_parameters_and_roles_without_the_right(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    bad = client.get(
        "/warning/risk-map?resolution=12", headers=world.headers(Role.DUTY_OFFICER, "district")
    )
    assert bad.status_code == 422
    assert "resolution" in bad.text
    refused = client.get(
        "/warning/risk-map", headers=world.headers(Role.RESERVE_OFFICER, "district")
    )
    assert refused.status_code == 403
    assert client.get("/warning/risk-map").status_code == 401


def test_fire_buffer_counts_people_and_the_hospital_inside(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    lon, lat = FUTIAN_HOSPITAL
    resp = client.post(
        "/warning/impact", json={"hazard": "fire", "lon": lon, "lat": lat}, headers=officer
    )
    assert resp.status_code == 200, resp.text
    impact = resp.json()
    assert impact["method"] == "buffer"
    assert impact["parameters"]["radius_m"] == 300.0
    assert impact["area_km2"] == pytest.approx(math.pi * 0.3**2, rel=0.02)
    # 1.5 M people evenly over a 0.08° square (≈ 73 km²): about 20,000 per km²
    density = 1_500_000 / (0.08 * 111.32) ** 2 / math.cos(math.radians(lat))
    assert impact["population"] == pytest.approx(density * impact["area_km2"], rel=0.05)
    # the LPG store is about 220 m away, inside the 300 m buffer too
    assert {f["name"] for f in impact["facilities"]} == {"Futian hospital", "Futian LPG store"}


def test_toxic_plume_follows_the_wind_and_grows_with_the_release(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    lon, lat = FUTIAN_HAZARD
    body = {
        "hazard": "toxic_release",
        "lon": lon,
        "lat": lat,
        "release_g_s": 2_000.0,
        "threshold_mg_m3": 15.0,  # about 10 ppm of H2S
        "wind_speed_m_s": 3.0,
        "wind_from_deg": 90.0,  # an east wind: the plume goes west
        "stability": "D",
    }
    small = client.post("/warning/impact", json=body, headers=officer).json()
    big = client.post(
        "/warning/impact", json={**body, "release_g_s": 20_000.0}, headers=officer
    ).json()
    assert small["method"] == "plume"
    ring = small["area"]["coordinates"][0]
    assert min(p[0] for p in ring) < lon - 0.001
    assert max(p[0] for p in ring) <= lon + 1e-9
    assert big["parameters"]["reach_m"] > small["parameters"]["reach_m"]
    assert big["population"] > small["population"] > 0
    assert small["parameters"]["stability"] == "D"


def test_impact_refuses_incomplete_plume_input_naming_the_field(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    lon, lat = FUTIAN_HAZARD
    no_threshold = client.post(
        "/warning/impact",
        json={"hazard": "toxic_release", "lon": lon, "lat": lat, "release_g_s": 10.0},
        headers=officer,
    )
    assert no_threshold.status_code == 422
    assert "threshold_mg_m3" in no_threshold.text
    no_wind = client.post(
        "/warning/impact",
        json={
            "hazard": "toxic_release",
            "lon": lon,
            "lat": lat,
            "release_g_s": 10.0,
            "threshold_mg_m3": 1.0,
        },
        headers=officer,
    )
    assert no_wind.status_code == 422
    assert "wind_speed_m_s" in no_wind.text
    nowhere = client.post("/warning/impact", json={"hazard": "fire"}, headers=officer)
    assert nowhere.status_code == 422
    assert "lon" in nowhere.text
    unknown = client.post(
        "/warning/impact", json={"hazard": "fire", "lon": 1, "lat": 2, "x": 1}, headers=officer
    )
    assert unknown.status_code == 422


def test_cascade_over_the_shipped_graph_orders_failures_in_time(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    resp = client.post(
        "/warning/cascade", json={"failed": ["sub-futian-220kv"], "horizon_h": 100}, headers=officer
    )
    assert resp.status_code == 200, resp.text
    failures = resp.json()
    times = {f["node_id"]: f["fails_at_h"] for f in failures}
    assert times["sub-futian-220kv"] == 0.0
    assert times["pump-futian"] == 0.5
    assert times["hosp-pku-sz"] == 24.0  # on backup power for a day
    # loses communications when the exchange's 8 h of batteries end, then runs 72 h on its own
    assert times["dispatch-centre"] == 80.0
    assert "pump-luohu" not in times  # fed by another substation
    hours = [f["fails_at_h"] for f in failures]
    assert hours == sorted(hours)
    short = client.post(
        "/warning/cascade",
        json={"failed": ["sub-futian-220kv"], "horizon_h": 1},
        headers=officer,
    ).json()
    assert {f["node_id"] for f in short} == {"sub-futian-220kv", "metro-futian", "pump-futian"}


def test_cascade_takes_a_graph_and_names_what_is_wrong_with_it(
    platform: Platform, client: TestClient
) -> None:
    world = city(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "district")
    graph = {
        "nodes": [{"id": "grid"}, {"id": "pump", "backup_h": 2}, {"id": "clinic", "backup_h": 6}],
        "edges": [
            {"from": "grid", "to": "pump", "resource": "power"},
            {"from": "pump", "to": "clinic", "resource": "water"},
        ],
    }
    ok = client.post("/warning/cascade", json={"failed": ["grid"], "graph": graph}, headers=officer)
    assert [(f["node_id"], f["fails_at_h"]) for f in ok.json()] == [
        ("grid", 0.0),
        ("pump", 2.0),
        ("clinic", 8.0),
    ]
    broken = {**graph, "edges": [{"from": "grid", "to": "nowhere"}]}
    bad = client.post(
        "/warning/cascade", json={"failed": ["grid"], "graph": broken}, headers=officer
    )
    assert bad.status_code == 422
    assert "graph.edges[0].to" in bad.text
    unknown = client.post("/warning/cascade", json={"failed": ["atlantis"]}, headers=officer)
    assert unknown.status_code == 422
    assert "failed" in unknown.text
