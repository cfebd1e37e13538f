"""HTTP routes for sign-in, users, service accounts, scope grants and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, status
from pydantic import BaseModel, ConfigDict, Field

from lifeline.api.deps import BusDep, CurrentActor, PlatformDep
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.api.schemas import EventOut
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.eventlog import AccessRecord
from lifeline.security import audit
from lifeline.security import service as svc
from lifeline.security.model import Role, ScopeGrant, ServiceAccount

router = APIRouter()
PageDep = Annotated[PageParams, Depends(page_params)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- sign-in --------------------------------------------------------------------------------
class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_at: datetime
    user_id: str


def _sign_in(platform: Any, username: str, password: str) -> TokenOut:
    issued = svc.sign_in(platform.uow, platform.tokens, username=username, password=password)
    return TokenOut(
        access_token=issued.access_token, expires_at=issued.expires_at, user_id=issued.user_id
    )


@router.post("/auth/token", tags=["auth"], summary="Sign in (OAuth2 password form)")
def token(
    platform: PlatformDep,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
) -> TokenOut:
    return _sign_in(platform, username, password)


@router.post("/auth/login", tags=["auth"], summary="Sign in (JSON)")
def login(body: LoginIn, platform: PlatformDep) -> TokenOut:
    return _sign_in(platform, body.username, body.password)


class MeOut(BaseModel):
    id: str
    kind: str
    name: str
    organisation_id: str | None
    roles: list[str]
    permissions: list[str]
    scope_paths: list[str]


@router.get("/auth/me", tags=["auth"], summary="Who am I: roles, permissions and scope")
def me(actor: CurrentActor) -> MeOut:
    return MeOut(
        id=actor.id,
        kind=actor.kind.value,
        name=actor.name,
        organisation_id=actor.organisation_id,
        roles=sorted(actor.roles),
        permissions=sorted(actor.permissions),
        scope_paths=list(actor.scope_paths),
    )


# --- users ----------------------------------------------------------------------------------
class UserIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    organisation_id: str = Field(min_length=1, max_length=36)
    roles: list[Role] = Field(min_length=1)
    phone: str | None = Field(default=None, max_length=40)


class UserPatch(Strict):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    roles: list[Role] | None = Field(default=None, min_length=1)
    active: bool | None = None
    phone: str | None = Field(default=None, max_length=40)
    password: str | None = Field(default=None, min_length=1, max_length=1024)


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    organisation_id: str
    roles: list[str]
    active: bool
    created_at: datetime
    phone: str | None
    phone_masked: bool


def _user_out(view: svc.UserView) -> UserOut:
    return UserOut(
        id=view.id,
        username=view.username,
        display_name=view.display_name,
        organisation_id=view.organisation_id,
        roles=list(view.roles),
        active=view.active,
        created_at=view.created_at,
        phone=view.phone,
        phone_masked=view.phone_masked,
    )


@router.post("/users", tags=["users"], status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, bus: BusDep, actor: CurrentActor) -> UserOut:
    view = bus.handle(
        svc.CreateUser(
            username=body.username,
            display_name=body.display_name,
            password=body.password,
            organisation_id=body.organisation_id,
            roles=frozenset(body.roles),
            phone=body.phone,
        ),
        actor,
    )
    return _user_out(view)


@router.get("/users", tags=["users"])
def list_users(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[UserOut]:
    views, total = bus.handle(svc.ListUsers(limit=page.limit, offset=page.offset), actor)
    return Page[UserOut](
        items=[_user_out(v) for v in views], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/users/{user_id}", tags=["users"])
def get_user(user_id: str, bus: BusDep, actor: CurrentActor) -> UserOut:
    return _user_out(bus.handle(svc.GetUser(user_id=user_id), actor))


@router.patch("/users/{user_id}", tags=["users"])
def update_user(user_id: str, body: UserPatch, bus: BusDep, actor: CurrentActor) -> UserOut:
    view = bus.handle(
        svc.UpdateUser(
            user_id=user_id,
            display_name=body.display_name,
            roles=frozenset(body.roles) if body.roles is not None else None,
            active=body.active,
            phone=body.phone,
            password=body.password,
        ),
        actor,
    )
    return _user_out(view)


# --- service accounts -----------------------------------------------------------------------
class ServiceAccountIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    roles: list[Role] = Field(min_length=1)


class ServiceAccountOut(BaseModel):
    id: str
    name: str
    organisation_id: str
    roles: list[str]
    key_prefix: str
    active: bool
    created_at: datetime
    api_key: str | None = Field(default=None, description="Shown once, at creation")


def _account_out(account: ServiceAccount, key: str | None = None) -> ServiceAccountOut:
    return ServiceAccountOut(
        id=account.id,
        name=account.name,
        organisation_id=account.organisation_id,
        roles=sorted(r.value for r in account.roles),
        key_prefix=account.key_prefix,
        active=account.active,
        created_at=account.created_at,
        api_key=key,
    )


@router.post("/service-accounts", tags=["users"], status_code=status.HTTP_201_CREATED)
def create_service_account(
    body: ServiceAccountIn, bus: BusDep, actor: CurrentActor
) -> ServiceAccountOut:
    created = bus.handle(
        svc.CreateServiceAccount(
            name=body.name,
            organisation_id=body.organisation_id,
            roles=frozenset(body.roles),
        ),
        actor,
    )
    return _account_out(created.account, created.api_key)


@router.delete("/service-accounts/{account_id}", tags=["users"])
def revoke_service_account(account_id: str, bus: BusDep, actor: CurrentActor) -> ServiceAccountOut:
    return _account_out(bus.handle(svc.RevokeServiceAccount(account_id=account_id), actor))


# --- scope grants ---------------------------------------------------------------------------
class GrantIn(Strict):
    grantee_organisation_id: str = Field(min_length=1, max_length=36)
    target_organisation_id: str = Field(min_length=1, max_length=36)
    reason: str = Field(min_length=1, max_length=1000)
    expires_at: datetime | None = None


class GrantOut(BaseModel):
    id: str
    grantee_organisation_id: str
    target_organisation_id: str
    reason: str
    granted_by: str
    created_at: datetime
    expires_at: datetime | None


def _grant_out(grant: ScopeGrant) -> GrantOut:
    return GrantOut(
        id=grant.id,
        grantee_organisation_id=grant.grantee_organisation_id,
        target_organisation_id=grant.target_organisation_id,
        reason=grant.reason,
        granted_by=grant.granted_by,
        created_at=grant.created_at,
        expires_at=grant.expires_at,
    )


@router.post("/scope-grants", tags=["users"], status_code=status.HTTP_201_CREATED)
def grant_scope(body: GrantIn, bus: BusDep, actor: CurrentActor) -> GrantOut:
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise InvalidInput("expires_at", "must carry a UTC offset")
    return _grant_out(
        bus.handle(
            svc.GrantScope(
                grantee_organisation_id=body.grantee_organisation_id,
                target_organisation_id=body.target_organisation_id,
                reason=body.reason,
                expires_at=body.expires_at,
            ),
            actor,
        )
    )


@router.get("/scope-grants", tags=["users"])
def list_grants(
    organisation_id: Annotated[str, Query(min_length=1)], bus: BusDep, actor: CurrentActor
) -> list[GrantOut]:
    return [
        _grant_out(g) for g in bus.handle(svc.ListGrants(organisation_id=organisation_id), actor)
    ]


@router.delete("/scope-grants/{grant_id}", tags=["users"], status_code=status.HTTP_204_NO_CONTENT)
def revoke_grant(grant_id: str, bus: BusDep, actor: CurrentActor) -> None:
    bus.handle(svc.RevokeScope(grant_id=grant_id), actor)


# --- audit ----------------------------------------------------------------------------------
@router.get("/audit/events", tags=["audit"], summary="Event log entries within your scope")
def list_events(
    bus: BusDep,
    actor: CurrentActor,
    after_seq: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    aggregate_type: Annotated[str | None, Query(max_length=60)] = None,
    aggregate_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[EventOut]:
    events = bus.handle(
        audit.ListEvents(
            after_seq=after_seq,
            limit=limit,
            aggregate_type=aggregate_type,
            aggregate_id=aggregate_id,
        ),
        actor,
    )
    return [EventOut.of(e) for e in events]


class AccessOut(BaseModel):
    id: int
    at: datetime
    actor_id: str
    actor_organisation_id: str | None
    action: str
    permission: str
    outcome: str
    reason: str
    target_kind: str
    target_id: str
    personal_fields: list[str]


def _access_out(r: AccessRecord) -> AccessOut:
    return AccessOut(
        id=r.id,
        at=r.at,
        actor_id=r.actor_id,
        actor_organisation_id=r.actor_organisation_id,
        action=r.action,
        permission=r.permission,
        outcome=r.outcome,
        reason=r.reason,
        target_kind=r.target_kind,
        target_id=r.target_id,
        personal_fields=list(r.personal_fields),
    )


@router.get("/audit/access", tags=["audit"], summary="Access decisions, newest first")
def list_access(
    bus: BusDep,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    actor_id: Annotated[str | None, Query(max_length=80)] = None,
    outcome: Annotated[str | None, Query(pattern="^(allowed|denied)$")] = None,
) -> list[AccessOut]:
    records = bus.handle(
        audit.ListAccessLog(limit=limit, before_id=before_id, actor_id=actor_id, outcome=outcome),
        actor,
    )
    return [_access_out(r) for r in records]


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_event_id: str | None = None
    reason: str | None = None


@router.get("/audit/verify", tags=["audit"], summary="Walk the hash chain")
def verify(bus: BusDep, actor: CurrentActor) -> VerifyOut:
    report: audit.ChainReport = bus.handle(audit.VerifyChain(), actor)
    broken = report.broken
    return VerifyOut(
        ok=report.ok,
        checked=report.checked,
        first_bad_seq=broken.seq if broken else None,
        first_bad_event_id=broken.event_id if broken else None,
        reason=broken.reason if broken else None,
    )
