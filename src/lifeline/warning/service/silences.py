"""Silences and maintenance windows: while active, matching transitions raise no alarm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.warning.events import SilenceCreated, SilenceEnded
from lifeline.warning.messages import CreateSilence, EndSilence, ListSilences
from lifeline.warning.model import Silence
from lifeline.warning.service._common import authorize_collection, org_path, repo_of

MAX_SILENCE = timedelta(days=90)


def create_silence(
    cmd: CreateSilence, ctx: HandlerContext, *, on_change: Callable[[], None] | None = None
) -> Silence:
    """Make a silence; ``on_change`` runs once it has committed (the evaluator re-reads)."""
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    now = ctx.uow.clock.now()
    starts = cmd.starts_at or now
    if starts.tzinfo is None:
        raise InvalidInput("starts_at", "must carry a time zone")
    if cmd.ends_at.tzinfo is None:
        raise InvalidInput("ends_at", "must carry a time zone")
    if cmd.ends_at <= starts:
        raise InvalidInput("ends_at", "must be after starts_at")
    if cmd.ends_at - starts > MAX_SILENCE:
        raise InvalidInput("ends_at", "a silence lasts at most 90 days")
    reason = cmd.reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("reason", "must be 1 to 500 characters")
    silence = Silence(
        id=new_id(),
        kind=cmd.kind,
        organisation_id=cmd.organisation_id,
        path=path,
        starts_at=starts,
        ends_at=cmd.ends_at,
        reason=reason,
        created_by=ctx.actor.ref,
        created_at=now,
        rule_id=cmd.rule_id,
        source_id=cmd.source_id,
        thing_id=cmd.thing_id,
    )
    repo_of(ctx).add_silence(silence)
    if on_change is not None:
        ctx.uow.after_commit(on_change)
    ctx.uow.record(
        SilenceCreated(
            aggregate_id=silence.id,
            organisation_id=silence.organisation_id,
            kind=silence.kind.value,
            starts_at=starts.isoformat(),
            ends_at=cmd.ends_at.isoformat(),
            reason=reason,
            rule_id=cmd.rule_id,
            source_id=cmd.source_id,
            thing_id=cmd.thing_id,
        )
    )
    return silence


def end_silence(
    cmd: EndSilence, ctx: HandlerContext, *, on_change: Callable[[], None] | None = None
) -> Silence:
    """End a silence early; ``on_change`` runs once it has committed."""
    repo = repo_of(ctx)
    silence = repo.get_silence(cmd.silence_id)
    if silence is None:
        raise NotFound("silence", cmd.silence_id)
    ctx.authorize(target_kind="warning_silence", target_id=silence.id, target_path=silence.path)
    if silence.ended_at is not None:
        raise Conflict(f"silence {silence.id} has already ended")
    ended = replace(silence, ended_at=ctx.uow.clock.now())
    repo.save_silence(ended)
    if on_change is not None:
        ctx.uow.after_commit(on_change)
    ctx.uow.record(SilenceEnded(aggregate_id=silence.id, organisation_id=silence.organisation_id))
    return ended


def list_silences(query: ListSilences, ctx: HandlerContext) -> list[Silence]:
    authorize_collection(ctx, "warning_silence")
    return repo_of(ctx).list_silences(ctx.scope_paths)
