"""Authoring and approval: draft → submit → approve (a second person for orange and red) →
publish; update and cancel with references."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from lifeline.alerts.cap import produce, validate
from lifeline.alerts.cap.model import CapMsgType, CapStatus
from lifeline.alerts.events import (
    AlertApproved,
    AlertCancelled,
    AlertDrafted,
    AlertPublished,
    AlertRejected,
    AlertSubmitted,
    AlertSuperseded,
)
from lifeline.alerts.identifiers import GbIdentifier
from lifeline.alerts.levels import SHENZHEN_TYPHOON, Colour
from lifeline.alerts.messages import (
    ApproveAlert,
    CancelAlert,
    DraftAlert,
    PublishAlert,
    RejectAlert,
    SubmitAlert,
    UpdateAlert,
)
from lifeline.alerts.model import ALERTS, AlertState, AlertText, PublicAlert
from lifeline.alerts.service._common import cap_of, load, save
from lifeline.alerts.service.outbox import enqueue_deliveries
from lifeline.alerts.templates import LANGUAGES, Hazard, template_for
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, FieldProblem, InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.registry.model import REGISTRY
from lifeline.security.model import ORG_PATHS

_COLOUR_EN = {c: c.value for c in Colour}


def draft_alert(cmd: DraftAlert, ctx: HandlerContext) -> PublicAlert:
    path = ctx.uow.repo(ORG_PATHS).path_of(cmd.organisation_id)
    if path is None:
        raise InvalidInput(
            "organisation_id", f"organisation {cmd.organisation_id!r} does not exist"
        )
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    template = template_for(cmd.template_id)
    now = ctx.uow.clock.now()
    problems = _check_draft(cmd, now)
    if problems:
        raise InvalidInput(problems)
    texts = []
    for language, name in cmd.area_names:
        words = template.text(language)
        colour = cmd.colour.zh if language == "zh-CN" else _COLOUR_EN[cmd.colour]
        texts.append(
            AlertText(
                language=language,
                event=words.event,
                headline=words.headline.format(area=name, colour=colour),
                description=words.description.format(area=name, colour=colour),
                instruction=words.instruction.format(area=name, colour=colour),
                area_desc=name,
            )
        )
    alert = PublicAlert(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        organisation_path=path,
        identifier=_next_identifier(ctx, path, cmd.organisation_code, now),
        hazard=template.hazard,
        colour=cmd.colour,
        status=cmd.status,
        msg_type=CapMsgType.ALERT,
        category=template.category,
        response_type=template.response_type,
        urgency=template.urgency,
        certainty=template.certainty,
        texts=tuple(texts),
        areas=cmd.areas,
        expires_at=cmd.expires_at,
        created_by=ctx.actor.ref,
        created_at=now,
        signal=cmd.signal,
        template_id=template.id,
        template_version=template.version,
    )
    _check_cap(ctx, alert)
    ctx.uow.repo(ALERTS).add(alert)
    ctx.uow.record(_drafted(alert))
    return alert


def _check_draft(cmd: DraftAlert, now: datetime) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    languages = [language for language, _ in cmd.area_names]
    if not languages:
        problems.append(FieldProblem("area_names", "name the area in at least one language"))
    for language in languages:
        if language not in LANGUAGES:
            problems.append(FieldProblem("area_names", f"{language!r} is not one of {LANGUAGES}"))
    if len(set(languages)) != len(languages):
        problems.append(FieldProblem("area_names", "one name per language"))
    if not cmd.areas:
        problems.append(FieldProblem("areas", "an alert needs at least one area"))
    if cmd.expires_at <= now:
        problems.append(FieldProblem("expires_at", "must be in the future"))
    if cmd.status not in (CapStatus.ACTUAL, CapStatus.EXERCISE, CapStatus.TEST):
        problems.append(FieldProblem("status", "must be Actual, Exercise or Test"))
    if cmd.signal is not None:
        if template_for(cmd.template_id).hazard is not Hazard.TYPHOON:
            problems.append(FieldProblem("signal", "local signals exist for typhoons only"))
        elif SHENZHEN_TYPHOON.colour(cmd.signal) is not cmd.colour:
            expected = SHENZHEN_TYPHOON.colour(cmd.signal)
            problems.append(FieldProblem("signal", f"signal {cmd.signal!r} is {expected}"))
    return problems


def _region_code(ctx: HandlerContext, path: str) -> str:
    """The administrative code of the organisation or its nearest ancestor that has one."""
    registry = ctx.uow.repo(REGISTRY)
    for org_id in reversed([part for part in path.split("/") if part]):
        org = registry.get_organisation(org_id)
        if org is not None and org.admin_code and len(org.admin_code) == 6:
            return org.admin_code
    raise InvalidInput(
        "organisation_id", "neither the organisation nor its parents have a 6-digit admin code"
    )


def _next_identifier(ctx: HandlerContext, path: str, organisation_code: str, now: datetime) -> str:
    base = GbIdentifier(
        region_code=_region_code(ctx, path), organisation_code=organisation_code, entered_at=now
    )
    prefix = str(base)[:-1]
    taken = len(ctx.uow.repo(ALERTS).identifiers_with_prefix(prefix))
    if taken > 9:
        raise Conflict("ten alerts were already entered this second by this issuer; retry")
    return str(dataclasses.replace(base, sequence=taken))


def _check_cap(ctx: HandlerContext, alert: PublicAlert) -> None:
    report = validate(produce(cap_of(ctx, alert)))
    if not report.ok:
        raise InvalidInput([FieldProblem(i.path, i.reason) for i in report.errors])


def _drafted(alert: PublicAlert) -> AlertDrafted:
    return AlertDrafted(
        aggregate_id=alert.id,
        organisation_id=alert.organisation_id,
        identifier=alert.identifier,
        hazard=alert.hazard,
        colour=alert.colour,
        status=alert.status,
        msg_type=alert.msg_type,
        template_id=alert.template_id,
        template_version=alert.template_version,
        references_alert_id=alert.references_alert_id,
    )


def submit_alert(cmd: SubmitAlert, ctx: HandlerContext) -> PublicAlert:
    alert = load(ctx, cmd.alert_id)
    after = alert.submit(by=ctx.actor.ref, at=ctx.uow.clock.now())
    save(ctx, alert, after)
    ctx.uow.record(AlertSubmitted(aggregate_id=alert.id, organisation_id=alert.organisation_id))
    return after


def reject_alert(cmd: RejectAlert, ctx: HandlerContext) -> PublicAlert:
    if not cmd.note.strip():
        raise InvalidInput("note", "say why the alert is sent back")
    alert = load(ctx, cmd.alert_id)
    after = alert.reject(note=cmd.note.strip())
    save(ctx, alert, after)
    ctx.uow.record(
        AlertRejected(aggregate_id=alert.id, organisation_id=alert.organisation_id, note=cmd.note)
    )
    return after


def approve_alert(cmd: ApproveAlert, ctx: HandlerContext) -> PublicAlert:
    alert = load(ctx, cmd.alert_id)
    after = alert.approve(by=ctx.actor.ref, at=ctx.uow.clock.now())
    save(ctx, alert, after)
    ctx.uow.record(
        AlertApproved(
            aggregate_id=alert.id, organisation_id=alert.organisation_id, approved_by=ctx.actor.ref
        )
    )
    return after


def publish_alert(cmd: PublishAlert, ctx: HandlerContext) -> PublicAlert:
    alert = load(ctx, cmd.alert_id)
    now = ctx.uow.clock.now()
    after = alert.publish(at=now)
    if alert.references_alert_id is not None:
        earlier = load(ctx, alert.references_alert_id)
        if earlier.state_at(now) not in (AlertState.PUBLISHED, AlertState.EXPIRED):
            raise Conflict(f"alert {earlier.id} it updates is {earlier.state}; nothing to update")
        save(ctx, earlier, earlier.supersede())
        ctx.uow.record(
            AlertSuperseded(
                aggregate_id=earlier.id,
                organisation_id=earlier.organisation_id,
                by_alert_id=alert.id,
            )
        )
    save(ctx, alert, after)
    ctx.uow.record(_published(after))
    enqueue_deliveries(ctx, after)
    return after


def _published(alert: PublicAlert) -> AlertPublished:
    return AlertPublished(
        aggregate_id=alert.id,
        organisation_id=alert.organisation_id,
        identifier=alert.identifier,
        msg_type=alert.msg_type,
        colour=alert.colour,
        status=alert.status,
        public=alert.status is CapStatus.ACTUAL,
        approved_by=alert.approved_by,
        template_id=alert.template_id,
        template_version=alert.template_version,
    )


def _follow_up(
    ctx: HandlerContext, earlier: PublicAlert, msg_type: CapMsgType, **changes: object
) -> PublicAlert:
    now = ctx.uow.clock.now()
    if earlier.state_at(now) is not AlertState.PUBLISHED:
        raise Conflict(f"alert {earlier.id} is {earlier.state_at(now)}; only a live alert changes")
    if earlier.msg_type is CapMsgType.CANCEL:
        raise Conflict("a cancellation cannot be updated or cancelled")
    fields: dict[str, object] = {
        "id": new_id(),
        "identifier": _next_identifier(
            ctx, earlier.organisation_path, earlier.identifier[6:9], now
        ),
        "msg_type": msg_type,
        "references_alert_id": earlier.id,
        "state": AlertState.DRAFT,
        "created_by": ctx.actor.ref,
        "created_at": now,
        "submitted_by": None,
        "submitted_at": None,
        "approved_by": None,
        "approved_at": None,
        "published_at": None,
        "version": 1,
    }
    return dataclasses.replace(earlier, **(fields | changes))  # type: ignore[arg-type]


def update_alert(cmd: UpdateAlert, ctx: HandlerContext) -> PublicAlert:
    earlier = load(ctx, cmd.alert_id)
    changes: dict[str, object] = {"note": cmd.note}
    if cmd.expires_at is not None:
        if cmd.expires_at <= ctx.uow.clock.now():
            raise InvalidInput("expires_at", "must be in the future")
        changes["expires_at"] = cmd.expires_at
    if cmd.colour is not None:
        changes["colour"] = cmd.colour
        changes["texts"] = _recolour(earlier, cmd.colour)
    if cmd.signal is not None:
        changes["signal"] = cmd.signal
    update = _follow_up(ctx, earlier, CapMsgType.UPDATE, **changes)
    _check_cap(ctx, update)
    ctx.uow.repo(ALERTS).add(update)
    ctx.uow.record(_drafted(update))
    return update


def _recolour(alert: PublicAlert, colour: Colour) -> tuple[AlertText, ...]:
    if alert.template_id is None:
        return alert.texts
    template = template_for(alert.template_id)
    out = []
    for text in alert.texts:
        words = template.text(text.language)
        name = colour.zh if text.language == "zh-CN" else _COLOUR_EN[colour]
        out.append(
            dataclasses.replace(
                text, headline=words.headline.format(area=text.area_desc, colour=name)
            )
        )
    return tuple(out)


def cancel_alert(cmd: CancelAlert, ctx: HandlerContext) -> PublicAlert:
    if not cmd.note.strip():
        raise InvalidInput("note", "say why the alert is cancelled")
    earlier = load(ctx, cmd.alert_id)
    now = ctx.uow.clock.now()
    cancel = _follow_up(
        ctx,
        earlier,
        CapMsgType.CANCEL,
        note=cmd.note.strip(),
        state=AlertState.PUBLISHED,
        approved_by=ctx.actor.ref,
        approved_at=now,
        published_at=now,
    )
    ctx.uow.repo(ALERTS).add(cancel)
    save(ctx, earlier, earlier.cancel())
    enqueue_deliveries(ctx, cancel)
    ctx.uow.record(
        _drafted(cancel),
        _published(cancel),
        AlertCancelled(
            aggregate_id=earlier.id,
            organisation_id=earlier.organisation_id,
            by_alert_id=cancel.id,
            note=cancel.note or "",
        ),
    )
    return cancel
