"""Security events (past tense): identities created or changed, sign-ins, grants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class UserCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "user"
    username: str
    display_name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class UserUpdated(DomainEvent):
    aggregate_type: ClassVar[str] = "user"
    changes: tuple[str, ...]
    roles: tuple[str, ...]
    active: bool


@dataclass(frozen=True, kw_only=True)
class UserPasswordChanged(DomainEvent):
    aggregate_type: ClassVar[str] = "user"


@dataclass(frozen=True, kw_only=True)
class UserSignedIn(DomainEvent):
    aggregate_type: ClassVar[str] = "user"
    token_id: str
    expires_at: str


@dataclass(frozen=True, kw_only=True)
class ServiceAccountCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "service_account"
    name: str
    roles: tuple[str, ...]
    key_prefix: str


@dataclass(frozen=True, kw_only=True)
class ServiceAccountRevoked(DomainEvent):
    aggregate_type: ClassVar[str] = "service_account"


@dataclass(frozen=True, kw_only=True)
class ScopeGranted(DomainEvent):
    aggregate_type: ClassVar[str] = "scope_grant"
    grantee_organisation_id: str
    target_organisation_id: str
    reason: str
    expires_at: str | None


@dataclass(frozen=True, kw_only=True)
class ScopeRevoked(DomainEvent):
    aggregate_type: ClassVar[str] = "scope_grant"
    grantee_organisation_id: str
    target_organisation_id: str
