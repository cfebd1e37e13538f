"""Security use cases: users, service accounts, scope grants, sign-in and authentication."""

from __future__ import annotations

from lifeline.kernel.bus import MessageBus
from lifeline.security.messages import (
    CreateServiceAccount,
    CreateUser,
    GetUser,
    GrantScope,
    ListGrants,
    ListUsers,
    RevokeScope,
    RevokeServiceAccount,
    UpdateUser,
)
from lifeline.security.service._common import NewServiceAccount, UserView
from lifeline.security.service.authentication import (
    IssuedToken,
    actor_for_user,
    authenticate,
    sign_in,
)
from lifeline.security.service.grants import grant_scope, list_grants, revoke_scope
from lifeline.security.service.service_accounts import (
    create_service_account,
    revoke_service_account,
)
from lifeline.security.service.users import create_user, get_user, list_users, update_user

__all__ = [
    "CreateServiceAccount",
    "CreateUser",
    "GetUser",
    "GrantScope",
    "IssuedToken",
    "ListGrants",
    "ListUsers",
    "NewServiceAccount",
    "RevokeScope",
    "RevokeServiceAccount",
    "UpdateUser",
    "UserView",
    "actor_for_user",
    "authenticate",
    "register_handlers",
    "sign_in",
]


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
