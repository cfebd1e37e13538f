"""Facility endpoints: CRUD (in WGS84, GCJ-02 or BD-09) and nearby search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.registry.api._parsing import (
    bbox_of,
    location_of,
    patch_values,
    point_of,
    require_not_null,
)
from lifeline.registry.api._schemas import (
    GeoJson,
    InputModel,
    Name,
    Paging,
    Phone,
    ShortText,
    page_of,
)
from lifeline.registry.model import (
    CapacityUnit,
    Facility,
    FacilityKind,
    GetFacility,
    ListFacilities,
    Listing,
    RegisterFacility,
    RemoveFacility,
    UpdateFacility,
)

router = APIRouter()


class FacilityIn(InputModel):
    name: Name
    kind: FacilityKind
    location: GeoJson = Field(description="GeoJSON Point [lon, lat] in `crs`")
    crs: CoordinateSystem = Field(CoordinateSystem.WGS84, description="System of `location`")
    organisation_id: str = Field(description="The owning organisation")
    capacity: int | None = Field(None, ge=0)
    capacity_unit: CapacityUnit | None = None
    address: str | None = Field(None, max_length=500)
    contact_name: ShortText | None = None
    contact_phone: Phone | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class FacilityPatch(InputModel):
    version: int | None = None
    name: Name | None = None
    kind: FacilityKind | None = None
    location: GeoJson | None = None
    crs: CoordinateSystem = CoordinateSystem.WGS84
    capacity: int | None = Field(None, ge=0)
    capacity_unit: CapacityUnit | None = None
    address: str | None = Field(None, max_length=500)
    contact_name: ShortText | None = None
    contact_phone: Phone | None = None
    attributes: dict[str, Any] | None = None


class FacilityOut(BaseModel):
    id: str
    name: str
    kind: FacilityKind
    location: GeoJson
    source_crs: CoordinateSystem
    capacity: int | None
    capacity_unit: CapacityUnit | None
    organisation_id: str
    path: str
    address: str | None
    contact_name: str | None
    contact_phone: str | None
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    distance_m: float | None = Field(None, description="Only with `near`: metres from it")

    @classmethod
    def of(cls, f: Facility, near: Point | None = None) -> FacilityOut:
        return cls(
            id=f.id, name=f.name, kind=f.kind, location=f.location.to_geojson(),
            source_crs=f.source_crs, capacity=f.capacity, capacity_unit=f.capacity_unit,
            organisation_id=f.organisation_id, path=f.path, address=f.address,
            contact_name=f.contact_name, contact_phone=f.contact_phone,
            attributes=dict(f.attributes), created_at=f.created_at, updated_at=f.updated_at,
            version=f.version,
            distance_m=None if near is None else round(near.distance_m(f.location), 1),
        )  # fmt: skip


@router.post("/facilities", status_code=201, response_model=FacilityOut)
def create_facility(body: FacilityIn, bus: BusDep, actor: CurrentActor) -> FacilityOut:
    """Register a facility; a GCJ-02/BD-09 ``location`` is converted to WGS84 and the original
    system recorded as ``source_crs``."""
    cmd = RegisterFacility(
        name=body.name, kind=body.kind, location=location_of(body.location, body.crs),
        organisation_id=body.organisation_id, source_crs=body.crs, capacity=body.capacity,
        capacity_unit=body.capacity_unit, address=body.address, contact_name=body.contact_name,
        contact_phone=body.contact_phone, attributes=body.attributes,
    )  # fmt: skip
    return FacilityOut.of(bus.handle(cmd, actor))


@router.get("/facilities", response_model=Page[FacilityOut])
def list_facilities(
    *,
    bus: BusDep,
    actor: CurrentActor,
    paging: Paging,
    kind: FacilityKind | None = None,
    organisation_id: str | None = None,
    name: str | None = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    near: Annotated[str | None, Query(description="lon,lat (WGS84); needs radius_m")] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=500_000)] = None,
) -> Page[FacilityOut]:
    """Facilities in your scope; with ``near`` and ``radius_m`` the nearest first."""
    center = point_of(near, "query.near")
    if (center is None) != (radius_m is None):
        raise InvalidInput("query.near" if center is None else "query.radius_m",
                           "near and radius_m go together")  # fmt: skip
    listing: Listing[Facility] = bus.handle(ListFacilities(
        kind=kind, organisation_id=organisation_id, name=name, bbox=bbox_of(bbox), near=center,
        radius_m=radius_m, limit=paging.limit, offset=paging.offset,
    ), actor)  # fmt: skip
    return page_of(listing, [FacilityOut.of(f, center) for f in listing.items], paging)


@router.get("/facilities/{facility_id}", response_model=FacilityOut)
def get_facility(facility_id: str, bus: BusDep, actor: CurrentActor) -> FacilityOut:
    return FacilityOut.of(bus.handle(GetFacility(facility_id=facility_id), actor))


@router.patch("/facilities/{facility_id}", response_model=FacilityOut)
def patch_facility(
    facility_id: str, body: FacilityPatch, bus: BusDep, actor: CurrentActor
) -> FacilityOut:
    values = patch_values(body)
    require_not_null(values, "name", "kind", "location", "attributes")
    if values.get("location") is not None:
        values["location"] = location_of(values["location"], body.crs)
        values["source_crs"] = body.crs
    cmd = UpdateFacility(facility_id=facility_id, expected_version=body.version, **values)
    return FacilityOut.of(bus.handle(cmd, actor))


@router.delete("/facilities/{facility_id}", status_code=204)
def delete_facility(
    facility_id: str, bus: BusDep, actor: CurrentActor, version: int | None = None
) -> Response:
    bus.handle(RemoveFacility(facility_id=facility_id, expected_version=version), actor)
    return Response(status_code=204)
