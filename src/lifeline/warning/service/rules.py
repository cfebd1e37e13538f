"""Rules as versioned data: create, revise (each change a new version), read and history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.warning.events import RuleCreated, RuleVersioned
from lifeline.warning.messages import CreateRule, GetRule, ListRules, ReviseRule, RuleHistory
from lifeline.warning.model import Rule, RuleVersion
from lifeline.warning.rules import RuleDefinition, parse_rule, rule_to_data
from lifeline.warning.scales import scales
from lifeline.warning.service._common import (
    authorize_collection,
    load_rule,
    org_path,
    repo_of,
)


def _validated(ctx: HandlerContext, data: object, owner_path: str) -> RuleDefinition:
    try:
        definition = parse_rule(data, scales())
    except InvalidInput as exc:
        raise InvalidInput(
            [replace(p, field=f"definition.{p.field}".rstrip(".")) for p in exc.problems]
        ) from None
    narrowed = definition.select.organisation_id
    if narrowed is not None:
        path = org_path(ctx, narrowed, "definition.select.organisation_id")
        if not path.startswith(owner_path):
            raise InvalidInput(
                "definition.select.organisation_id", "must lie inside the rule's organisation"
            )
    return definition


def create_rule(
    cmd: CreateRule, ctx: HandlerContext, *, on_change: Callable[[], None] | None = None
) -> Rule:
    """Create version 1; ``on_change`` runs once it has committed (the evaluator re-reads)."""
    if on_change is not None:
        ctx.uow.after_commit(on_change)
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    definition = _validated(ctx, cmd.definition, path)
    now = ctx.uow.clock.now()
    data = rule_to_data(definition)
    rule = Rule(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        path=path,
        name=definition.name,
        version=1,
        enabled=True,
        definition=data,
        created_at=now,
        updated_at=now,
        created_by=ctx.actor.ref,
    )
    version = RuleVersion(rule.id, 1, data, True, now, ctx.actor.ref, "created")
    repo_of(ctx).add_rule(rule, version)
    ctx.uow.record(
        RuleCreated(
            aggregate_id=rule.id,
            organisation_id=rule.organisation_id,
            name=rule.name,
            version=1,
            definition=data,
        )
    )
    return rule


def revise_rule(
    cmd: ReviseRule, ctx: HandlerContext, *, on_change: Callable[[], None] | None = None
) -> Rule:
    """Make the next version; ``on_change`` runs once it has committed."""
    if on_change is not None:
        ctx.uow.after_commit(on_change)
    rule = load_rule(ctx, cmd.rule_id)
    if cmd.definition is None and cmd.enabled is None:
        raise InvalidInput("definition", "give a new definition, enabled, or both")
    data = rule.definition
    name = rule.name
    if cmd.definition is not None:
        definition = _validated(ctx, cmd.definition, rule.path)
        data, name = rule_to_data(definition), definition.name
    enabled = rule.enabled if cmd.enabled is None else cmd.enabled
    now = ctx.uow.clock.now()
    revised = replace(
        rule,
        name=name,
        version=rule.version + 1,
        enabled=enabled,
        definition=data,
        updated_at=now,
    )
    note = cmd.note.strip()[:500]
    version = RuleVersion(rule.id, revised.version, data, enabled, now, ctx.actor.ref, note)
    repo_of(ctx).update_rule(revised, version)
    ctx.uow.record(
        RuleVersioned(
            aggregate_id=rule.id,
            organisation_id=rule.organisation_id,
            version=revised.version,
            enabled=enabled,
            note=note,
            definition=data,
        )
    )
    return revised


def get_rule(query: GetRule, ctx: HandlerContext) -> Rule:
    return load_rule(ctx, query.rule_id)


def list_rules(query: ListRules, ctx: HandlerContext) -> tuple[list[Rule], int]:
    authorize_collection(ctx, "warning_rule")
    return repo_of(ctx).list_rules(ctx.scope_paths, query.limit, query.offset)


def rule_history(query: RuleHistory, ctx: HandlerContext) -> list[RuleVersion]:
    load_rule(ctx, query.rule_id)
    return repo_of(ctx).rule_versions(query.rule_id)
