"""Security use cases: users, service accounts, scope grants, sign-in and authentication."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from lifeline.kernel.access import SYSTEM_ACTOR, AccessDecision, Actor, ActorKind, Outcome
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.errors import Conflict, FieldProblem, InvalidInput, NotFound, Unauthenticated
from lifeline.kernel.events import Command, Query
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork
from lifeline.security import passwords
from lifeline.security.events import (
    ScopeGranted,
    ScopeRevoked,
    ServiceAccountCreated,
    ServiceAccountRevoked,
    UserCreated,
    UserPasswordChanged,
    UserSignedIn,
    UserUpdated,
)
from lifeline.security.masking import mask_phone
from lifeline.security.model import (
    ORG_PATHS,
    SECURITY,
    Permission,
    Role,
    ScopeGrant,
    ServiceAccount,
    User,
    permissions_for,
)
from lifeline.security.tokens import TokenCodec

USERNAME_MAX = 64
PERSONAL_USER_FIELDS = ("phone",)


# --- messages -------------------------------------------------------------------------------
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


# --- views ----------------------------------------------------------------------------------
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


# --- helpers --------------------------------------------------------------------------------
def _org_path(ctx: HandlerContext, organisation_id: str, field: str) -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def _check_username(username: str) -> None:
    if not username or len(username) > USERNAME_MAX:
        raise InvalidInput("username", f"must be 1 to {USERNAME_MAX} characters")
    if not all(c.isalnum() or c in "._-@" for c in username):
        raise InvalidInput("username", "may contain letters, digits and . _ - @ only")


def _check_password(password: str, field: str = "password") -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInput(field, problem)


def _check_roles_grantable(ctx: HandlerContext, roles: frozenset[Role]) -> None:
    if not roles:
        raise InvalidInput("roles", "at least one role is required")
    wanted = permissions_for(roles)
    mine = ctx.actor.permissions
    if "*" not in mine and not wanted <= mine:
        missing = sorted(wanted - mine)
        raise InvalidInput("roles", f"you cannot grant permissions you lack: {missing}")


def _view(ctx: HandlerContext, user: User, path: str) -> UserView:
    personal = ctx.allowed(Permission.PERSONAL_READ, path, personal=True)
    ctx.authorize(
        target_kind="user",
        target_id=user.id,
        target_path=path,
        personal_fields=PERSONAL_USER_FIELDS if (personal and user.phone) else (),
    )
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        organisation_id=user.organisation_id,
        roles=tuple(sorted(r.value for r in user.roles)),
        active=user.active,
        created_at=user.created_at,
        phone=user.phone if personal else mask_phone(user.phone),
        phone_masked=bool(user.phone) and not personal,
    )


# --- handlers -------------------------------------------------------------------------------
def create_user(cmd: CreateUser, ctx: HandlerContext) -> UserView:
    _check_username(cmd.username)
    _check_password(cmd.password)
    if not cmd.display_name.strip():
        raise InvalidInput("display_name", "must not be empty")
    path = _org_path(ctx, cmd.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    _check_roles_grantable(ctx, cmd.roles)
    repo = ctx.uow.repo(SECURITY)
    if repo.get_user_by_username(cmd.username) is not None:
        raise Conflict(f"username {cmd.username!r} is taken")
    user = User(
        id=new_id(),
        username=cmd.username,
        display_name=cmd.display_name.strip(),
        organisation_id=cmd.organisation_id,
        roles=cmd.roles,
        password_hash=passwords.hash_password(cmd.password),
        active=True,
        created_at=ctx.uow.clock.now(),
        phone=cmd.phone,
    )
    repo.add_user(user)
    ctx.uow.record(
        UserCreated(
            aggregate_id=user.id,
            organisation_id=user.organisation_id,
            username=user.username,
            display_name=user.display_name,
            roles=tuple(sorted(r.value for r in user.roles)),
        )
    )
    return _view(ctx, user, path)


def _load_user(ctx: HandlerContext, user_id: str) -> tuple[User, str]:
    user = ctx.uow.repo(SECURITY).get_user(user_id)
    if user is None:
        raise NotFound("user", user_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(user.organisation_id) or "/"
    ctx.authorize(target_kind="user", target_id=user.id, target_path=path)
    return user, path


def update_user(cmd: UpdateUser, ctx: HandlerContext) -> UserView:
    user, path = _load_user(ctx, cmd.user_id)
    changes: dict[str, object] = {}
    if cmd.display_name is not None:
        if not cmd.display_name.strip():
            raise InvalidInput("display_name", "must not be empty")
        changes["display_name"] = cmd.display_name.strip()
    if cmd.roles is not None:
        _check_roles_grantable(ctx, cmd.roles)
        changes["roles"] = cmd.roles
    if cmd.active is not None:
        if user.id == ctx.actor.id and not cmd.active:
            raise Conflict("you cannot deactivate yourself")
        changes["active"] = cmd.active
    if cmd.phone is not None:
        changes["phone"] = cmd.phone or None
    if cmd.password is not None:
        _check_password(cmd.password)
        changes["password_hash"] = passwords.hash_password(cmd.password)
    if not changes:
        raise InvalidInput("body", "nothing to change")
    updated = dataclasses.replace(user, **changes)  # type: ignore[arg-type]
    ctx.uow.repo(SECURITY).update_user(updated)
    visible = tuple(sorted(k for k in changes if k != "password_hash"))
    if visible:
        ctx.uow.record(
            UserUpdated(
                aggregate_id=user.id,
                organisation_id=user.organisation_id,
                changes=visible,
                roles=tuple(sorted(r.value for r in updated.roles)),
                active=updated.active,
            )
        )
    if "password_hash" in changes:
        ctx.uow.record(
            UserPasswordChanged(aggregate_id=user.id, organisation_id=user.organisation_id)
        )
    return _view(ctx, updated, path)


def get_user(query: GetUser, ctx: HandlerContext) -> UserView:
    user, path = _load_user(ctx, query.user_id)
    return _view(ctx, user, path)


def list_users(query: ListUsers, ctx: HandlerContext) -> tuple[list[UserView], int]:
    repo = ctx.uow.repo(SECURITY)
    paths = ctx.uow.repo(ORG_PATHS)
    # Scope filter: users whose organisation path lies in one of the actor's scope paths.
    all_users, _ = repo.list_users(None, limit=1_000_000, offset=0)
    visible: list[tuple[User, str]] = []
    for user in all_users:
        path = paths.path_of(user.organisation_id) or "/"
        if any(path.startswith(scope) for scope in ctx.scope_paths):
            visible.append((user, path))
    ctx.authorize(
        target_kind="user-collection",
        target_id="",
        target_path=ctx.scope_paths[0] if ctx.scope_paths else "/",
    )
    page = visible[query.offset : query.offset + query.limit]
    return [_view(ctx, u, p) for u, p in page], len(visible)


def create_service_account(cmd: CreateServiceAccount, ctx: HandlerContext) -> NewServiceAccount:
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be empty")
    path = _org_path(ctx, cmd.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    _check_roles_grantable(ctx, cmd.roles)
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


def grant_scope(cmd: GrantScope, ctx: HandlerContext) -> ScopeGrant:
    if not cmd.reason.strip():
        raise InvalidInput("reason", "a grant needs a stated reason")
    grantee_path = _org_path(ctx, cmd.grantee_organisation_id, "grantee_organisation_id")
    target_path = _org_path(ctx, cmd.target_organisation_id, "target_organisation_id")
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
    path = _org_path(ctx, query.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=query.organisation_id, target_path=path)
    return ctx.uow.repo(SECURITY).grants_for(query.organisation_id)


def register_handlers(bus: MessageBus) -> None:
    bus.register(CreateUser, create_user)
    bus.register(UpdateUser, update_user)
    bus.register(GetUser, get_user)
    bus.register(ListUsers, list_users)
    bus.register(CreateServiceAccount, create_service_account)
    bus.register(RevokeServiceAccount, revoke_service_account)
    bus.register(GrantScope, grant_scope)
    bus.register(RevokeScope, revoke_scope)
    bus.register(ListGrants, list_grants)


# --- authentication (not bus messages: there is no actor yet) -------------------------------
UowFactory = Callable[[Actor], UnitOfWork]


def _scope_paths(uow: UnitOfWork, organisation_id: str) -> tuple[str, ...]:
    paths = uow.repo(ORG_PATHS)
    own = paths.path_of(organisation_id)
    if own is None:
        return ()
    scopes = [own]
    now = uow.clock.now()
    for grant in uow.repo(SECURITY).grants_for(organisation_id):
        if grant.expires_at is not None and grant.expires_at <= now:
            continue
        target = paths.path_of(grant.target_organisation_id)
        if target is not None and not any(target.startswith(s) for s in scopes):
            scopes.append(target)
    return tuple(scopes)


def actor_for_user(uow: UnitOfWork, user: User) -> Actor:
    return Actor(
        id=user.id,
        kind=ActorKind.USER,
        organisation_id=user.organisation_id,
        roles=frozenset(r.value for r in user.roles),
        permissions=permissions_for(user.roles),
        scope_paths=_scope_paths(uow, user.organisation_id),
        name=user.display_name,
    )


def _anonymous_refusal(uow: UnitOfWork, action: str, who: str, reason: str) -> None:
    uow.log_access(
        AccessDecision(
            at=uow.clock.now(),
            actor_id=who,
            actor_organisation_id=None,
            action=action,
            permission="authenticate",
            outcome=Outcome.DENIED,
            reason=reason,
        )
    )
    uow.commit()


def authenticate(
    uow_factory: UowFactory, tokens: TokenCodec, *, bearer: str | None, api_key: str | None
) -> Actor:
    """Resolve a bearer token or an API key to an :class:`Actor`; raise ``Unauthenticated``.

    Roles and scope are read from the database on every request, so deactivating a user,
    revoking a key or a grant takes effect at once rather than when a token expires.
    """
    with uow_factory(SYSTEM_ACTOR) as uow:
        repo = uow.repo(SECURITY)
        if bearer is not None:
            claims = tokens.decode(bearer)
            user = repo.get_user(claims.subject)
            if user is None or not user.active:
                _anonymous_refusal(
                    uow, "authenticate", f"user:{claims.subject}", "unknown or inactive user"
                )
                raise Unauthenticated("unknown or inactive user")
            return actor_for_user(uow, user)
        if api_key:
            prefix = passwords.split_api_key(api_key)
            account = repo.get_service_account_by_prefix(prefix) if prefix else None
            if (
                account is None
                or not account.active
                or not passwords.api_key_matches(api_key, account.key_hash)
            ):
                _anonymous_refusal(
                    uow,
                    "authenticate",
                    f"api-key:{prefix or '?'}",
                    "unknown, revoked or wrong API key",
                )
                raise Unauthenticated("unknown, revoked or wrong API key")
            return Actor(
                id=account.id,
                kind=ActorKind.SERVICE,
                organisation_id=account.organisation_id,
                roles=frozenset(r.value for r in account.roles),
                permissions=permissions_for(account.roles),
                scope_paths=_scope_paths(uow, account.organisation_id),
                name=account.name,
            )
    raise Unauthenticated("no credentials")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_at: datetime
    user_id: str


def sign_in(
    uow_factory: UowFactory, tokens: TokenCodec, *, username: str, password: str
) -> IssuedToken:
    """Check a password and issue a short-lived token; every attempt is recorded."""
    if not username or not password:
        raise InvalidInput(
            [FieldProblem("username", "required"), FieldProblem("password", "required")]
        )
    with uow_factory(SYSTEM_ACTOR) as uow:
        user = uow.repo(SECURITY).get_user_by_username(username)
        ok = passwords.verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.active:
            _anonymous_refusal(
                uow,
                "sign-in",
                f"username:{username[:64]}",
                "wrong username or password, or inactive",
            )
            raise Unauthenticated("wrong username or password")
        token, claims = tokens.issue(user.id)
        uow.record(
            UserSignedIn(
                aggregate_id=user.id,
                organisation_id=user.organisation_id,
                token_id=claims.token_id,
                expires_at=claims.expires_at.isoformat(),
            )
        )
        uow.commit()
        return IssuedToken(access_token=token, expires_at=claims.expires_at, user_id=user.id)
