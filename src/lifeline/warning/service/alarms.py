"""Alarm use cases for people: read, filter, acknowledge, assign, comment, resolve, roll up."""

from __future__ import annotations

from dataclasses import replace

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.warning.events import AlarmAcknowledged, AlarmAssigned, AlarmCommented
from lifeline.warning.messages import (
    AcknowledgeAlarm,
    AlarmComments,
    AlarmEvents,
    AlarmTimeline,
    AssignAlarm,
    CommentAlarm,
    GetAlarm,
    ListAlarms,
    ResolveAlarm,
    Rollup,
)
from lifeline.warning.model import Alarm, AlarmComment, RollupNode
from lifeline.warning.rollup import roll_up
from lifeline.warning.service._common import (
    authorize_collection,
    load_alarm,
    org_path,
    repo_of,
)
from lifeline.warning.service.lifecycle import clear


def get_alarm(query: GetAlarm, ctx: HandlerContext) -> Alarm:
    return load_alarm(ctx, query.alarm_id)


def list_alarms(query: ListAlarms, ctx: HandlerContext) -> tuple[list[Alarm], int]:
    authorize_collection(ctx, "alarm")
    flt = query.filter
    if query.organisation_id is not None:
        path = org_path(ctx, query.organisation_id)
        ctx.authorize(target_kind="organisation", target_id=query.organisation_id, target_path=path)
        flt = replace(flt, organisation_path=path)
    return repo_of(ctx).list_alarms(ctx.scope_paths, flt, query.limit, query.offset)


def alarm_timeline(query: AlarmTimeline, ctx: HandlerContext) -> list[StoredEvent]:
    alarm = load_alarm(ctx, query.alarm_id)
    return ctx.uow.timeline("alarm", alarm.id)


def alarm_comments(query: AlarmComments, ctx: HandlerContext) -> list[AlarmComment]:
    alarm = load_alarm(ctx, query.alarm_id)
    return repo_of(ctx).comments(alarm.id)


def _open(ctx: HandlerContext, alarm_id: str) -> Alarm:
    alarm = load_alarm(ctx, alarm_id)
    if not alarm.is_open:
        raise Conflict(f"alarm {alarm.id} is already cleared")
    return alarm


def acknowledge_alarm(cmd: AcknowledgeAlarm, ctx: HandlerContext) -> Alarm:
    alarm = _open(ctx, cmd.alarm_id)
    if alarm.acknowledged_at is not None:
        return alarm  # acknowledging twice changes nothing
    now = ctx.uow.clock.now()
    alarm.acknowledged_at = now
    alarm.acknowledged_by = ctx.actor.ref
    alarm.next_step_at = None  # escalation stops once a person has taken the alarm
    alarm.updated_at = now
    repo_of(ctx).save_alarm(alarm)
    ctx.uow.record(
        AlarmAcknowledged(
            aggregate_id=alarm.id, organisation_id=alarm.organisation_id, by=ctx.actor.ref
        )
    )
    return alarm


def assign_alarm(cmd: AssignAlarm, ctx: HandlerContext) -> Alarm:
    alarm = _open(ctx, cmd.alarm_id)
    assignee = cmd.assignee.strip()
    if not assignee or len(assignee) > 80:
        raise InvalidInput("assignee", "must be 1 to 80 characters")
    alarm.assigned_to = assignee
    alarm.updated_at = ctx.uow.clock.now()
    repo_of(ctx).save_alarm(alarm)
    ctx.uow.record(
        AlarmAssigned(
            aggregate_id=alarm.id,
            organisation_id=alarm.organisation_id,
            assignee=assignee,
            by=ctx.actor.ref,
        )
    )
    return alarm


def comment_alarm(cmd: CommentAlarm, ctx: HandlerContext) -> AlarmComment:
    alarm = load_alarm(ctx, cmd.alarm_id)
    text = cmd.text.strip()
    if not text or len(text) > 4000:
        raise InvalidInput("text", "must be 1 to 4000 characters")
    comment = AlarmComment(new_id(), alarm.id, ctx.actor.ref, text, ctx.uow.clock.now())
    repo_of(ctx).add_comment(comment)
    ctx.uow.record(
        AlarmCommented(
            aggregate_id=alarm.id,
            organisation_id=alarm.organisation_id,
            comment_id=comment.id,
            text=text,
            by=ctx.actor.ref,
        )
    )
    return comment


def resolve_alarm(cmd: ResolveAlarm, ctx: HandlerContext) -> Alarm:
    alarm = _open(ctx, cmd.alarm_id)
    reason = cmd.reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("reason", "must be 1 to 500 characters")
    clear(ctx.uow, alarm, f"resolved by {ctx.actor.ref}: {reason}")
    return alarm


def rollup(query: Rollup, ctx: HandlerContext) -> list[RollupNode]:
    organisation_id = query.organisation_id or ctx.actor.organisation_id
    if organisation_id is None:
        root = "/"
        authorize_collection(ctx, "alarm")
    else:
        root = org_path(ctx, organisation_id)
        ctx.authorize(target_kind="organisation", target_id=organisation_id, target_path=root)
    alarms = [a for a in repo_of(ctx).open_alarms(ctx.scope_paths) if a.path.startswith(root)]
    return roll_up(alarms, root)


def alarm_events(query: AlarmEvents, ctx: HandlerContext) -> tuple[list[StoredEvent], int]:
    """The live stream's poll. The first call (no cursor) is authorised and logged; later polls
    only filter by the caller's scope, so a connected dashboard does not flood the access log."""
    repo = repo_of(ctx)
    if query.after_seq is None:
        authorize_collection(ctx, "alarm")
        return [], repo.last_event_seq()
    return repo.alarm_events_after(query.after_seq, ctx.scope_paths, query.limit)
