"""Request dependencies as ``Annotated`` aliases: the platform, the bus and the current actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lifeline.bootstrap import Platform
from lifeline.kernel.access import Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.errors import Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /auth/token")


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_bus(platform: PlatformDep) -> MessageBus:
    return platform.bus


BusDep = Annotated[MessageBus, Depends(get_bus)]


def current_actor(
    platform: PlatformDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_api_key: Annotated[str | None, Header(description="API key of a service account")] = None,
) -> Actor:
    """The authenticated caller: a bearer token (users) or an ``X-API-Key`` (service accounts)."""
    bearer = credentials.credentials if credentials is not None else None
    if bearer is None and not x_api_key:
        raise Unauthenticated("send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'")
    return platform.authenticate(bearer=bearer, api_key=x_api_key)


CurrentActor = Annotated[Actor, Depends(current_actor)]
