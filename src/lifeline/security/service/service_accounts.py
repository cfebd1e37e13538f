"""Service accounts: devices and source systems that authenticate with API keys."""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security import passwords
from lifeline.security.events import (
    ServiceAccountCreated,
    ServiceAccountRevoked,
)
from lifeline.security.messages import CreateServiceAccount, RevokeServiceAccount
from lifeline.security.model import (
    ORG_PATHS,
    SECURITY,
    ServiceAccount,
)
from lifeline.security.service._common import NewServiceAccount, check_roles_grantable, org_path


def create_service_account(cmd: CreateServiceAccount, ctx: HandlerContext) -> NewServiceAccount:
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be empty")
    path = org_path(ctx, cmd.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    check_roles_grantable(ctx, cmd.roles)
    key, prefix, key_hash = passwords.new_api_key()
    account = ServiceAccount(
        id=new_id(),
        name=cmd.name.strip(),
        organisation_id=cmd.organisation_id,
        roles=cmd.roles,
        key_prefix=prefix,
        key_hash=key_hash,
        active=True,
        created_at=ctx.uow.clock.now(),
    )
    ctx.uow.repo(SECURITY).add_service_account(account)
    ctx.uow.record(
        ServiceAccountCreated(
            aggregate_id=account.id,
            organisation_id=account.organisation_id,
            name=account.name,
            roles=tuple(sorted(r.value for r in account.roles)),
            key_prefix=prefix,
        )
    )
    return NewServiceAccount(account=account, api_key=key)


def revoke_service_account(cmd: RevokeServiceAccount, ctx: HandlerContext) -> ServiceAccount:
    repo = ctx.uow.repo(SECURITY)
    account = repo.get_service_account(cmd.account_id)
    if account is None:
        raise NotFound("service account", cmd.account_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(account.organisation_id) or "/"
    ctx.authorize(target_kind="service_account", target_id=account.id, target_path=path)
    revoked = dataclasses.replace(account, active=False)
    repo.update_service_account(revoked)
    ctx.uow.record(
        ServiceAccountRevoked(aggregate_id=account.id, organisation_id=account.organisation_id)
    )
    return revoked
