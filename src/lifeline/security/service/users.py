"""Users: create, change, read and list, with phone numbers masked unless permitted."""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security import passwords
from lifeline.security.events import (
    UserCreated,
    UserPasswordChanged,
    UserUpdated,
)
from lifeline.security.masking import mask_phone
from lifeline.security.messages import USERNAME_MAX, CreateUser, GetUser, ListUsers, UpdateUser
from lifeline.security.model import (
    ORG_PATHS,
    SECURITY,
    Permission,
    User,
)
from lifeline.security.service._common import (
    PERSONAL_USER_FIELDS,
    UserView,
    check_roles_grantable,
    org_path,
)


def _check_username(username: str) -> None:
    if not username or len(username) > USERNAME_MAX:
        raise InvalidInput("username", f"must be 1 to {USERNAME_MAX} characters")
    if not all(c.isalnum() or c in "._-@" for c in username):
        raise InvalidInput("username", "may contain letters, digits and . _ - @ only")


def _check_password(password: str, field: str = "password") -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInput(field, problem)


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


def create_user(cmd: CreateUser, ctx: HandlerContext) -> UserView:
    _check_username(cmd.username)
    _check_password(cmd.password)
    if not cmd.display_name.strip():
        raise InvalidInput("display_name", "must not be empty")
    path = org_path(ctx, cmd.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    check_roles_grantable(ctx, cmd.roles)
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
        check_roles_grantable(ctx, cmd.roles)
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
