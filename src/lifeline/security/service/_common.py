"""Views and helpers shared by the security use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.security.model import (
    ORG_PATHS,
    Role,
    ServiceAccount,
    permissions_for,
)

PERSONAL_USER_FIELDS = ("phone",)


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as shown to a caller; ``phone`` is masked unless the caller may read it."""

    id: str
    username: str
    display_name: str
    organisation_id: str
    roles: tuple[str, ...]
    active: bool
    created_at: datetime
    phone: str | None
    phone_masked: bool


@dataclass(frozen=True, slots=True)
class NewServiceAccount:
    account: ServiceAccount
    api_key: str  # shown once


def org_path(ctx: HandlerContext, organisation_id: str, field: str) -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def check_roles_grantable(ctx: HandlerContext, roles: frozenset[Role]) -> None:
    if not roles:
        raise InvalidInput("roles", "at least one role is required")
    wanted = permissions_for(roles)
    mine = ctx.actor.permissions
    if "*" not in mine and not wanted <= mine:
        missing = sorted(wanted - mine)
        raise InvalidInput("roles", f"you cannot grant permissions you lack: {missing}")
