"""HTTP routes for analysis: the risk map (GeoJSON), impact estimates and cascade forecasts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.warning.api._common import Strict
from lifeline.warning.service import analysis as a

router = APIRouter()

GEOJSON = "application/geo+json"


@router.get(
    "/risk-map",
    summary="Risk per H3 cell in your scope, as a GeoJSON FeatureCollection with explanations",
    response_class=JSONResponse,
    responses={200: {"content": {GEOJSON: {}}}},
)
def risk_map(
    bus: BusDep,
    actor: CurrentActor,
    resolution: Annotated[int, Query(ge=4, le=9, description="H3 resolution")] = 7,
    window_h: Annotated[
        float, Query(gt=0, le=168, description="hours of anomalies counted as signals")
    ] = 6.0,
    min_risk: Annotated[float, Query(ge=0, le=1, description="leave out cells below")] = 0.0,
) -> JSONResponse:
    body = bus.handle(a.RiskMap(resolution=resolution, window_h=window_h, min_risk=min_risk), actor)
    return JSONResponse(body, media_type=GEOJSON)


class ImpactIn(Strict):
    hazard: str = Field(min_length=1, max_length=40, examples=["toxic_release"])
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    alarm_id: str | None = Field(default=None, max_length=80)
    radius_m: float | None = Field(default=None, gt=0, le=50_000)
    release_g_s: float | None = Field(default=None, gt=0, le=1e7, description="g/s released")
    threshold_mg_m3: float | None = Field(default=None, gt=0, le=1e6)
    release_height_m: float = Field(default=2.0, ge=0, le=500)
    wind_speed_m_s: float | None = Field(default=None, ge=0, lt=75)
    wind_from_deg: float | None = Field(default=None, ge=0, le=360)
    wind_speed_datastream_id: str | None = Field(default=None, max_length=80)
    wind_direction_datastream_id: str | None = Field(default=None, max_length=80)
    stability: Literal["A", "B", "C", "D", "E", "F"] | None = None
    terrain: Literal["urban", "rural"] = "urban"
    daytime: bool = True


class PeopleOut(BaseModel):
    area_id: str
    name: str
    population: int
    share: float


class FacilityOut(BaseModel):
    id: str
    name: str
    kind: str
    lon: float
    lat: float


class ImpactOut(BaseModel):
    method: str
    hazard: str
    area: dict[str, Any] = Field(description="GeoJSON Polygon of the affected area")
    area_km2: float
    population: int
    areas: list[PeopleOut]
    facilities: list[FacilityOut]
    parameters: dict[str, Any]

    @classmethod
    def of(cls, i: a.Impact) -> ImpactOut:
        return cls(
            method=i.method,
            hazard=i.hazard,
            area=i.area,
            area_km2=i.area_km2,
            population=i.population,
            areas=[PeopleOut.model_validate(p, from_attributes=True) for p in i.areas],
            facilities=[
                FacilityOut(
                    id=f.id,
                    name=f.name,
                    kind=f.kind.value,
                    lon=f.location.lon,
                    lat=f.location.lat,
                )
                for f in i.facilities
            ],
            parameters=i.parameters,
        )


@router.post("/impact", summary="Affected area (plume or buffer), people and facilities inside")
def impact(body: ImpactIn, bus: BusDep, actor: CurrentActor) -> ImpactOut:
    return ImpactOut.of(bus.handle(a.EstimateImpact(**body.model_dump()), actor))


class CascadeIn(Strict):
    failed: list[str] = Field(min_length=1, max_length=200)
    graph: dict[str, Any] | None = Field(
        default=None, description="{nodes: [...], edges: [...]}; the shipped graph when absent"
    )
    horizon_h: float = Field(default=72.0, gt=0, le=720)


class FailureOut(BaseModel):
    node_id: str
    name: str
    kind: str
    fails_at_h: float
    resource: str | None
    because_of: str | None
    population: int


@router.post("/cascade", summary="What fails next, and when, after the given failures")
def cascade(body: CascadeIn, bus: BusDep, actor: CurrentActor) -> list[FailureOut]:
    failures = bus.handle(
        a.ForecastCascade(failed=tuple(body.failed), graph=body.graph, horizon_h=body.horizon_h),
        actor,
    )
    return [FailureOut.model_validate(f, from_attributes=True) for f in failures]
