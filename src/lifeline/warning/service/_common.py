"""Loading with authorisation, shared by the warning use cases."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.security.model import ORG_PATHS
from lifeline.warning.model import WARNING, Alarm, Rule, WarningRepository


def repo_of(ctx: HandlerContext) -> WarningRepository:
    return ctx.uow.repo(WARNING)


def org_path(ctx: HandlerContext, organisation_id: str, field: str = "organisation_id") -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def load_rule(ctx: HandlerContext, rule_id: str) -> Rule:
    rule = repo_of(ctx).get_rule(rule_id)
    if rule is None:
        raise NotFound("rule", rule_id)
    ctx.authorize(target_kind="warning_rule", target_id=rule.id, target_path=rule.path)
    return rule


def load_alarm(ctx: HandlerContext, alarm_id: str) -> Alarm:
    alarm = repo_of(ctx).get_alarm(alarm_id)
    if alarm is None:
        raise NotFound("alarm", alarm_id)
    ctx.authorize(target_kind="alarm", target_id=alarm.id, target_path=alarm.path)
    return alarm


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)
