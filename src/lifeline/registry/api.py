"""HTTP API of the registry: organisations, areas, facilities, their timelines and bulk import."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.kernel.coords import CoordinateSystem, to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.geo import Area, Point
from lifeline.registry.importers import geometry_to_wgs84
from lifeline.registry.model import (
    AdministrativeArea,
    AreaLevel,
    CapacityUnit,
    DefineArea,
    DepartmentType,
    Facility,
    FacilityKind,
    GetArea,
    GetFacility,
    GetOrganisation,
    ImportFacilitiesCsv,
    ImportGeoJson,
    ImportResult,
    ImportTarget,
    ListAreas,
    ListFacilities,
    Listing,
    ListOrganisations,
    Organisation,
    OrganisationTimeline,
    OrgKind,
    RegisterFacility,
    RegisterOrganisation,
    RemoveArea,
    RemoveFacility,
    RemoveOrganisation,
    UpdateArea,
    UpdateFacility,
    UpdateOrganisation,
)

T = TypeVar("T")
router = APIRouter(tags=["registry"])
Paging = Annotated[PageParams, Depends(page_params)]

Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(max_length=200)]
Phone = Annotated[str, Field(max_length=50)]
GeoJson = dict[str, Any]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- schemas -------------------------------------------------------------------------------


class OrganisationIn(_In):
    name: Name
    kind: OrgKind
    parent_id: str | None = Field(None, description="Required for every kind except city")
    name_en: ShortText | None = None
    department_type: DepartmentType | None = Field(None, description="Only for departments")
    admin_code: str | None = Field(None, max_length=20, description="6/9/12-digit division code")
    contact_name: ShortText | None = Field(None, description="Personal: masked without rights")
    contact_phone: Phone | None = Field(None, description="Personal: masked without rights")


class OrganisationPatch(_In):
    version: int | None = Field(None, description="Expected current version (409 if stale)")
    name: Name | None = None
    parent_id: str | None = Field(None, description="Move the organisation and its subtree")
    name_en: ShortText | None = None
    department_type: DepartmentType | None = None
    admin_code: str | None = Field(None, max_length=20)
    contact_name: ShortText | None = None
    contact_phone: Phone | None = None


class OrganisationOut(BaseModel):
    id: str
    name: str
    name_en: str | None
    kind: OrgKind
    department_type: DepartmentType | None
    parent_id: str | None
    path: str
    admin_code: str | None
    contact_name: str | None
    contact_phone: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, org: Organisation) -> OrganisationOut:
        return cls(
            id=org.id, name=org.name, name_en=org.name_en, kind=org.kind,
            department_type=org.department_type, parent_id=org.parent_id, path=org.path,
            admin_code=org.admin_code, contact_name=org.contact_name,
            contact_phone=org.contact_phone, created_at=org.created_at,
            updated_at=org.updated_at, version=org.version,
        )  # fmt: skip


class AreaIn(_In):
    name: Name
    level: AreaLevel
    organisation_id: str = Field(description="The owning organisation")
    boundary: GeoJson = Field(description="GeoJSON Polygon or MultiPolygon")
    crs: CoordinateSystem = Field(CoordinateSystem.WGS84, description="System of `boundary`")
    admin_code: str | None = Field(None, max_length=20)
    population: int | None = Field(None, ge=0)
    attributes: dict[str, Any] = Field(default_factory=dict)


class AreaPatch(_In):
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


class FacilityIn(_In):
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


class FacilityPatch(_In):
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


class EventOut(BaseModel):
    seq: int
    id: str
    type: str
    aggregate_type: str
    aggregate_id: str
    actor_id: str
    organisation_id: str | None
    occurred_at: datetime
    payload: dict[str, Any]
    hash: str

    @classmethod
    def of(cls, e: StoredEvent) -> EventOut:
        return cls(
            seq=e.seq, id=e.id, type=e.type, aggregate_type=e.aggregate_type,
            aggregate_id=e.aggregate_id, actor_id=e.actor_id, organisation_id=e.organisation_id,
            occurred_at=e.occurred_at, payload=e.payload, hash=e.hash,
        )  # fmt: skip


class CsvImportIn(_In):
    content: str = Field(description="The CSV text, header row first")
    crs: CoordinateSystem = CoordinateSystem.WGS84


class ImportOut(BaseModel):
    target: ImportTarget
    created: int
    ids: list[str]

    @classmethod
    def of(cls, result: ImportResult) -> ImportOut:
        return cls(target=result.target, created=len(result.created_ids),
                   ids=list(result.created_ids))  # fmt: skip


# --- parsing helpers -----------------------------------------------------------------------


def _prefixed(exc: InvalidInput, prefix: str) -> InvalidInput:
    return InvalidInput([FieldProblem(f"{prefix}.{p.field}", p.reason) for p in exc.problems])


def _location(obj: GeoJson, crs: CoordinateSystem, field: str = "location") -> Point:
    raw = Point.from_geojson(obj, field)
    try:
        return to_wgs84(raw.lon, raw.lat, crs)
    except InvalidInput as exc:
        raise _prefixed(exc, field) from exc


def _boundary(obj: GeoJson, crs: CoordinateSystem, field: str = "boundary") -> Area:
    return Area.from_geojson(geometry_to_wgs84(obj, crs), field)


def _numbers(text: str | None, count: int, field: str) -> list[float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != count:
        raise InvalidInput(field, f"must be {count} comma-separated numbers")
    return values


def _point(text: str | None, field: str) -> Point | None:
    values = _numbers(text, 2, field)
    if values is None:
        return None
    try:
        return Point(values[0], values[1])
    except InvalidInput as exc:
        raise _prefixed(exc, field) from exc


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    values = _numbers(text, 4, "query.bbox")
    if values is None:
        return None
    min_lon, min_lat, max_lon, max_lat = values
    if min_lon > max_lon or min_lat > max_lat:
        raise InvalidInput("query.bbox", "must be min_lon,min_lat,max_lon,max_lat")
    return (min_lon, min_lat, max_lon, max_lat)


def _patch(body: _In, *, exclude: tuple[str, ...] = ("version", "crs")) -> dict[str, Any]:
    """The fields the client sent (others stay UNSET); ``null`` clears an optional field."""
    return {k: getattr(body, k) for k in body.model_fields_set if k not in exclude}


def _required(values: dict[str, Any], *names: str) -> None:
    nulls = [
        FieldProblem(n, "must not be null") for n in names if n in values and values[n] is None
    ]
    if nulls:
        raise InvalidInput(nulls)


def _page(listing: Listing[Any], items: list[T], paging: PageParams) -> Page[T]:
    return Page[T](items=items, total=listing.total, limit=paging.limit, offset=paging.offset)


# --- organisations -------------------------------------------------------------------------


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def create_organisation(body: OrganisationIn, bus: BusDep, actor: CurrentActor) -> OrganisationOut:
    """Register an organisation below ``parent_id`` (cities are roots)."""
    org = bus.handle(RegisterOrganisation(**body.model_dump()), actor)
    return OrganisationOut.of(org)


@router.get("/organisations", response_model=Page[OrganisationOut])
def list_organisations(
    *,
    bus: BusDep,
    actor: CurrentActor,
    paging: Paging,
    kind: OrgKind | None = None,
    parent_id: str | None = None,
    department_type: DepartmentType | None = None,
    name: str | None = None,
) -> Page[OrganisationOut]:
    """Organisations in your scope, in tree order."""
    listing: Listing[Organisation] = bus.handle(ListOrganisations(
        kind=kind, parent_id=parent_id, department_type=department_type, name=name,
        limit=paging.limit, offset=paging.offset,
    ), actor)  # fmt: skip
    return _page(listing, [OrganisationOut.of(o) for o in listing.items], paging)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut)
def get_organisation(organisation_id: str, bus: BusDep, actor: CurrentActor) -> OrganisationOut:
    return OrganisationOut.of(bus.handle(GetOrganisation(organisation_id=organisation_id), actor))


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut)
def patch_organisation(
    organisation_id: str, body: OrganisationPatch, bus: BusDep, actor: CurrentActor
) -> OrganisationOut:
    """Change the fields sent; ``parent_id`` moves the whole subtree."""
    values = _patch(body)
    _required(values, "name", "parent_id")
    cmd = UpdateOrganisation(organisation_id=organisation_id, expected_version=body.version,
                             **values)  # fmt: skip
    return OrganisationOut.of(bus.handle(cmd, actor))


@router.delete("/organisations/{organisation_id}", status_code=204)
def delete_organisation(
    organisation_id: str, bus: BusDep, actor: CurrentActor, version: int | None = None
) -> Response:
    """Remove an organisation that has no children, areas or facilities."""
    bus.handle(RemoveOrganisation(organisation_id=organisation_id, expected_version=version),
               actor)  # fmt: skip
    return Response(status_code=204)


@router.get("/organisations/{organisation_id}/timeline", response_model=list[EventOut])
def organisation_timeline(organisation_id: str, bus: BusDep, actor: CurrentActor) -> list[EventOut]:
    """The organisation's events from the audit log, oldest first (needs ``audit.read``)."""
    events = bus.handle(OrganisationTimeline(organisation_id=organisation_id), actor)
    return [EventOut.of(e) for e in events]


# --- areas ---------------------------------------------------------------------------------


@router.post("/areas", status_code=201, response_model=AreaOut)
def create_area(body: AreaIn, bus: BusDep, actor: CurrentActor) -> AreaOut:
    cmd = DefineArea(
        name=body.name, level=body.level, organisation_id=body.organisation_id,
        boundary=_boundary(body.boundary, body.crs), admin_code=body.admin_code,
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
        level=level, organisation_id=organisation_id, name=name, bbox=_bbox(bbox),
        contains=_point(contains, "query.contains"), limit=paging.limit, offset=paging.offset,
    ), actor)  # fmt: skip
    return _page(listing, [AreaOut.of(a) for a in listing.items], paging)


@router.get("/areas/{area_id}", response_model=AreaOut)
def get_area(area_id: str, bus: BusDep, actor: CurrentActor) -> AreaOut:
    return AreaOut.of(bus.handle(GetArea(area_id=area_id), actor))


@router.patch("/areas/{area_id}", response_model=AreaOut)
def patch_area(area_id: str, body: AreaPatch, bus: BusDep, actor: CurrentActor) -> AreaOut:
    values = _patch(body)
    _required(values, "name", "level", "boundary", "attributes")
    if values.get("boundary") is not None:
        values["boundary"] = _boundary(values["boundary"], body.crs)
    cmd = UpdateArea(area_id=area_id, expected_version=body.version, **values)
    return AreaOut.of(bus.handle(cmd, actor))


@router.delete("/areas/{area_id}", status_code=204)
def delete_area(
    area_id: str, bus: BusDep, actor: CurrentActor, version: int | None = None
) -> Response:
    bus.handle(RemoveArea(area_id=area_id, expected_version=version), actor)
    return Response(status_code=204)


# --- facilities ----------------------------------------------------------------------------


@router.post("/facilities", status_code=201, response_model=FacilityOut)
def create_facility(body: FacilityIn, bus: BusDep, actor: CurrentActor) -> FacilityOut:
    """Register a facility; a GCJ-02/BD-09 ``location`` is converted to WGS84 and the original
    system recorded as ``source_crs``."""
    cmd = RegisterFacility(
        name=body.name, kind=body.kind, location=_location(body.location, body.crs),
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
    center = _point(near, "query.near")
    if (center is None) != (radius_m is None):
        raise InvalidInput("query.near" if center is None else "query.radius_m",
                           "near and radius_m go together")  # fmt: skip
    listing: Listing[Facility] = bus.handle(ListFacilities(
        kind=kind, organisation_id=organisation_id, name=name, bbox=_bbox(bbox), near=center,
        radius_m=radius_m, limit=paging.limit, offset=paging.offset,
    ), actor)  # fmt: skip
    return _page(listing, [FacilityOut.of(f, center) for f in listing.items], paging)


@router.get("/facilities/{facility_id}", response_model=FacilityOut)
def get_facility(facility_id: str, bus: BusDep, actor: CurrentActor) -> FacilityOut:
    return FacilityOut.of(bus.handle(GetFacility(facility_id=facility_id), actor))


@router.patch("/facilities/{facility_id}", response_model=FacilityOut)
def patch_facility(
    facility_id: str, body: FacilityPatch, bus: BusDep, actor: CurrentActor
) -> FacilityOut:
    values = _patch(body)
    _required(values, "name", "kind", "location", "attributes")
    if values.get("location") is not None:
        values["location"] = _location(values["location"], body.crs)
        values["source_crs"] = body.crs
    cmd = UpdateFacility(facility_id=facility_id, expected_version=body.version, **values)
    return FacilityOut.of(bus.handle(cmd, actor))


@router.delete("/facilities/{facility_id}", status_code=204)
def delete_facility(
    facility_id: str, bus: BusDep, actor: CurrentActor, version: int | None = None
) -> Response:
    bus.handle(RemoveFacility(facility_id=facility_id, expected_version=version), actor)
    return Response(status_code=204)


# --- bulk import ---------------------------------------------------------------------------


@router.post("/registry/import/geojson", status_code=201, response_model=ImportOut)
def import_geojson(
    bus: BusDep,
    actor: CurrentActor,
    collection: Annotated[GeoJson, Body(description="A GeoJSON FeatureCollection")],
    target: ImportTarget,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> ImportOut:
    """Import every feature as an area or a facility, or nothing: a 422 lists each failing
    feature and field (``features[3].geometry``)."""
    result = bus.handle(ImportGeoJson(target=target, collection=collection, crs=crs), actor)
    return ImportOut.of(result)


CSV_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": CsvImportIn.model_json_schema()},
        },
    }
}


@router.post("/registry/import/csv", status_code=201, response_model=ImportOut,
             openapi_extra=CSV_BODY_DOC)  # fmt: skip
async def import_csv(
    request: Request,
    bus: BusDep,
    actor: CurrentActor,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> ImportOut:
    """Import facilities from CSV (UTF-8 or GBK/GB18030): a ``text/csv`` body, or JSON
    ``{"content": "...", "crs": "GCJ-02"}``. All rows or none: a 422 lists each failing row and
    field (``rows[7].lon``)."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = CsvImportIn.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidInput(
                [
                    FieldProblem(
                        ".".join(str(p) for p in e["loc"]) or "body",
                        "unknown field" if e["type"] == "extra_forbidden" else e["msg"],
                    )
                    for e in exc.errors()
                ]
            ) from exc
        content, crs = body.content.encode("utf-8"), body.crs
    elif content_type in ("text/csv", "text/plain", "application/octet-stream", ""):
        content = raw
    else:
        raise InvalidInput("content-type", "send text/csv or application/json")
    cmd = ImportFacilitiesCsv(content=content, crs=crs)
    result = await run_in_threadpool(bus.handle, cmd, actor)
    return ImportOut.of(result)
