"""Administrative-area endpoints: CRUD and search by bbox or by a point they cover."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.kernel.coords import CoordinateSystem
from lifeline.registry.api._parsing import (
    bbox_of,
    boundary_of,
    patch_values,
    point_of,
    require_not_null,
)
from lifeline.registry.api._schemas import GeoJson, InputModel, Name, Paging, page_of
from lifeline.registry.model import (
    AdministrativeArea,
    AreaLevel,
    DefineArea,
    GetArea,
    ListAreas,
    Listing,
    RemoveArea,
    UpdateArea,
)

router = APIRouter()


class AreaIn(InputModel):
    name: Name
    level: AreaLevel
    organisation_id: str = Field(description="The owning organisation")
    boundary: GeoJson = Field(description="GeoJSON Polygon or MultiPolygon")
    crs: CoordinateSystem = Field(CoordinateSystem.WGS84, description="System of `boundary`")
    admin_code: str | None = Field(None, max_length=20)
    population: int | None = Field(None, ge=0)
    attributes: dict[str, Any] = Field(default_factory=dict)


class AreaPatch(InputModel):
    version: int | None = None
    name: Name | None = None
    level: AreaLevel | None = None
    boundary: GeoJson | None = None
    crs: CoordinateSystem = CoordinateSystem.WGS84
    admin_code: str | None = Field(None, max_length=20)
    population: int | None = Field(None, ge=0)
    attributes: dict[str, Any] | None = None


class AreaOut(BaseModel):
    id: str
    name: str
    level: AreaLevel
    admin_code: str | None
    organisation_id: str
    path: str
    boundary: GeoJson
    bbox: list[float]
    population: int | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, area: AdministrativeArea) -> AreaOut:
        return cls(
            id=area.id, name=area.name, level=area.level, admin_code=area.admin_code,
            organisation_id=area.organisation_id, path=area.path,
            boundary=area.boundary.to_geojson(), bbox=list(area.boundary.bbox()),
            population=area.population, attributes=dict(area.attributes),
            created_at=area.created_at, updated_at=area.updated_at, version=area.version,
        )  # fmt: skip


@router.post("/areas", status_code=201, response_model=AreaOut)
def create_area(body: AreaIn, bus: BusDep, actor: CurrentActor) -> AreaOut:
    cmd = DefineArea(
        name=body.name, level=body.level, organisation_id=body.organisation_id,
        boundary=boundary_of(body.boundary, body.crs), admin_code=body.admin_code,
        population=body.population, attributes=body.attributes,
    )  # fmt: skip
    return AreaOut.of(bus.handle(cmd, actor))


@router.get("/areas", response_model=Page[AreaOut])
def list_areas(
    *,
    bus: BusDep,
    actor: CurrentActor,
    paging: Paging,
    level: AreaLevel | None = None,
    organisation_id: str | None = None,
    name: str | None = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    contains: Annotated[str | None, Query(description="lon,lat: areas covering it")] = None,
) -> Page[AreaOut]:
    listing: Listing[AdministrativeArea] = bus.handle(ListAreas(
        level=level, organisation_id=organisation_id, name=name, bbox=bbox_of(bbox),
        contains=point_of(contains, "query.contains"), limit=paging.limit, offset=paging.offset,
    ), actor)  # fmt: skip
    return page_of(listing, [AreaOut.of(a) for a in listing.items], paging)


@router.get("/areas/{area_id}", response_model=AreaOut)
def get_area(area_id: str, bus: BusDep, actor: CurrentActor) -> AreaOut:
    return AreaOut.of(bus.handle(GetArea(area_id=area_id), actor))


@router.patch("/areas/{area_id}", response_model=AreaOut)
def patch_area(area_id: str, body: AreaPatch, bus: BusDep, actor: CurrentActor) -> AreaOut:
    values = patch_values(body)
    require_not_null(values, "name", "level", "boundary", "attributes")
    if values.get("boundary") is not None:
        values["boundary"] = boundary_of(values["boundary"], body.crs)
    cmd = UpdateArea(area_id=area_id, expected_version=body.version, **values)
    return AreaOut.of(bus.handle(cmd, actor))


@router.delete("/areas/{area_id}", status_code=204)
def delete_area(
    area_id: str, bus: BusDep, actor: CurrentActor, version: int | None = None
) -> Response:
    bus.handle(RemoveArea(area_id=area_id, expected_version=version), actor)
    return Response(status_code=204)
