"""Responders and teams: registration, availability, training records, the reach search."""

from __future__ import annotations

import dataclasses
import math

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.reserves import messages as msg
from lifeline.reserves.events import (
    ResponderAvailabilityChanged,
    ResponderRegistered,
    RosterSet,
    TrainingRecorded,
)
from lifeline.reserves.gaps import FloatArray
from lifeline.reserves.personnel import (
    CertificationAlarm,
    Reach,
    Responder,
    certification_alarms,
    who_can_reach,
)
from lifeline.reserves.service._common import (
    authorize_collection,
    check_speed,
    org_path,
    repo_of,
    travel_min,
)


def _load(ctx: HandlerContext, responder_id: str) -> Responder:
    responder = repo_of(ctx).get_responder(responder_id)
    if responder is None:
        raise NotFound("responder", responder_id)
    ctx.authorize(target_kind="responder", target_id=responder.id, target_path=responder.path)
    return responder


def _names(values: tuple[str, ...], field: str) -> tuple[str, ...]:
    clean = tuple(v.strip().lower() for v in values)
    if any(not v for v in clean):
        raise InvalidInput(field, "must not contain blank names")
    return clean


def register_responder(cmd: msg.RegisterResponder, ctx: HandlerContext) -> Responder:
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be blank")
    if not cmd.team.strip():
        raise InvalidInput("team", "must not be blank")
    certs = tuple(
        dataclasses.replace(c, name=_names((c.name,), f"certifications[{i}].name")[0])
        for i, c in enumerate(cmd.certifications)
    )
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    responder = Responder(
        id=new_id(),
        name=cmd.name.strip(),
        organisation_id=cmd.organisation_id,
        path=path,
        kind=cmd.kind,
        team=cmd.team.strip(),
        skills=_names(cmd.skills, "skills"),
        certifications=certs,
        equipment=tuple(e.strip() for e in cmd.equipment if e.strip()),
        home_base=cmd.home_base,
        available=cmd.available,
        created_at=ctx.uow.clock.now(),
    )
    repo_of(ctx).add_responder(responder)
    ctx.uow.record(
        ResponderRegistered(
            aggregate_id=responder.id,
            organisation_id=responder.organisation_id,
            name=responder.name,
            kind=responder.kind.value,
            team=responder.team,
            certifications=tuple(c.name for c in certs),
        )
    )
    return responder


def set_availability(cmd: msg.SetAvailability, ctx: HandlerContext) -> Responder:
    responder = dataclasses.replace(_load(ctx, cmd.responder_id), available=cmd.available)
    repo_of(ctx).update_responder(responder)
    ctx.uow.record(
        ResponderAvailabilityChanged(
            aggregate_id=responder.id,
            organisation_id=responder.organisation_id,
            available=cmd.available,
        )
    )
    return responder


def record_training(cmd: msg.RecordTraining, ctx: HandlerContext) -> Responder:
    record = cmd.record
    if not record.title.strip():
        raise InvalidInput("title", "must not be blank")
    if not (math.isfinite(record.hours) and 0 < record.hours <= 24 * 30):
        raise InvalidInput("hours", "must be a positive number of hours")
    if record.on > ctx.uow.clock.now().date():
        raise InvalidInput("on", "training cannot be recorded before it happens")
    current = _load(ctx, cmd.responder_id)
    responder = dataclasses.replace(current, training=(*current.training, record))
    repo_of(ctx).update_responder(responder)
    ctx.uow.record(
        TrainingRecorded(
            aggregate_id=responder.id,
            organisation_id=responder.organisation_id,
            on=record.on.isoformat(),
            title=record.title,
            hours=record.hours,
            drill=record.drill,
        )
    )
    return responder


def list_responders(query: msg.ListResponders, ctx: HandlerContext) -> list[Responder]:
    authorize_collection(ctx, "responder")
    return repo_of(ctx).list_responders(ctx.scope_paths)


def set_roster(cmd: msg.SetRoster, ctx: HandlerContext) -> Responder:
    roster = cmd.roster
    if roster is not None:
        if not -12 * 60 <= roster.utc_offset_min <= 14 * 60:
            raise InvalidInput("utc_offset_min", "must be between -720 and 840 minutes")
        for i, shift in enumerate(roster.shifts):
            if shift.start == shift.end:
                raise InvalidInput(f"shifts[{i}]", "a shift must not start and end at once")
        for i, leave in enumerate(roster.leave):
            if leave.starts_at.tzinfo is None or leave.ends_at.tzinfo is None:
                raise InvalidInput(f"leave[{i}]", "times need a UTC offset")
            if leave.ends_at <= leave.starts_at:
                raise InvalidInput(f"leave[{i}].ends_at", "must be after starts_at")
    responder = dataclasses.replace(_load(ctx, cmd.responder_id), roster=roster)
    repo_of(ctx).update_responder(responder)
    ctx.uow.record(
        RosterSet(
            aggregate_id=responder.id,
            organisation_id=responder.organisation_id,
            shifts=len(roster.shifts) if roster else 0,
            hours_per_week=roster.hours_per_week() if roster else 0.0,
            leave_periods=len(roster.leave) if roster else 0,
        )
    )
    return responder


def list_certification_alarms(
    query: msg.CertificationAlarms, ctx: HandlerContext
) -> list[CertificationAlarm]:
    if not 0 <= query.within_days <= 3660:
        raise InvalidInput("within_days", "must be between 0 and 3660 days")
    authorize_collection(ctx, "responder")
    return certification_alarms(
        repo_of(ctx).list_responders(ctx.scope_paths),
        ctx.uow.clock.now().date(),
        query.within_days,
    )


def find_responders(query: msg.FindResponders, ctx: HandlerContext) -> list[Reach]:
    if not (math.isfinite(query.within_min) and query.within_min > 0):
        raise InvalidInput("within_min", "must be a positive number of minutes")
    check_speed(query.speed_kmh)
    if query.at is not None and query.at.tzinfo is None:
        raise InvalidInput("at", "needs a UTC offset")
    authorize_collection(ctx, "responder")

    def eta(pool: list[Responder]) -> FloatArray:
        homes = [r.home_base for r in pool]
        return travel_min(ctx, homes, [query.target], query.speed_kmh)[:, 0]

    return who_can_reach(
        repo_of(ctx).list_responders(ctx.scope_paths),
        query.target,
        within_min=query.within_min,
        at=query.at or ctx.uow.clock.now(),
        certification=query.certification.strip().lower() if query.certification else None,
        skill=query.skill.strip().lower() if query.skill else None,
        eta=eta,
    )
