"""Commands and queries of the security context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.security.model import (
    Permission,
    Role,
)

USERNAME_MAX = 64


@dataclass(frozen=True, kw_only=True)
class CreateUser(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    username: str
    display_name: str
    password: str
    organisation_id: str
    roles: frozenset[Role]
    phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateUser(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    user_id: str
    display_name: str | None = None
    roles: frozenset[Role] | None = None
    active: bool | None = None
    phone: str | None = None
    password: str | None = None


@dataclass(frozen=True, kw_only=True)
class GetUser(Query):
    permission: ClassVar[str] = Permission.USER_MANAGE
    user_id: str


@dataclass(frozen=True, kw_only=True)
class ListUsers(Query):
    permission: ClassVar[str] = Permission.USER_MANAGE
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class CreateServiceAccount(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    name: str
    organisation_id: str
    roles: frozenset[Role]


@dataclass(frozen=True, kw_only=True)
class RevokeServiceAccount(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    account_id: str


@dataclass(frozen=True, kw_only=True)
class GrantScope(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    grantee_organisation_id: str
    target_organisation_id: str
    reason: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class RevokeScope(Command):
    permission: ClassVar[str] = Permission.USER_MANAGE
    grant_id: str


@dataclass(frozen=True, kw_only=True)
class ListGrants(Query):
    permission: ClassVar[str] = Permission.USER_MANAGE
    organisation_id: str
