"""The demo's hazard sources feed the risk map of the whole city; seeding twice adds nothing."""

from __future__ import annotations

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.seed import seed_city
from lifeline.warning.analysis_seed import HAZARD_SOURCES, seed_analysis
from lifeline.warning.service.analysis import RiskMap


def test_demo_hazard_sources_appear_on_the_city_risk_map(platform: Platform) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    ids = seed_analysis(platform.bus, city)
    assert len(set(ids)) == len(HAZARD_SOURCES)
    assert seed_analysis(platform.bus, city) == ids

    fc = platform.bus.handle(RiskMap(resolution=6), SYSTEM_ACTOR)
    counts = fc["properties"]["counts"]
    assert counts["hazard_sources"] >= len(HAZARD_SOURCES)
    assert counts["areas"] >= 10
    named = {s["name"] for f in fc["features"] for s in f["properties"]["hazard"]["sources"]}
    assert {"宝安化工仓储区", "坪山化工园区"} <= named
    top = fc["features"][0]["properties"]
    assert top["exposure"]["population"] > 0
    assert top["level"] != "low"
