"""Organisation use cases: register, update (and move), remove, get, list, timeline."""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, NotFound
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.registry import hierarchy
from lifeline.registry.model import (
    MAX_NAME_LENGTH,
    PERSONAL_FIELDS,
    GetOrganisation,
    Listing,
    ListOrganisations,
    Organisation,
    OrganisationRegistered,
    OrganisationRemoved,
    OrganisationTimeline,
    OrganisationUpdated,
    OrgFilter,
    RegisterOrganisation,
    RegistryRepository,
    RemoveOrganisation,
    Unset,
    UpdateOrganisation,
)
from lifeline.registry.service._common import (
    authorize_collection,
    changed_fields,
    check_version,
    load_org,
    repo_of,
    split_personal,
    valid_admin_code,
    valid_name,
    valid_phone,
    valid_text,
    view,
)


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
    repo = repo_of(ctx)
    parent = load_org(ctx, cmd.parent_id, authorize=False) if cmd.parent_id else None
    ctx.authorize(
        target_kind="organisation",
        target_id=parent.id if parent else "",
        target_path=parent.path if parent else "/",
    )
    hierarchy.check_parent(cmd.kind, parent.kind if parent else None)
    hierarchy.check_department_type(cmd.kind, cmd.department_type)
    name = valid_name(cmd.name)
    admin_code = valid_admin_code(cmd.admin_code)
    _check_sibling(repo, cmd.parent_id, name)
    _check_org_admin_code(repo, admin_code, None)
    org_id = new_id()
    now = ctx.uow.clock.now()
    org = Organisation(
        id=org_id,
        name=name,
        name_en=valid_text(cmd.name_en, "name_en", MAX_NAME_LENGTH),
        kind=cmd.kind,
        department_type=cmd.department_type,
        parent_id=cmd.parent_id,
        path=hierarchy.child_path(parent.path if parent else None, org_id),
        admin_code=admin_code,
        contact_name=valid_text(cmd.contact_name, "contact_name", 200),
        contact_phone=valid_phone(cmd.contact_phone),
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
    return view(ctx, org, "organisation")


def update_organisation(cmd: UpdateOrganisation, ctx: HandlerContext) -> Organisation:
    repo = repo_of(ctx)
    org = load_org(ctx, cmd.organisation_id)
    check_version(cmd.expected_version, org.version, "organisation")
    changes = changed_fields(
        org,
        name=cmd.name if isinstance(cmd.name, Unset) else valid_name(cmd.name),
        name_en=cmd.name_en
        if isinstance(cmd.name_en, Unset)
        else valid_text(cmd.name_en, "name_en", MAX_NAME_LENGTH),
        parent_id=cmd.parent_id,
        department_type=cmd.department_type,
        admin_code=cmd.admin_code
        if isinstance(cmd.admin_code, Unset)
        else valid_admin_code(cmd.admin_code),
        contact_name=cmd.contact_name
        if isinstance(cmd.contact_name, Unset)
        else valid_text(cmd.contact_name, "contact_name", 200),
        contact_phone=cmd.contact_phone
        if isinstance(cmd.contact_phone, Unset)
        else valid_phone(cmd.contact_phone),
    )
    if not changes:
        return view(ctx, org, "organisation")
    path = org.path
    if "parent_id" in changes:
        parent = load_org(ctx, changes["parent_id"], authorize=False)
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
    public, personal = split_personal(changes)
    ctx.uow.record(
        OrganisationUpdated(
            aggregate_id=org.id,
            organisation_id=org.id,
            changes=public,
            personal_fields_changed=personal,
            version=updated.version,
        )
    )
    return view(ctx, updated, "organisation")


def remove_organisation(cmd: RemoveOrganisation, ctx: HandlerContext) -> None:
    repo = repo_of(ctx)
    org = load_org(ctx, cmd.organisation_id)
    check_version(cmd.expected_version, org.version, "organisation")
    hierarchy.check_removable(repo.child_count(org.id), *repo.owned_counts(org.id))
    repo.delete_organisation(org.id)
    ctx.uow.record(
        OrganisationRemoved(
            aggregate_id=org.id, organisation_id=org.id, name=org.name, path=org.path
        )
    )


def get_organisation(query: GetOrganisation, ctx: HandlerContext) -> Organisation:
    return view(ctx, load_org(ctx, query.organisation_id), "organisation")


def list_organisations(query: ListOrganisations, ctx: HandlerContext) -> Listing[Organisation]:
    if not ctx.scope_paths:
        return Listing([], 0)
    authorize_collection(ctx, "organisation")
    items, total = repo_of(ctx).list_organisations(
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
    return Listing([view(ctx, o, "organisation") for o in items], total)


def organisation_timeline(query: OrganisationTimeline, ctx: HandlerContext) -> list[StoredEvent]:
    org = repo_of(ctx).get_organisation(query.organisation_id)
    if org is None:
        raise NotFound("organisation", query.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=org.id, target_path=org.path)
    return ctx.uow.timeline(OrganisationRegistered.aggregate_type, org.id)
