"""Sign-in and authentication: credentials in, an Actor with roles and scope out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lifeline.kernel.access import SYSTEM_ACTOR, AccessDecision, Actor, ActorKind, Outcome
from lifeline.kernel.errors import FieldProblem, InvalidInput, Unauthenticated
from lifeline.kernel.uow import UnitOfWork
from lifeline.security import passwords
from lifeline.security.events import (
    UserSignedIn,
)
from lifeline.security.model import (
    ORG_PATHS,
    SECURITY,
    User,
    permissions_for,
)
from lifeline.security.tokens import TokenCodec

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
