"""Administrative-area use cases: define, update, remove, get, list."""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict
from lifeline.kernel.ids import new_id
from lifeline.registry.model import (
    AdministrativeArea,
    AreaDefined,
    AreaFilter,
    AreaRemoved,
    AreaUpdated,
    DefineArea,
    GetArea,
    ListAreas,
    Listing,
    Organisation,
    RegistryRepository,
    RemoveArea,
    Unset,
    UpdateArea,
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
    valid_admin_code,
    valid_attributes,
    valid_name,
)


def _load_area(ctx: HandlerContext, area_id: str) -> AdministrativeArea:
    return authorized(ctx, "area", repo_of(ctx).get_area(area_id), area_id)


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


def new_area(ctx: HandlerContext, cmd: DefineArea, owner: Organisation) -> AdministrativeArea:
    now = ctx.uow.clock.now()
    area = AdministrativeArea(
        id=new_id(),
        name=valid_name(cmd.name),
        level=cmd.level,
        admin_code=valid_admin_code(cmd.admin_code),
        organisation_id=owner.id,
        path=owner.path,
        boundary=cmd.boundary,
        population=non_negative(cmd.population, "population"),
        attributes=valid_attributes(cmd.attributes),
        created_at=now,
        updated_at=now,
        version=1,
    )
    repo_of(ctx).add_area(area)
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
    owner = load_org(ctx, cmd.organisation_id)
    _check_area_name(repo_of(ctx), owner.id, valid_name(cmd.name))
    return new_area(ctx, cmd, owner)


def update_area(cmd: UpdateArea, ctx: HandlerContext) -> AdministrativeArea:
    repo = repo_of(ctx)
    area = _load_area(ctx, cmd.area_id)
    check_version(cmd.expected_version, area.version, "area")
    changes = changed_fields(
        area,
        name=cmd.name if isinstance(cmd.name, Unset) else valid_name(cmd.name),
        level=cmd.level,
        boundary=cmd.boundary,
        admin_code=cmd.admin_code
        if isinstance(cmd.admin_code, Unset)
        else valid_admin_code(cmd.admin_code),
        population=cmd.population
        if isinstance(cmd.population, Unset)
        else non_negative(cmd.population, "population"),
        attributes=cmd.attributes
        if isinstance(cmd.attributes, Unset)
        else valid_attributes(cmd.attributes),
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
    public, _ = split_personal(changes)
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
    check_version(cmd.expected_version, area.version, "area")
    repo_of(ctx).delete_area(area.id)
    ctx.uow.record(
        AreaRemoved(aggregate_id=area.id, organisation_id=area.organisation_id, name=area.name)
    )


def get_area(query: GetArea, ctx: HandlerContext) -> AdministrativeArea:
    return _load_area(ctx, query.area_id)


def list_areas(query: ListAreas, ctx: HandlerContext) -> Listing[AdministrativeArea]:
    if not ctx.scope_paths:
        return Listing([], 0)
    authorize_collection(ctx, "area")
    items, total = repo_of(ctx).list_areas(
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
