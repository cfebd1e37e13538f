"""Request dependencies and the base model shared by the monitoring routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from lifeline.api.deps import PlatformDep, current_actor
from lifeline.api.pagination import PageParams, page_params
from lifeline.kernel.access import Actor
from lifeline.monitoring.service import authenticate_device

PageDep = Annotated[PageParams, Depends(page_params)]
GeoJson = dict[str, Any]


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


async def writer(
    platform: PlatformDep,
    x_device_key: Annotated[
        str | None,
        Header(description="A device's own key (from POST /monitoring/Things/{id}/keys)"),
    ] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    x_api_key: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Actor:
    """Who writes observations: a device by its key, else a user or service account."""
    if x_device_key:
        return await run_in_threadpool(authenticate_device, platform.uow, x_device_key)
    bearer = None
    if authorization and authorization.lower().startswith("bearer "):
        bearer = authorization[7:].strip()
    credentials = (
        HTTPAuthorizationCredentials(scheme="Bearer", credentials=bearer) if bearer else None
    )
    return await run_in_threadpool(current_actor, platform, credentials, x_api_key)


WriterDep = Annotated[Actor, Depends(writer)]
