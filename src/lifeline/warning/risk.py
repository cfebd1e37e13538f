"""The risk map: a score per H3 cell from hazard sources, exposure, open alarms and anomalies.

For every cell ``c`` (centre at great-circle distance ``d`` from each source), with each term
explained by its value and its largest contributors:

    hazard      H_c = Σ_h w_h · exp(−d/r_h)        hazard sources (w ∈ (0, 1] by class)
    signals     S_c = Σ_a s_a · exp(−d/r_a)        open alarms (s = rank / 4, at most 1) and
                                                   recent anomalies (s = anomaly_severity)
    exposure    E_c = 1 − exp(−P_c / P₀) + Σ_f v_f  people in the cell (P₀ = ``population_scale``)
                                                   and vulnerable facilities (hospitals,
                                                   shelters …), capped at 1
    risk        R_c = 1 − exp(−(H_c + S_c) · (ε + (1 − ε) · E_c))

so the risk is 0 with no hazard or signal nearby, rises with both danger and exposure, and
saturates below 1; ``ε`` keeps an empty cell next to a hazard visible. Population is spread
evenly over the cells whose centres lie in its area. Levels: low < 0.1 ≤ moderate < 0.3 ≤ high
< 0.6 ≤ very high. This is a screening index for operators, not a probability.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np
import numpy.typing as npt

from lifeline.kernel.geo import EARTH_RADIUS_M

FloatArray = npt.NDArray[np.float64]

LEVELS = ((0.6, "very_high"), (0.3, "high"), (0.1, "moderate"), (0.0, "low"))


@dataclass(frozen=True, slots=True)
class Source:
    """A located contributor to one term: a hazard source, an alarm, an anomaly or a facility.
    ``weight`` is its strength in (0, 1]; ``radius_m`` how fast it fades with distance."""

    id: str
    name: str
    lon: float
    lat: float
    weight: float
    radius_m: float = 1_000.0


@dataclass(frozen=True, slots=True)
class Population:
    """People living in an area (GeoJSON Polygon or MultiPolygon in WGS84)."""

    area_id: str
    name: str
    population: int
    boundary: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RiskParams:
    resolution: int = 7
    population_scale: float = 20_000.0
    floor: float = 0.1  # ε
    ring_m: float = 5_000.0  # cells within this distance of a source are mapped too
    top: int = 3  # contributors named per term

    def __post_init__(self) -> None:
        if not 4 <= self.resolution <= 9:
            raise ValueError("resolution must be between 4 and 9")
        if self.population_scale <= 0 or not 0 <= self.floor <= 1 or self.ring_m < 0:
            raise ValueError("population_scale must be positive and floor within [0, 1]")


@dataclass(frozen=True, slots=True)
class CellRisk:
    cell: str
    risk: float
    level: str
    terms: dict[str, Any] = field(default_factory=dict)

    def to_feature(self) -> dict[str, Any]:
        ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(self.cell)]
        ring.append(ring[0])
        return {
            "type": "Feature",
            "id": self.cell,
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"h3": self.cell, "risk": self.risk, "level": self.level, **self.terms},
        }


def level_of(risk: float) -> str:
    return next(name for bound, name in LEVELS if risk >= bound)


def distances_m(lon: FloatArray, lat: FloatArray, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Great-circle distances (haversine), ``len(lon)`` × ``len(lon2)``, in metres."""
    p1, p2 = np.radians(lat)[:, None], np.radians(lat2)[None, :]
    dlat = p2 - p1
    dlon = np.radians(lon2)[None, :] - np.radians(lon)[:, None]
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _cells_of(boundary: Mapping[str, Any], resolution: int) -> list[str]:
    return list(h3.geo_to_cells(dict(boundary), resolution))


def _influence(
    cells_lon: FloatArray, cells_lat: FloatArray, sources: Sequence[Source]
) -> FloatArray:
    """Contribution ``w · exp(−d/r)`` of every source (columns) to every cell (rows)."""
    if not sources:
        return np.zeros((len(cells_lon), 0))
    lon = np.array([s.lon for s in sources])
    lat = np.array([s.lat for s in sources])
    weight = np.array([s.weight for s in sources])
    radius = np.array([max(s.radius_m, 1.0) for s in sources])
    d = distances_m(cells_lon, cells_lat, lon, lat)
    return np.asarray(weight[None, :] * np.exp(-d / radius[None, :]))


def _explain(row: FloatArray, sources: Sequence[Source], top: int) -> list[dict[str, Any]]:
    order = np.argsort(-row)[:top]
    return [
        {"id": sources[i].id, "name": sources[i].name, "contribution": round(float(row[i]), 4)}
        for i in order
        if row[i] >= 1e-4
    ]


def risk_map(
    *,
    hazards: Sequence[Source],
    alarms: Sequence[Source],
    anomalies: Sequence[Source],
    vulnerable: Sequence[Source],
    populations: Sequence[Population],
    params: RiskParams | None = None,
) -> list[CellRisk]:
    """Score every cell covering the populated areas or near a source, highest risk first."""
    p = params or RiskParams()
    population: dict[str, float] = {}
    home: dict[str, str] = {}
    for area in populations:
        cells = _cells_of(area.boundary, p.resolution)
        for c in cells:
            population[c] = population.get(c, 0.0) + area.population / len(cells)
            home.setdefault(c, area.name)
    cells_set = set(population)
    edge_m = h3.average_hexagon_edge_length(p.resolution, unit="m")
    k = int(np.ceil(p.ring_m / (1.5 * edge_m)))
    for s in (*hazards, *alarms, *anomalies):
        cells_set.update(h3.grid_disk(h3.latlng_to_cell(s.lat, s.lon, p.resolution), k))
    cells = sorted(cells_set)
    if not cells:
        return []
    centres = np.array([h3.cell_to_latlng(c) for c in cells])
    lat, lon = centres[:, 0], centres[:, 1]
    hazard_m = _influence(lon, lat, hazards)
    alarm_m = _influence(lon, lat, alarms)
    anomaly_m = _influence(lon, lat, anomalies)
    vulnerable_cells = [h3.latlng_to_cell(f.lat, f.lon, p.resolution) for f in vulnerable]
    hazard = hazard_m.sum(axis=1)
    signals = alarm_m.sum(axis=1) + anomaly_m.sum(axis=1)
    people = np.array([population.get(c, 0.0) for c in cells])
    facility = np.zeros(len(cells))
    index = {c: i for i, c in enumerate(cells)}
    for f, c in zip(vulnerable, vulnerable_cells, strict=True):
        if c in index:
            facility[index[c]] += f.weight
    exposure = np.minimum(1.0, 1.0 - np.exp(-people / p.population_scale) + facility)
    risk = 1.0 - np.exp(-(hazard + signals) * (p.floor + (1.0 - p.floor) * exposure))
    out = []
    for i, c in enumerate(cells):
        in_cell = [f for f, fc in zip(vulnerable, vulnerable_cells, strict=True) if fc == c]
        terms = {
            "hazard": {
                "value": round(float(hazard[i]), 4),
                "sources": _explain(hazard_m[i], hazards, p.top),
            },
            "signals": {
                "value": round(float(signals[i]), 4),
                "alarms": _explain(alarm_m[i], alarms, p.top),
                "anomalies": _explain(anomaly_m[i], anomalies, p.top),
            },
            "exposure": {
                "value": round(float(exposure[i]), 4),
                "population": round(float(people[i])),
                "area": home.get(c),
                "facilities": [{"id": f.id, "name": f.name} for f in in_cell],
            },
        }
        value = round(float(risk[i]), 4)
        out.append(CellRisk(c, value, level_of(value), terms))
    out.sort(key=lambda r: (-r.risk, r.cell))
    return out


def feature_collection(cells: Sequence[CellRisk], **properties: Any) -> dict[str, Any]:
    """The cells as an RFC 7946 FeatureCollection (``properties`` describe the whole map)."""
    return {
        "type": "FeatureCollection",
        "features": [c.to_feature() for c in cells],
        "properties": properties,
    }
