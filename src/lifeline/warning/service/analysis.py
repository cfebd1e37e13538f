"""Analysis queries: the risk map, the impact of a hazard and the cascade of infrastructure
failures. They change nothing, so they record no events; each is checked and logged by the bus
like any query, and reads only what the caller's scope covers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any, ClassVar

import yaml

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.eventlog import AUDIT
from lifeline.kernel.events import Query
from lifeline.monitoring.model import MONITORING
from lifeline.registry.model import (
    REGISTRY,
    AdministrativeArea,
    AreaFilter,
    AreaLevel,
    Facility,
    FacilityFilter,
    FacilityKind,
)
from lifeline.security.model import ORG_PATHS, Permission
from lifeline.warning import cascade as cascade_model
from lifeline.warning import risk
from lifeline.warning.impact import buffers, exposure, plume
from lifeline.warning.model import WARNING

READ = Permission.ALARM_READ
MAX_ROWS = 10_000
ANOMALY_SEVERITY = 0.5

# finest first: where areas overlap, the finest populated one counts a cell's people
_AREA_DEPTH = {
    AreaLevel.CITY: 0,
    AreaLevel.DISTRICT: 1,
    AreaLevel.STREET: 2,
    AreaLevel.COMMUNITY: 3,
    AreaLevel.PARK: 4,
    AreaLevel.ZONE: 4,
}
# 重大危险源 classes (GB 18218): 一级 is the most dangerous
_HAZARD_CLASS = {"一级": (1.0, 2_000.0), "二级": (0.75, 1_500.0), "三级": (0.5, 1_000.0)}
_HAZARD_DEFAULT = (0.35, 700.0)
_VULNERABLE = {FacilityKind.HOSPITAL: 0.3, FacilityKind.SHELTER: 0.1}


# --- messages ----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RiskMap(Query):
    """The risk map of the caller's scope on an H3 grid at ``resolution``; alarms open now and
    anomalies detected in the last ``window_h`` hours count as signals."""

    permission: ClassVar[str] = READ
    resolution: int = 7
    window_h: float = 6.0
    min_risk: float = 0.0


@dataclass(frozen=True, kw_only=True)
class EstimateImpact(Query):
    """The affected area of a hazard at (``lon``, ``lat``), or of an open alarm's position, and
    the people and facilities inside. With ``release_g_s`` and ``threshold_mg_m3`` a Gaussian
    plume (wind given, or read from wind datastreams); otherwise a buffer of ``radius_m`` or the
    hazard's default."""

    permission: ClassVar[str] = READ
    hazard: str
    lon: float | None = None
    lat: float | None = None
    alarm_id: str | None = None
    radius_m: float | None = None
    release_g_s: float | None = None
    threshold_mg_m3: float | None = None
    release_height_m: float = 2.0
    wind_speed_m_s: float | None = None
    wind_from_deg: float | None = None
    wind_speed_datastream_id: str | None = None
    wind_direction_datastream_id: str | None = None
    stability: str | None = None
    terrain: str = "urban"
    daytime: bool = True


@dataclass(frozen=True, kw_only=True)
class ForecastCascade(Query):
    """What fails next when ``failed`` nodes are lost, over ``graph`` (the shipped Shenzhen
    graph when absent), within ``horizon_h`` hours."""

    permission: ClassVar[str] = READ
    failed: tuple[str, ...]
    graph: Mapping[str, Any] | None = None
    horizon_h: float = 72.0


@dataclass(frozen=True)
class Impact:
    method: str  # "plume" or "buffer"
    hazard: str
    area: dict[str, Any]
    area_km2: float
    population: int
    areas: list[exposure.PeopleIn]
    facilities: list[Facility]
    parameters: dict[str, Any] = field(default_factory=dict)


# --- risk map --------------------------------------------------------------------------------
def _populations(areas: Sequence[AdministrativeArea], resolution: int) -> list[risk.Population]:
    """Areas with a population, coarsest first, so finer areas override coarser ones per cell."""
    chosen = [a for a in areas if a.population]
    chosen.sort(key=lambda a: _AREA_DEPTH.get(a.level, 4))
    return [
        risk.Population(a.id, a.name, int(a.population or 0), a.boundary.to_geojson())
        for a in chosen
    ]


def _hazard_source(f: Facility) -> risk.Source:
    label = str(f.attributes.get("hazard_class", ""))
    weight, radius = next((v for k, v in _HAZARD_CLASS.items() if k in label), _HAZARD_DEFAULT)
    return risk.Source(f.id, f.name, f.location.lon, f.location.lat, weight, radius)


def risk_map(query: RiskMap, ctx: HandlerContext) -> dict[str, Any]:
    if not 4 <= query.resolution <= 9:
        raise InvalidInput("resolution", "must be between 4 and 9")
    if not 0 < query.window_h <= 24 * 7:
        raise InvalidInput("window_h", "must be above 0 and at most 168 hours")
    scope = ctx.scope_paths
    scope_root = scope[0] if scope else "/"
    ctx.authorize(target_kind="risk_map", target_id="", target_path=scope_root)
    reg = ctx.uow.repo(REGISTRY)
    areas, _ = reg.list_areas(AreaFilter(scope_paths=scope), MAX_ROWS, 0)
    facilities, _ = reg.list_facilities(FacilityFilter(scope_paths=scope), MAX_ROWS, 0)
    hazards = [_hazard_source(f) for f in facilities if f.kind is FacilityKind.HAZARD_SOURCE]
    vulnerable = [
        risk.Source(f.id, f.name, f.location.lon, f.location.lat, _VULNERABLE[f.kind])
        for f in facilities
        if f.kind in _VULNERABLE
    ]
    alarms = [
        risk.Source(a.id, a.title, a.lon, a.lat, min(1.0, a.rank / 4.0), 1_000.0)
        for a in ctx.uow.repo(WARNING).open_alarms(scope)
        if a.lon is not None and a.lat is not None and not a.exercise
    ]
    anomalies = _recent_anomalies(ctx, query.window_h)
    cells = risk.risk_map(
        hazards=hazards,
        alarms=alarms,
        anomalies=anomalies,
        vulnerable=vulnerable,
        populations=_populations(areas, query.resolution),
        params=risk.RiskParams(resolution=query.resolution),
    )
    cells = [c for c in cells if c.risk >= query.min_risk]
    return risk.feature_collection(
        cells,
        resolution=query.resolution,
        generated_at=ctx.uow.clock.now().isoformat(),
        window_h=query.window_h,
        counts={
            "hazard_sources": len(hazards),
            "open_alarms": len(alarms),
            "anomalies": len(anomalies),
            "areas": len(areas),
            "cells": len(cells),
        },
    )


def _recent_anomalies(ctx: HandlerContext, window_h: float) -> list[risk.Source]:
    since = ctx.uow.clock.now() - timedelta(hours=window_h)
    events = ctx.uow.repo(AUDIT).events(types=["AnomalyDetected"], since=since, limit=MAX_ROWS)
    paths = ctx.uow.repo(ORG_PATHS)
    known: dict[str, str | None] = {}
    latest: dict[str, risk.Source] = {}
    for e in events:
        p = e.payload
        if p.get("exercise") or p.get("lon") is None or p.get("lat") is None:
            continue
        org = e.organisation_id or ""
        if org not in known:
            known[org] = paths.path_of(org) if org else None
        path = known[org]
        if path is None or not ctx.allowed(READ, path):
            continue
        latest[e.aggregate_id] = risk.Source(
            e.aggregate_id,
            f"{p.get('kind')} {p.get('reason')} at {p.get('observed_at')}",
            float(p["lon"]),
            float(p["lat"]),
            ANOMALY_SEVERITY,
            500.0,
        )
    return list(latest.values())


# --- impact ----------------------------------------------------------------------------------
def estimate_impact(query: EstimateImpact, ctx: HandlerContext) -> Impact:
    lon, lat = query.lon, query.lat
    if query.alarm_id is not None:
        alarm = ctx.uow.repo(WARNING).get_alarm(query.alarm_id)
        if alarm is None:
            raise NotFound("alarm", query.alarm_id)
        ctx.authorize(target_kind="alarm", target_id=alarm.id, target_path=alarm.path)
        if alarm.lon is None or alarm.lat is None:
            raise InvalidInput("alarm_id", "the alarm has no position; give lon and lat")
        lon, lat = alarm.lon, alarm.lat
    if lon is None or lat is None:
        raise InvalidInput("lon", "give lon and lat, or an alarm_id")
    scope = ctx.scope_paths
    ctx.authorize(target_kind="impact", target_id="", target_path=scope[0] if scope else "/")
    parameters: dict[str, Any]
    if query.release_g_s is not None:
        method, polygon, parameters = _plume(query, ctx, lon, lat)
    else:
        if query.threshold_mg_m3 is not None:
            raise InvalidInput("release_g_s", "a concentration threshold needs a release rate")
        radius = query.radius_m or buffers.buffer_radius_m(query.hazard)
        if not 0 < radius <= 50_000:
            raise InvalidInput("radius_m", "must be above 0 and at most 50,000 m")
        method, polygon = "buffer", buffers.circle(lon, lat, radius)
        parameters = {"radius_m": radius}
    if polygon is None:
        return Impact(method, query.hazard, {}, 0.0, 0, [], [], parameters)
    reg = ctx.uow.repo(REGISTRY)
    areas, _ = reg.list_areas(AreaFilter(scope_paths=scope), MAX_ROWS, 0)
    people = _people(polygon, areas)
    bbox = _bbox(polygon)
    candidates, _ = reg.list_facilities(FacilityFilter(scope_paths=scope, bbox=bbox), MAX_ROWS, 0)
    inside = exposure.points_inside(polygon, [(f.location.lon, f.location.lat) for f in candidates])
    facilities = [f for f, yes in zip(candidates, inside, strict=True) if yes]
    return Impact(
        method=method,
        hazard=query.hazard,
        area=polygon,
        area_km2=round(exposure.area_km2(polygon), 4),
        population=sum(p.population for p in people),
        areas=people,
        facilities=facilities,
        parameters=parameters,
    )


def _people(
    polygon: dict[str, Any], areas: Sequence[AdministrativeArea]
) -> list[exposure.PeopleIn]:
    """People inside, counted at the finest populated level that the polygon touches (so a
    district and its streets are not both counted)."""
    populated = [a for a in areas if a.population]
    by_depth: dict[int, list[AdministrativeArea]] = {}
    for a in populated:
        by_depth.setdefault(_AREA_DEPTH.get(a.level, 4), []).append(a)
    for depth in sorted(by_depth, reverse=True):
        rows = [
            (a.id, a.name, int(a.population or 0), a.boundary.to_geojson()) for a in by_depth[depth]
        ]
        found = exposure.people_inside(polygon, rows)
        if found:
            return found
    return []


def _bbox(polygon: Mapping[str, Any]) -> tuple[float, float, float, float]:
    ring = polygon["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return (min(lons), min(lats), max(lons), max(lats))


def _plume(
    query: EstimateImpact, ctx: HandlerContext, lon: float, lat: float
) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    if query.threshold_mg_m3 is None or not query.threshold_mg_m3 > 0:
        raise InvalidInput("threshold_mg_m3", "a plume needs a positive concentration threshold")
    speed, wind_from = query.wind_speed_m_s, query.wind_from_deg
    wind_source = "given"
    if query.wind_speed_datastream_id is not None:
        speed = _latest(ctx, query.wind_speed_datastream_id, "wind_speed_datastream_id")
        wind_source = "datastream"
    if query.wind_direction_datastream_id is not None:
        wind_from = _latest(ctx, query.wind_direction_datastream_id, "wind_direction_datastream_id")
        wind_source = "datastream"
    if speed is None:
        raise InvalidInput("wind_speed_m_s", "give the wind speed or a wind-speed datastream")
    if wind_from is None:
        raise InvalidInput(
            "wind_from_deg", "give the wind direction or a wind-direction datastream"
        )
    if not (0 <= speed < 75 and math.isfinite(speed)):
        raise InvalidInput("wind_speed_m_s", "must be within [0, 75) m/s")
    if not (0 <= wind_from <= 360):
        raise InvalidInput("wind_from_deg", "must be within [0, 360] degrees")
    try:
        terrain = plume.Terrain(query.terrain)
    except ValueError:
        raise InvalidInput("terrain", "must be 'urban' or 'rural'") from None
    if query.stability is None:
        stability = plume.pasquill_class(speed, daytime=query.daytime)
    else:
        try:
            stability = plume.Stability(query.stability.upper())
        except ValueError:
            raise InvalidInput("stability", "must be a Pasquill class A to F") from None
    try:
        release = plume.Release(
            lon=lon,
            lat=lat,
            rate_g_s=float(query.release_g_s or 0.0),
            wind_speed_m_s=speed,
            wind_from_deg=wind_from,
            stability=stability,
            terrain=terrain,
            height_m=query.release_height_m,
        )
    except ValueError as exc:
        field_name = str(exc).split(" ")[0]
        raise InvalidInput(field_name.replace("rate_g_s", "release_g_s"), str(exc)) from None
    fp = plume.footprint(release, query.threshold_mg_m3 / 1_000.0)
    parameters = {
        "release_g_s": release.rate_g_s,
        "threshold_mg_m3": query.threshold_mg_m3,
        "wind_speed_m_s": speed,
        "wind_from_deg": wind_from,
        "wind_source": wind_source,
        "stability": stability.value,
        "terrain": terrain.value,
        "release_height_m": release.height_m,
        "reach_m": round(fp.reach_m, 1),
        "half_width_m": round(fp.half_width_m, 1),
    }
    return "plume", fp.polygon, parameters


def _latest(ctx: HandlerContext, datastream_id: str, field_name: str) -> float:
    """The newest reading of a datastream the caller may see."""
    repo = ctx.uow.repo(MONITORING)
    stream = repo.get_datastream(datastream_id)
    if stream is None:
        raise InvalidInput(field_name, f"datastream {datastream_id!r} does not exist")
    ctx.authorize(target_kind="datastream", target_id=datastream_id, target_path=stream.path)
    rows = repo.list_observations(stream.number, None, 1)
    if not rows:
        raise InvalidInput(field_name, f"datastream {datastream_id!r} has no readings yet")
    return float(rows[0][1])


# --- cascade ---------------------------------------------------------------------------------
@cache
def shipped_graph_data() -> dict[str, Any]:
    text = resources.files("lifeline.warning").joinpath("seed_data/cascade_shenzhen.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text(encoding="utf-8"))
    return data


def forecast_cascade(query: ForecastCascade, ctx: HandlerContext) -> list[cascade_model.Failure]:
    scope = ctx.scope_paths
    ctx.authorize(target_kind="cascade", target_id="", target_path=scope[0] if scope else "/")
    if not query.failed:
        raise InvalidInput("failed", "name at least one failed node")
    if not 0 < query.horizon_h <= 24 * 30:
        raise InvalidInput("horizon_h", "must be above 0 and at most 720 hours")
    try:
        graph = cascade_model.parse_graph(query.graph or shipped_graph_data())
        return cascade_model.cascade(graph, query.failed, horizon_h=query.horizon_h)
    except cascade_model.CascadeError as exc:
        prefix = "graph." if query.graph is not None and exc.field != "failed" else ""
        raise InvalidInput(prefix + exc.field, exc.reason) from None
