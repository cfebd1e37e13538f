"""Loading with authorisation, shared by the monitoring use cases."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Forbidden, InvalidInput, NotFound
from lifeline.monitoring.model import (
    DEVICE_ROLE,
    MONITORING,
    Datastream,
    MonitoringRepository,
    Thing,
)
from lifeline.security.model import ORG_PATHS


def repo_of(ctx: HandlerContext) -> MonitoringRepository:
    return ctx.uow.repo(MONITORING)


def not_a_device(ctx: HandlerContext) -> None:
    """Device keys write observations and nothing else."""
    if DEVICE_ROLE in ctx.actor.roles:
        raise Forbidden("a device key may only write observations")


def org_path(ctx: HandlerContext, organisation_id: str, field: str = "organisation_id") -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def load_thing(ctx: HandlerContext, thing_id: str, field: str | None = None) -> Thing:
    thing = repo_of(ctx).get_thing(thing_id)
    if thing is None:
        if field is not None:
            raise InvalidInput(field, f"thing {thing_id!r} does not exist")
        raise NotFound("thing", thing_id)
    ctx.authorize(target_kind="thing", target_id=thing.id, target_path=thing.path)
    return thing


def load_datastream(ctx: HandlerContext, datastream_id: str) -> Datastream:
    stream = repo_of(ctx).get_datastream(datastream_id)
    if stream is None:
        raise NotFound("datastream", datastream_id)
    ctx.authorize(target_kind="datastream", target_id=stream.id, target_path=stream.path)
    return stream


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)
