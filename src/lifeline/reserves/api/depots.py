"""HTTP routes for the material catalogue and depots."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, PageDep, Strict
from lifeline.reserves.model import (
    Depot,
    DepotLevel,
    Material,
)

router = APIRouter()


# --- catalogue ------------------------------------------------------------------------------
class MaterialOut(BaseModel):
    code: str
    class_code: str
    name: str
    name_en: str
    unit: str
    countable: bool
    shelf_life_days: int | None
    storage: str
    weight_kg: float
    volume_m3: float


@router.get("/materials", summary="The material catalogue (GB/T 38565-2020 classes)")
def list_materials(bus: BusDep, actor: CurrentActor) -> list[MaterialOut]:
    materials: list[Material] = bus.handle(m.ListMaterials(), actor)
    return [MaterialOut.model_validate(x, from_attributes=True) for x in materials]


# --- depots ---------------------------------------------------------------------------------
class DepotIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    level: DepotLevel
    location: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    capacity_volume_m3: float = Field(gt=0)
    capacity_weight_kg: float = Field(gt=0)
    operator: str = Field("", max_length=200)


class DepotOut(BaseModel):
    id: str
    name: str
    organisation_id: str
    level: DepotLevel
    location: GeoJson
    capacity_volume_m3: float
    capacity_weight_kg: float
    operator: str
    created_at: datetime

    @classmethod
    def of(cls, d: Depot) -> DepotOut:
        return cls(
            id=d.id, name=d.name, organisation_id=d.organisation_id, level=d.level,
            location=d.location.to_geojson(), capacity_volume_m3=d.capacity_volume_m3,
            capacity_weight_kg=d.capacity_weight_kg, operator=d.operator,
            created_at=d.created_at,
        )  # fmt: skip


@router.post("/depots", status_code=status.HTTP_201_CREATED, summary="Create a depot (储备库)")
def create_depot(body: DepotIn, bus: BusDep, actor: CurrentActor) -> DepotOut:
    depot = bus.handle(
        m.CreateDepot(
            name=body.name,
            organisation_id=body.organisation_id,
            level=body.level,
            location=Point.from_geojson(body.location, "location"),
            capacity_volume_m3=body.capacity_volume_m3,
            capacity_weight_kg=body.capacity_weight_kg,
            operator=body.operator,
        ),
        actor,
    )
    return DepotOut.of(depot)


@router.get("/depots", summary="Depots in your scope")
def list_depots(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[DepotOut]:
    depots, total = bus.handle(m.ListDepots(limit=page.limit, offset=page.offset), actor)
    return Page[DepotOut](
        items=[DepotOut.of(d) for d in depots], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/depots/{depot_id}", summary="One depot")
def get_depot(depot_id: str, bus: BusDep, actor: CurrentActor) -> DepotOut:
    return DepotOut.of(bus.handle(m.GetDepot(depot_id=depot_id), actor))
