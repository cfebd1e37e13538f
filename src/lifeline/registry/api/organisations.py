"""Organisation endpoints: CRUD, listing in tree order and the audit timeline."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.api.schemas import EventOut
from lifeline.registry.api._parsing import patch_values, require_not_null
from lifeline.registry.api._schemas import InputModel, Name, Paging, Phone, ShortText, page_of
from lifeline.registry.model import (
    DepartmentType,
    GetOrganisation,
    Listing,
    ListOrganisations,
    Organisation,
    OrganisationTimeline,
    OrgKind,
    RegisterOrganisation,
    RemoveOrganisation,
    UpdateOrganisation,
)

router = APIRouter()


class OrganisationIn(InputModel):
    name: Name
    kind: OrgKind
    parent_id: str | None = Field(None, description="Required for every kind except city")
    name_en: ShortText | None = None
    department_type: DepartmentType | None = Field(None, description="Only for departments")
    admin_code: str | None = Field(None, max_length=20, description="6/9/12-digit division code")
    contact_name: ShortText | None = Field(None, description="Personal: masked without rights")
    contact_phone: Phone | None = Field(None, description="Personal: masked without rights")


class OrganisationPatch(InputModel):
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
    return page_of(listing, [OrganisationOut.of(o) for o in listing.items], paging)


@router.get("/organisations/{organisation_id}", response_model=OrganisationOut)
def get_organisation(organisation_id: str, bus: BusDep, actor: CurrentActor) -> OrganisationOut:
    return OrganisationOut.of(bus.handle(GetOrganisation(organisation_id=organisation_id), actor))


@router.patch("/organisations/{organisation_id}", response_model=OrganisationOut)
def patch_organisation(
    organisation_id: str, body: OrganisationPatch, bus: BusDep, actor: CurrentActor
) -> OrganisationOut:
    """Change the fields sent; ``parent_id`` moves the whole subtree."""
    values = patch_values(body)
    require_not_null(values, "name", "parent_id")
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
