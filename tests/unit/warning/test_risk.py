"""The risk index: grows with hazard and exposure, fades with distance, explains itself."""

from __future__ import annotations

import h3
import pytest

from lifeline.warning.risk import (
    CellRisk,
    Population,
    RiskParams,
    Source,
    feature_collection,
    level_of,
    risk_map,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]],
}


def by_cell(cells: list[CellRisk]) -> dict[str, CellRisk]:
    return {c.cell: c for c in cells}


def test_no_hazard_and_no_signal_means_no_risk_even_where_people_live() -> None:
    cells = risk_map(
        hazards=[],
        alarms=[],
        anomalies=[],
        vulnerable=[],
        populations=[Population("a", "A", 1_000_000, SQUARE)],
    )
    assert cells
    assert all(c.risk == 0.0 and c.level == "low" for c in cells)
    assert sum(c.terms["exposure"]["population"] for c in cells) == pytest.approx(
        1_000_000, rel=0.01
    )


def test_risk_is_highest_at_the_hazard_and_fades_with_distance() -> None:
    hazard = Source("h", "Tank farm", 114.05, 22.55, 1.0, 1_000.0)
    cells = risk_map(
        hazards=[hazard],
        alarms=[],
        anomalies=[],
        vulnerable=[],
        populations=[Population("a", "A", 1_000_000, SQUARE)],
    )
    home = h3.latlng_to_cell(22.55, 114.05, 7)
    assert cells[0].cell == home
    assert cells[0].terms["hazard"]["sources"][0]["name"] == "Tank farm"
    far = [c for c in cells if h3.grid_distance(home, c.cell) >= 3]
    assert far
    assert max(c.risk for c in far) < cells[0].risk / 5


def test_people_and_vulnerable_facilities_raise_the_risk_of_the_same_hazard() -> None:
    hazard = Source("h", "Tank farm", 114.05, 22.55, 1.0, 1_000.0)
    home = h3.latlng_to_cell(22.55, 114.05, 7)
    empty = by_cell(
        risk_map(hazards=[hazard], alarms=[], anomalies=[], vulnerable=[], populations=[])
    )
    crowded = by_cell(
        risk_map(
            hazards=[hazard],
            alarms=[],
            anomalies=[],
            vulnerable=[],
            populations=[Population("a", "A", 2_000_000, SQUARE)],
        )
    )
    hospital = by_cell(
        risk_map(
            hazards=[hazard],
            alarms=[],
            anomalies=[],
            vulnerable=[Source("f", "Hospital", 114.05, 22.55, 0.3)],
            populations=[],
        )
    )
    assert empty[home].risk < hospital[home].risk
    assert empty[home].risk < crowded[home].risk
    assert hospital[home].terms["exposure"]["facilities"] == [{"id": "f", "name": "Hospital"}]


def test_alarms_and_anomalies_are_signals_named_in_the_explanation() -> None:
    alarm = Source("al-1", "Gas alarm", 114.02, 22.52, 0.75, 1_000.0)
    anomaly = Source("ds-1", "pressure shift_down", 114.02, 22.52, 0.5, 500.0)
    cells = risk_map(
        hazards=[],
        alarms=[alarm],
        anomalies=[anomaly],
        vulnerable=[],
        populations=[Population("a", "A", 1_000_000, SQUARE)],
    )
    top = cells[0].terms["signals"]
    assert top["alarms"][0]["id"] == "al-1"
    assert top["anomalies"][0]["id"] == "ds-1"
    assert top["value"] == pytest.approx(
        top["alarms"][0]["contribution"] + top["anomalies"][0]["contribution"], abs=1e-3
    )


def test_levels_and_geojson() -> None:
    assert [level_of(r) for r in (0.0, 0.1, 0.3, 0.6, 0.99)] == [
        "low",
        "moderate",
        "high",
        "very_high",
        "very_high",
    ]
    cells = risk_map(
        hazards=[Source("h", "H", 114.05, 22.55, 1.0)],
        alarms=[],
        anomalies=[],
        vulnerable=[],
        populations=[],
    )
    fc = feature_collection(cells[:2], resolution=7)
    feature = fc["features"][0]
    assert feature["geometry"]["coordinates"][0][0] == feature["geometry"]["coordinates"][0][-1]
    assert fc["properties"] == {"resolution": 7}


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="resolution"):
        RiskParams(resolution=12)
