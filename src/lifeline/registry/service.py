"""Registry use cases: one handler per command and query, each authorised and audited.

Every handler loads its target and calls ``ctx.authorize`` with the owning organisation's path
(for a create: the parent's or owner's path); list queries filter by ``ctx.scope_paths`` and log
one decision for the collection. Personal fields are returned unmasked only to callers allowed
``personal.read`` on the record, and each such read is logged with the fields it revealed.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.errors import Conflict, FieldProblem, InvalidInput, NotFound
from lifeline.kernel.events import StoredEvent, json_safe
from lifeline.kernel.ids import new_id
from lifeline.registry import hierarchy, importers
from lifeline.registry.model import (
    DEFAULT_CAPACITY_UNIT,
    MAX_NAME_LENGTH,
    PERSONAL_FIELDS,
    REGISTRY,
    AdministrativeArea,
    AreaDefined,
    AreaFilter,
    AreaRemoved,
    AreaUpdated,
    DefineArea,
    Facility,
    FacilityFilter,
    FacilityRegistered,
    FacilityRemoved,
    FacilityUpdated,
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
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationTimeline,
    OrganisationUpdated,
    OrgFilter,
    RegisterFacility,
    RegisterOrganisation,
    RegistryRepository,
    RemoveArea,
    RemoveFacility,
    RemoveOrganisation,
    Unset,
    UpdateArea,
    UpdateFacility,
    UpdateOrganisation,
    masked,
)
from lifeline.security.model import Permission

R = TypeVar("R", Organisation, Facility)
ADMIN_CODE_RE = re.compile(r"^[0-9]{6}([0-9]{3}){0,2}$")
PHONE_RE = importers.PHONE_RE
MAX_ATTRIBUTES_BYTES = 16_384


def _repo(ctx: HandlerContext) -> RegistryRepository:
    return ctx.uow.repo(REGISTRY)


# --- validation helpers -------------------------------------------------------------------


def _name(value: str, field: str = "name") -> str:
    name = value.strip()
    if not name:
        raise InvalidInput(field, "must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(field, f"must be at most {MAX_NAME_LENGTH} characters")
    return name


def _text(value: str | None, field: str, max_len: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_len:
        raise InvalidInput(field, f"must be at most {max_len} characters")
    return text or None


def _phone(value: str | None, field: str = "contact_phone") -> str | None:
    phone = _text(value, field, 50)
    if phone is not None and not PHONE_RE.match(phone):
        raise InvalidInput(field, "must be a phone number (digits, spaces, +, -, parentheses)")
    return phone


def _admin_code(value: str | None) -> str | None:
    code = _text(value, "admin_code", 20)
    if code is not None and not ADMIN_CODE_RE.match(code):
        raise InvalidInput("admin_code", "must be a 6-, 9- or 12-digit division code")
    return code


def _non_negative(value: int | None, field: str) -> int | None:
    if value is not None and value < 0:
        raise InvalidInput(field, "must be ≥ 0")
    return value


def _attributes(value: Mapping[str, Any], field: str = "attributes") -> dict[str, Any]:
    try:
        clean = json_safe(dict(value))
        size = len(json.dumps(clean, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(field, f"must be a JSON object: {exc}") from exc
    if size > MAX_ATTRIBUTES_BYTES:
        raise InvalidInput(field, f"must be at most {MAX_ATTRIBUTES_BYTES} bytes of JSON")
    return dict(clean)


def _check_version(expected: int | None, current: int, kind: str) -> None:
    if expected is not None and expected != current:
        raise Conflict(f"the {kind} is at version {current}, not {expected}; reload and retry")


def _changes(current: Any, **values: Any) -> dict[str, Any]:
    """The fields of ``values`` that are set (not UNSET) and differ from ``current``."""
    return {
        k: v for k, v in values.items() if not isinstance(v, Unset) and getattr(current, k) != v
    }


def _public(changes: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Split changes into event payload values and the names of changed personal fields."""
    public = {k: json_safe(v) for k, v in changes.items() if k not in PERSONAL_FIELDS}
    return public, tuple(k for k in PERSONAL_FIELDS if k in changes)


# --- personal fields ----------------------------------------------------------------------


def _has_personal(record: Organisation | Facility) -> bool:
    return record.contact_name is not None or record.contact_phone is not None


def _view(ctx: HandlerContext, record: R, kind: str) -> R:
    """``record`` unmasked if the caller may read its personal fields (the read is logged),
    masked otherwise."""
    if not _has_personal(record):
        return record
    if ctx.allowed(Permission.PERSONAL_READ, record.path, personal=True):
        ctx.authorize(
            target_kind=kind,
            target_id=record.id,
            target_path=record.path,
            personal_fields=PERSONAL_FIELDS,
            permission=Permission.PERSONAL_READ,
        )
        return record
    return masked(record)


def _authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)


# --- organisations ------------------------------------------------------------------------


def _load_org(
    ctx: HandlerContext,
    organisation_id: str,
    *,
    authorize: bool = True,
    permission: str | None = None,
) -> Organisation:
    org = _repo(ctx).get_organisation(organisation_id)
    if org is None:
        raise NotFound("organisation", organisation_id)
    if authorize:
        ctx.authorize(
            target_kind="organisation",
            target_id=org.id,
            target_path=org.path,
            permission=permission,
        )
    return org


def _check_sibling(
    repo: RegistryRepository, parent_id: str | None, name: str, own_id: str | None = None
) -> None:
    other = repo.sibling_named(parent_id, name)
    if other is not None and other.id != own_id:
        raise Conflict(f"an organisation named {name!r} already exists under this parent")


def _check_org_admin_code(repo: RegistryRepository, code: str | None, own_id: str | None) -> None:
    other = repo.organisation_by_admin_code(code) if code else None
    if other is not None and other.id != own_id:
        raise Conflict(f"admin code {code} is already used by another organisation")


def register_organisation(cmd: RegisterOrganisation, ctx: HandlerContext) -> Organisation:
    repo = _repo(ctx)
    parent = _load_org(ctx, cmd.parent_id, authorize=False) if cmd.parent_id else None
    ctx.authorize(
        target_kind="organisation",
        target_id=parent.id if parent else "",
        target_path=parent.path if parent else "/",
    )
    hierarchy.check_parent(cmd.kind, parent.kind if parent else None)
    hierarchy.check_department_type(cmd.kind, cmd.department_type)
    name = _name(cmd.name)
    admin_code = _admin_code(cmd.admin_code)
    _check_sibling(repo, cmd.parent_id, name)
    _check_org_admin_code(repo, admin_code, None)
    org_id = new_id()
    now = ctx.uow.clock.now()
    org = Organisation(
        id=org_id,
        name=name,
        name_en=_text(cmd.name_en, "name_en", MAX_NAME_LENGTH),
        kind=cmd.kind,
        department_type=cmd.department_type,
        parent_id=cmd.parent_id,
        path=hierarchy.child_path(parent.path if parent else None, org_id),
        admin_code=admin_code,
        contact_name=_text(cmd.contact_name, "contact_name", 200),
        contact_phone=_phone(cmd.contact_phone),
        created_at=now,
        updated_at=now,
        version=1,
    )
    repo.add_organisation(org)
    ctx.uow.record(
        OrganisationRegistered(
            aggregate_id=org.id,
            organisation_id=org.id,
            name=org.name,
            name_en=org.name_en,
            kind=org.kind,
            department_type=org.department_type,
            parent_id=org.parent_id,
            path=org.path,
            admin_code=org.admin_code,
            personal_fields_set=tuple(f for f in PERSONAL_FIELDS if getattr(org, f) is not None),
        )
    )
    return _view(ctx, org, "organisation")


def update_organisation(cmd: UpdateOrganisation, ctx: HandlerContext) -> Organisation:
    repo = _repo(ctx)
    org = _load_org(ctx, cmd.organisation_id)
    _check_version(cmd.expected_version, org.version, "organisation")
    changes = _changes(
        org,
        name=cmd.name if isinstance(cmd.name, Unset) else _name(cmd.name),
        name_en=cmd.name_en
        if isinstance(cmd.name_en, Unset)
        else _text(cmd.name_en, "name_en", MAX_NAME_LENGTH),
        parent_id=cmd.parent_id,
        department_type=cmd.department_type,
        admin_code=cmd.admin_code
        if isinstance(cmd.admin_code, Unset)
        else _admin_code(cmd.admin_code),
        contact_name=cmd.contact_name
        if isinstance(cmd.contact_name, Unset)
        else _text(cmd.contact_name, "contact_name", 200),
        contact_phone=cmd.contact_phone
        if isinstance(cmd.contact_phone, Unset)
        else _phone(cmd.contact_phone),
    )
    if not changes:
        return _view(ctx, org, "organisation")
    path = org.path
    if "parent_id" in changes:
        parent = _load_org(ctx, changes["parent_id"], authorize=False)
        ctx.authorize(target_kind="organisation", target_id=parent.id, target_path=parent.path)
        hierarchy.check_move(org.path, parent.path)
        hierarchy.check_parent(org.kind, parent.kind)
        path = hierarchy.child_path(parent.path, org.id)
        changes["path"] = path
    if "department_type" in changes:
        hierarchy.check_department_type(org.kind, changes["department_type"])
    updated = dataclasses.replace(
        org, **changes, updated_at=ctx.uow.clock.now(), version=org.version + 1
    )
    if "name" in changes or "parent_id" in changes:
        _check_sibling(repo, updated.parent_id, updated.name, org.id)
    if "admin_code" in changes:
        _check_org_admin_code(repo, updated.admin_code, org.id)
    if not repo.update_organisation(updated, org.version):
        raise Conflict("the organisation was changed concurrently; reload and retry")
    if path != org.path:
        repo.rebase_paths(org.path, path)
    public, personal = _public(changes)
    ctx.uow.record(
        OrganisationUpdated(
            aggregate_id=org.id,
            organisation_id=org.id,
            changes=public,
            personal_fields_changed=personal,
            version=updated.version,
        )
    )
    return _view(ctx, updated, "organisation")


def remove_organisation(cmd: RemoveOrganisation, ctx: HandlerContext) -> None:
    repo = _repo(ctx)
    org = _load_org(ctx, cmd.organisation_id)
    _check_version(cmd.expected_version, org.version, "organisation")
    hierarchy.check_removable(repo.child_count(org.id), *repo.owned_counts(org.id))
    repo.delete_organisation(org.id)
    ctx.uow.record(
        OrganisationRemoved(
            aggregate_id=org.id, organisation_id=org.id, name=org.name, path=org.path
        )
    )


def get_organisation(query: GetOrganisation, ctx: HandlerContext) -> Organisation:
    return _view(ctx, _load_org(ctx, query.organisation_id), "organisation")


def list_organisations(query: ListOrganisations, ctx: HandlerContext) -> Listing[Organisation]:
    if not ctx.scope_paths:
        return Listing([], 0)
    _authorize_collection(ctx, "organisation")
    items, total = _repo(ctx).list_organisations(
        OrgFilter(
            scope_paths=ctx.scope_paths,
            kind=query.kind,
            parent_id=query.parent_id,
            department_type=query.department_type,
            name=query.name,
        ),
        query.limit,
        query.offset,
    )
    return Listing([_view(ctx, o, "organisation") for o in items], total)


def organisation_timeline(query: OrganisationTimeline, ctx: HandlerContext) -> list[StoredEvent]:
    org = _repo(ctx).get_organisation(query.organisation_id)
    if org is None:
        raise NotFound("organisation", query.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=org.id, target_path=org.path)
    return ctx.uow.timeline(OrganisationRegistered.aggregate_type, org.id)


# --- areas --------------------------------------------------------------------------------


def _load_area(ctx: HandlerContext, area_id: str) -> AdministrativeArea:
    area = _repo(ctx).get_area(area_id)
    if area is None:
        raise NotFound("area", area_id)
    ctx.authorize(target_kind="area", target_id=area.id, target_path=area.path)
    return area


def _check_area_name(
    repo: RegistryRepository,
    owner_id: str,
    name: str,
    own_id: str | None = None,
    field: str = "name",
) -> None:
    other = repo.area_named(owner_id, name)
    if other is not None and other.id != own_id:
        raise Conflict(f"{field}: the owner already has an area named {name!r}")


def _new_area(ctx: HandlerContext, cmd: DefineArea, owner: Organisation) -> AdministrativeArea:
    now = ctx.uow.clock.now()
    area = AdministrativeArea(
        id=new_id(),
        name=_name(cmd.name),
        level=cmd.level,
        admin_code=_admin_code(cmd.admin_code),
        organisation_id=owner.id,
        path=owner.path,
        boundary=cmd.boundary,
        population=_non_negative(cmd.population, "population"),
        attributes=_attributes(cmd.attributes),
        created_at=now,
        updated_at=now,
        version=1,
    )
    _repo(ctx).add_area(area)
    ctx.uow.record(
        AreaDefined(
            aggregate_id=area.id,
            organisation_id=owner.id,
            name=area.name,
            level=area.level,
            admin_code=area.admin_code,
            owner_id=owner.id,
            boundary=area.boundary.to_geojson(),
            population=area.population,
        )
    )
    return area


def define_area(cmd: DefineArea, ctx: HandlerContext) -> AdministrativeArea:
    owner = _load_org(ctx, cmd.organisation_id)
    _check_area_name(_repo(ctx), owner.id, _name(cmd.name))
    return _new_area(ctx, cmd, owner)


def update_area(cmd: UpdateArea, ctx: HandlerContext) -> AdministrativeArea:
    repo = _repo(ctx)
    area = _load_area(ctx, cmd.area_id)
    _check_version(cmd.expected_version, area.version, "area")
    changes = _changes(
        area,
        name=cmd.name if isinstance(cmd.name, Unset) else _name(cmd.name),
        level=cmd.level,
        boundary=cmd.boundary,
        admin_code=cmd.admin_code
        if isinstance(cmd.admin_code, Unset)
        else _admin_code(cmd.admin_code),
        population=cmd.population
        if isinstance(cmd.population, Unset)
        else _non_negative(cmd.population, "population"),
        attributes=cmd.attributes
        if isinstance(cmd.attributes, Unset)
        else _attributes(cmd.attributes),
    )
    if not changes:
        return area
    if "name" in changes:
        _check_area_name(repo, area.organisation_id, changes["name"], area.id)
    updated = dataclasses.replace(
        area, **changes, updated_at=ctx.uow.clock.now(), version=area.version + 1
    )
    if not repo.update_area(updated, area.version):
        raise Conflict("the area was changed concurrently; reload and retry")
    public, _ = _public(changes)
    ctx.uow.record(
        AreaUpdated(
            aggregate_id=area.id,
            organisation_id=area.organisation_id,
            changes=public,
            version=updated.version,
        )
    )
    return updated


def remove_area(cmd: RemoveArea, ctx: HandlerContext) -> None:
    area = _load_area(ctx, cmd.area_id)
    _check_version(cmd.expected_version, area.version, "area")
    _repo(ctx).delete_area(area.id)
    ctx.uow.record(
        AreaRemoved(aggregate_id=area.id, organisation_id=area.organisation_id, name=area.name)
    )


def get_area(query: GetArea, ctx: HandlerContext) -> AdministrativeArea:
    return _load_area(ctx, query.area_id)


def list_areas(query: ListAreas, ctx: HandlerContext) -> Listing[AdministrativeArea]:
    if not ctx.scope_paths:
        return Listing([], 0)
    _authorize_collection(ctx, "area")
    items, total = _repo(ctx).list_areas(
        AreaFilter(
            scope_paths=ctx.scope_paths,
            level=query.level,
            organisation_id=query.organisation_id,
            name=query.name,
            bbox=query.bbox,
            contains=query.contains,
        ),
        query.limit,
        query.offset,
    )
    return Listing(items, total)


# --- facilities ---------------------------------------------------------------------------


def _load_facility(ctx: HandlerContext, facility_id: str) -> Facility:
    facility = _repo(ctx).get_facility(facility_id)
    if facility is None:
        raise NotFound("facility", facility_id)
    ctx.authorize(target_kind="facility", target_id=facility.id, target_path=facility.path)
    return facility


def _check_facility_name(
    repo: RegistryRepository, owner_id: str, name: str, own_id: str | None = None
) -> None:
    other = repo.facility_named(owner_id, name)
    if other is not None and other.id != own_id:
        raise Conflict(f"the owner already has a facility named {name!r}")


def _new_facility(ctx: HandlerContext, cmd: RegisterFacility, owner: Organisation) -> Facility:
    now = ctx.uow.clock.now()
    capacity = _non_negative(cmd.capacity, "capacity")
    unit = cmd.capacity_unit
    if unit is None and capacity is not None:
        unit = DEFAULT_CAPACITY_UNIT[cmd.kind]
    facility = Facility(
        id=new_id(),
        name=_name(cmd.name),
        kind=cmd.kind,
        location=cmd.location,
        capacity=capacity,
        capacity_unit=unit,
        organisation_id=owner.id,
        path=owner.path,
        address=_text(cmd.address, "address", 500),
        contact_name=_text(cmd.contact_name, "contact_name", 200),
        contact_phone=_phone(cmd.contact_phone),
        source_crs=cmd.source_crs,
        attributes=_attributes(cmd.attributes),
        created_at=now,
        updated_at=now,
        version=1,
    )
    _repo(ctx).add_facility(facility)
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
    owner = _load_org(ctx, cmd.organisation_id)
    _check_facility_name(_repo(ctx), owner.id, _name(cmd.name))
    return _view(ctx, _new_facility(ctx, cmd, owner), "facility")


def update_facility(cmd: UpdateFacility, ctx: HandlerContext) -> Facility:
    repo = _repo(ctx)
    facility = _load_facility(ctx, cmd.facility_id)
    _check_version(cmd.expected_version, facility.version, "facility")
    changes = _changes(
        facility,
        name=cmd.name if isinstance(cmd.name, Unset) else _name(cmd.name),
        kind=cmd.kind,
        location=cmd.location,
        source_crs=cmd.source_crs,
        capacity=cmd.capacity
        if isinstance(cmd.capacity, Unset)
        else _non_negative(cmd.capacity, "capacity"),
        capacity_unit=cmd.capacity_unit,
        address=cmd.address
        if isinstance(cmd.address, Unset)
        else _text(cmd.address, "address", 500),
        contact_name=cmd.contact_name
        if isinstance(cmd.contact_name, Unset)
        else _text(cmd.contact_name, "contact_name", 200),
        contact_phone=cmd.contact_phone
        if isinstance(cmd.contact_phone, Unset)
        else _phone(cmd.contact_phone),
        attributes=cmd.attributes
        if isinstance(cmd.attributes, Unset)
        else _attributes(cmd.attributes),
    )
    if not changes:
        return _view(ctx, facility, "facility")
    if "name" in changes:
        _check_facility_name(repo, facility.organisation_id, changes["name"], facility.id)
    updated = dataclasses.replace(
        facility, **changes, updated_at=ctx.uow.clock.now(), version=facility.version + 1
    )
    if not repo.update_facility(updated, facility.version):
        raise Conflict("the facility was changed concurrently; reload and retry")
    public, personal = _public(changes)
    ctx.uow.record(
        FacilityUpdated(
            aggregate_id=facility.id,
            organisation_id=facility.organisation_id,
            changes=public,
            personal_fields_changed=personal,
            version=updated.version,
        )
    )
    return _view(ctx, updated, "facility")


def remove_facility(cmd: RemoveFacility, ctx: HandlerContext) -> None:
    facility = _load_facility(ctx, cmd.facility_id)
    _check_version(cmd.expected_version, facility.version, "facility")
    _repo(ctx).delete_facility(facility.id)
    ctx.uow.record(
        FacilityRemoved(
            aggregate_id=facility.id, organisation_id=facility.organisation_id, name=facility.name
        )
    )


def get_facility(query: GetFacility, ctx: HandlerContext) -> Facility:
    return _view(ctx, _load_facility(ctx, query.facility_id), "facility")


def list_facilities(query: ListFacilities, ctx: HandlerContext) -> Listing[Facility]:
    if (query.near is None) != (query.radius_m is None):
        raise InvalidInput(
            "near" if query.near is None else "radius_m", "near and radius_m go together"
        )
    if query.radius_m is not None and not 0 < query.radius_m <= 500_000:
        raise InvalidInput("radius_m", "must be greater than 0 and at most 500000")
    if not ctx.scope_paths:
        return Listing([], 0)
    _authorize_collection(ctx, "facility")
    items, total = _repo(ctx).list_facilities(
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
    return Listing([_view(ctx, f, "facility") for f in items], total)


# --- bulk import --------------------------------------------------------------------------

_ROW_INDEX = re.compile(r"\[(\d+)\]")


def _row_order(problem: FieldProblem) -> tuple[int, str]:
    found = _ROW_INDEX.search(problem.field)
    return (int(found.group(1)) if found else -1, problem.field)


def _import(
    ctx: HandlerContext, target: ImportTarget, parsed: importers.ParsedImport[Any]
) -> ImportResult:
    """Resolve owners and check scope and uniqueness for every row; write all rows or none."""
    repo = _repo(ctx)
    problems = list(parsed.problems)
    owners: dict[str, Organisation | None] = {}
    seen: set[tuple[str, str]] = set()
    resolved: list[tuple[Any, Organisation]] = []
    for row in parsed.rows:
        if row.owner not in owners:
            org = repo.get_organisation(row.owner) or repo.organisation_by_admin_code(row.owner)
            visible = org is not None and ctx.allowed(Permission.REGISTRY_IMPORT, org.path)
            owners[row.owner] = org if visible else None
        owner = owners[row.owner]
        name_field = (
            f"{row.field}.properties.name"
            if row.field.startswith("features")
            else f"{row.field}.name"
        )
        if owner is None:
            problems.append(
                FieldProblem(
                    name_field.removesuffix(".name") + ".owner",
                    f"no organisation with id or admin code {row.owner!r} in your scope",
                )
            )
            continue
        key = (owner.id, row.command.name)
        taken = repo.area_named(*key) if target is ImportTarget.AREAS else repo.facility_named(*key)
        if taken is not None or key in seen:
            problems.append(
                FieldProblem(
                    name_field,
                    f"{row.command.name!r} already exists for "
                    "this owner" + (" in this file" if key in seen else ""),
                )
            )
        seen.add(key)
        resolved.append((dataclasses.replace(row.command, organisation_id=owner.id), owner))
    if problems:
        raise InvalidInput(sorted(problems, key=_row_order))
    for owner in {o.id: o for _, o in resolved}.values():
        ctx.authorize(target_kind="organisation", target_id=owner.id, target_path=owner.path)
    created = [
        (
            _new_area(ctx, cmd, owner)
            if target is ImportTarget.AREAS
            else _new_facility(ctx, cmd, owner)
        ).id
        for cmd, owner in resolved
    ]
    return ImportResult(target=target, created_ids=tuple(created))


def import_geojson(cmd: ImportGeoJson, ctx: HandlerContext) -> ImportResult:
    return _import(ctx, cmd.target, importers.parse_geojson(cmd.collection, cmd.target, cmd.crs))


def import_facilities_csv(cmd: ImportFacilitiesCsv, ctx: HandlerContext) -> ImportResult:
    return _import(
        ctx, ImportTarget.FACILITIES, importers.parse_facilities_csv(cmd.content, cmd.crs)
    )


def register_handlers(bus: MessageBus) -> None:
    """Register one handler per registry command and query."""
    bus.register(RegisterOrganisation, register_organisation)
    bus.register(UpdateOrganisation, update_organisation)
    bus.register(RemoveOrganisation, remove_organisation)
    bus.register(GetOrganisation, get_organisation)
    bus.register(ListOrganisations, list_organisations)
    bus.register(OrganisationTimeline, organisation_timeline)
    bus.register(DefineArea, define_area)
    bus.register(UpdateArea, update_area)
    bus.register(RemoveArea, remove_area)
    bus.register(GetArea, get_area)
    bus.register(ListAreas, list_areas)
    bus.register(RegisterFacility, register_facility)
    bus.register(UpdateFacility, update_facility)
    bus.register(RemoveFacility, remove_facility)
    bus.register(GetFacility, get_facility)
    bus.register(ListFacilities, list_facilities)
    bus.register(ImportGeoJson, import_geojson)
    bus.register(ImportFacilitiesCsv, import_facilities_csv)
