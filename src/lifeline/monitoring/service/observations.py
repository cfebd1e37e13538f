"""Reading stored observations and the quarantine."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.monitoring.messages import ListObservations, ListQuarantine
from lifeline.monitoring.model import QuarantinedRow
from lifeline.monitoring.service._common import (
    authorize_collection,
    load_datastream,
    load_thing,
    repo_of,
)


def list_observations(query: ListObservations, ctx: HandlerContext) -> list[tuple[int, float, int]]:
    """Newest first: (phenomenon time µs, result, received at µs)."""
    stream = load_datastream(ctx, query.datastream_id)
    since_us = None if query.since_s is None else round(query.since_s * 1_000_000)
    return repo_of(ctx).list_observations(stream.number, since_us, query.limit)


def list_quarantine(query: ListQuarantine, ctx: HandlerContext) -> tuple[list[QuarantinedRow], int]:
    if query.thing_id is not None:
        load_thing(ctx, query.thing_id)
    else:
        authorize_collection(ctx, "quarantine")
    return repo_of(ctx).list_quarantine(ctx.scope_paths, query.thing_id, query.limit, query.offset)
