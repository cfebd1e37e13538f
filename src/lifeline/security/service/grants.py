"""Scope grants: one organisation lets another see its subtree, with a reason."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security.events import (
    ScopeGranted,
    ScopeRevoked,
)
from lifeline.security.messages import GrantScope, ListGrants, RevokeScope
from lifeline.security.model import (
    ORG_PATHS,
    SECURITY,
    ScopeGrant,
)
from lifeline.security.service._common import org_path


def grant_scope(cmd: GrantScope, ctx: HandlerContext) -> ScopeGrant:
    if not cmd.reason.strip():
        raise InvalidInput("reason", "a grant needs a stated reason")
    grantee_path = org_path(ctx, cmd.grantee_organisation_id, "grantee_organisation_id")
    target_path = org_path(ctx, cmd.target_organisation_id, "target_organisation_id")
    if target_path.startswith(grantee_path):
        raise InvalidInput("target_organisation_id", "the grantee already sees that subtree")
    # The granter must see both ends: you can only share what you can see.
    ctx.authorize(
        target_kind="organisation", target_id=cmd.grantee_organisation_id, target_path=grantee_path
    )
    ctx.authorize(
        target_kind="organisation", target_id=cmd.target_organisation_id, target_path=target_path
    )
    now = ctx.uow.clock.now()
    if cmd.expires_at is not None and cmd.expires_at <= now:
        raise InvalidInput("expires_at", "must be in the future")
    grant = ScopeGrant(
        id=new_id(),
        grantee_organisation_id=cmd.grantee_organisation_id,
        target_organisation_id=cmd.target_organisation_id,
        reason=cmd.reason.strip(),
        granted_by=ctx.actor.ref,
        created_at=now,
        expires_at=cmd.expires_at,
    )
    ctx.uow.repo(SECURITY).add_grant(grant)
    ctx.uow.record(
        ScopeGranted(
            aggregate_id=grant.id,
            organisation_id=grant.grantee_organisation_id,
            grantee_organisation_id=grant.grantee_organisation_id,
            target_organisation_id=grant.target_organisation_id,
            reason=grant.reason,
            expires_at=grant.expires_at.isoformat() if grant.expires_at else None,
        )
    )
    return grant


def revoke_scope(cmd: RevokeScope, ctx: HandlerContext) -> None:
    repo = ctx.uow.repo(SECURITY)
    grant = repo.get_grant(cmd.grant_id)
    if grant is None:
        raise NotFound("scope grant", cmd.grant_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(grant.grantee_organisation_id) or "/"
    ctx.authorize(target_kind="scope_grant", target_id=grant.id, target_path=path)
    repo.delete_grant(grant.id)
    ctx.uow.record(
        ScopeRevoked(
            aggregate_id=grant.id,
            organisation_id=grant.grantee_organisation_id,
            grantee_organisation_id=grant.grantee_organisation_id,
            target_organisation_id=grant.target_organisation_id,
        )
    )


def list_grants(query: ListGrants, ctx: HandlerContext) -> list[ScopeGrant]:
    path = org_path(ctx, query.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=query.organisation_id, target_path=path)
    return ctx.uow.repo(SECURITY).grants_for(query.organisation_id)
