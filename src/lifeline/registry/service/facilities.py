"""Facility use cases: register, update, remove, get, list (also nearby)."""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.registry.model import (
    DEFAULT_CAPACITY_UNIT,
    PERSONAL_FIELDS,
    Facility,
    FacilityFilter,
    FacilityRegistered,
    FacilityRemoved,
    FacilityUpdated,
    GetFacility,
    ListFacilities,
    Listing,
    Organisation,
    RegisterFacility,
    RegistryRepository,
    RemoveFacility,
    Unset,
    UpdateFacility,
)
from lifeline.registry.service._common import (
    authorize_collection,
    authorized,
    changed_fields,
    check_version,
    load_org,
    non_negative,
    repo_of,
    split_personal,
    valid_attributes,
    valid_name,
    valid_phone,
    valid_text,
    view,
)


def _load_facility(ctx: HandlerContext, facility_id: str) -> Facility:
    return authorized(ctx, "facility", repo_of(ctx).get_facility(facility_id), facility_id)


def _check_facility_name(
    repo: RegistryRepository, owner_id: str, name: str, own_id: str | None = None
) -> None:
    other = repo.facility_named(owner_id, name)
    if other is not None and other.id != own_id:
        raise Conflict(f"the owner already has a facility named {name!r}")


def new_facility(ctx: HandlerContext, cmd: RegisterFacility, owner: Organisation) -> Facility:
    now = ctx.uow.clock.now()
    capacity = non_negative(cmd.capacity, "capacity")
    unit = cmd.capacity_unit
    if unit is None and capacity is not None:
        unit = DEFAULT_CAPACITY_UNIT[cmd.kind]
    facility = Facility(
        id=new_id(),
        name=valid_name(cmd.name),
        kind=cmd.kind,
        location=cmd.location,
        capacity=capacity,
        capacity_unit=unit,
        organisation_id=owner.id,
        path=owner.path,
        address=valid_text(cmd.address, "address", 500),
        contact_name=valid_text(cmd.contact_name, "contact_name", 200),
        contact_phone=valid_phone(cmd.contact_phone),
        source_crs=cmd.source_crs,
        attributes=valid_attributes(cmd.attributes),
        created_at=now,
        updated_at=now,
        version=1,
    )
    repo_of(ctx).add_facility(facility)
    ctx.uow.record(
        FacilityRegistered(
            aggregate_id=facility.id,
            organisation_id=owner.id,
            name=facility.name,
            kind=facility.kind,
            location=facility.location,
            source_crs=facility.source_crs,
            capacity=facility.capacity,
            capacity_unit=facility.capacity_unit,
            owner_id=owner.id,
            address=facility.address,
            attributes=facility.attributes,
            personal_fields_set=tuple(
                f for f in PERSONAL_FIELDS if getattr(facility, f) is not None
            ),
        )
    )
    return facility


def register_facility(cmd: RegisterFacility, ctx: HandlerContext) -> Facility:
    owner = load_org(ctx, cmd.organisation_id)
    _check_facility_name(repo_of(ctx), owner.id, valid_name(cmd.name))
    return view(ctx, new_facility(ctx, cmd, owner), "facility")


def update_facility(cmd: UpdateFacility, ctx: HandlerContext) -> Facility:
    repo = repo_of(ctx)
    facility = _load_facility(ctx, cmd.facility_id)
    check_version(cmd.expected_version, facility.version, "facility")
    changes = changed_fields(
        facility,
        name=cmd.name if isinstance(cmd.name, Unset) else valid_name(cmd.name),
        kind=cmd.kind,
        location=cmd.location,
        source_crs=cmd.source_crs,
        capacity=cmd.capacity
        if isinstance(cmd.capacity, Unset)
        else non_negative(cmd.capacity, "capacity"),
        capacity_unit=cmd.capacity_unit,
        address=cmd.address
        if isinstance(cmd.address, Unset)
        else valid_text(cmd.address, "address", 500),
        contact_name=cmd.contact_name
        if isinstance(cmd.contact_name, Unset)
        else valid_text(cmd.contact_name, "contact_name", 200),
        contact_phone=cmd.contact_phone
        if isinstance(cmd.contact_phone, Unset)
        else valid_phone(cmd.contact_phone),
        attributes=cmd.attributes
        if isinstance(cmd.attributes, Unset)
        else valid_attributes(cmd.attributes),
    )
    if not changes:
        return view(ctx, facility, "facility")
    if "name" in changes:
        _check_facility_name(repo, facility.organisation_id, changes["name"], facility.id)
    updated = dataclasses.replace(
        facility, **changes, updated_at=ctx.uow.clock.now(), version=facility.version + 1
    )
    if not repo.update_facility(updated, facility.version):
        raise Conflict("the facility was changed concurrently; reload and retry")
    public, personal = split_personal(changes)
    ctx.uow.record(
        FacilityUpdated(
            aggregate_id=facility.id,
            organisation_id=facility.organisation_id,
            changes=public,
            personal_fields_changed=personal,
            version=updated.version,
        )
    )
    return view(ctx, updated, "facility")


def remove_facility(cmd: RemoveFacility, ctx: HandlerContext) -> None:
    facility = _load_facility(ctx, cmd.facility_id)
    check_version(cmd.expected_version, facility.version, "facility")
    repo_of(ctx).delete_facility(facility.id)
    ctx.uow.record(
        FacilityRemoved(
            aggregate_id=facility.id, organisation_id=facility.organisation_id, name=facility.name
        )
    )


def get_facility(query: GetFacility, ctx: HandlerContext) -> Facility:
    return view(ctx, _load_facility(ctx, query.facility_id), "facility")


def list_facilities(query: ListFacilities, ctx: HandlerContext) -> Listing[Facility]:
    if (query.near is None) != (query.radius_m is None):
        raise InvalidInput(
            "near" if query.near is None else "radius_m", "near and radius_m go together"
        )
    if query.radius_m is not None and not 0 < query.radius_m <= 500_000:
        raise InvalidInput("radius_m", "must be greater than 0 and at most 500000")
    if not ctx.scope_paths:
        return Listing([], 0)
    authorize_collection(ctx, "facility")
    items, total = repo_of(ctx).list_facilities(
        FacilityFilter(
            scope_paths=ctx.scope_paths,
            kind=query.kind,
            organisation_id=query.organisation_id,
            name=query.name,
            bbox=query.bbox,
            near=query.near,
            radius_m=query.radius_m,
        ),
        query.limit,
        query.offset,
    )
    return Listing([view(ctx, f, "facility") for f in items], total)
