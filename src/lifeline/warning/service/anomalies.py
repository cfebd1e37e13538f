"""Anomaly rules: the seasonal detectors' ``AnomalyDetected`` events raise and re-trigger alarms.

Subscribed on the outbox relay to ``AnomalyDetected``: every enabled rule with an ``anomaly``
condition that selects the event's datastream (kind, organisation subtree, area, thing, named
datastreams) and whose bands the anomaly's score ``max(|z|, cusum)`` reaches becomes a level
transition, applied by the same lifecycle as the evaluator's (one open alarm per (rule,
source), re-trigger counts, silences, flapping, incident proposals, escalation). A milder
anomaly never lowers an open alarm. The detector reports onsets only, so an anomaly alarm
clears when no anomaly has been detected for the rule's ``clear_after_s``: checked by the
escalation run (:func:`settle_anomaly_alarms`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.outbox import Subscription
from lifeline.kernel.uow import SqlUnitOfWork, UnitOfWork
from lifeline.monitoring.batch import SensorKind, StreamInfo
from lifeline.security.model import ORG_PATHS
from lifeline.warning.evaluator import Transition
from lifeline.warning.model import WARNING, Alarm
from lifeline.warning.rules import AnomalyCondition, Selector, parse_rule
from lifeline.warning.scales import scales
from lifeline.warning.service.lifecycle import FiringRule, apply_transitions

ANOMALY_ALARMS = "warning.anomaly-alarms"


def _selects(select: Selector, scope: str, path: str, info: StreamInfo) -> bool:
    return (
        path.startswith(scope)
        and (select.kind is None or select.kind == info.kind)
        and (select.area_id is None or select.area_id == info.area_id)
        and (select.thing_id is None or select.thing_id == info.thing_id)
        and (not select.datastream_ids or info.datastream_id in select.datastream_ids)
    )


def _anomaly_rules(uow: UnitOfWork) -> list[tuple[FiringRule, AnomalyCondition, str]]:
    """Enabled anomaly rules with the organisation path that bounds each one's selection."""
    out: list[tuple[FiringRule, AnomalyCondition, str]] = []
    for rule in uow.repo(WARNING).enabled_rules():
        if rule.definition.get("condition", {}).get("type") != "anomaly":
            continue
        try:
            definition = parse_rule(rule.definition, scales())
        except InvalidInput:
            continue
        assert isinstance(definition.condition, AnomalyCondition)
        scope = rule.path
        if definition.select.organisation_id is not None:
            narrowed = uow.repo(ORG_PATHS).path_of(definition.select.organisation_id)
            if narrowed is None or not narrowed.startswith(rule.path):
                continue
            scope = narrowed
        out.append((FiringRule(rule, definition), definition.condition, scope))
    return out


def on_anomaly_detected(event: StoredEvent, uow: SqlUnitOfWork) -> None:
    p = event.payload
    org = event.organisation_id
    if not org:
        return
    path = uow.repo(ORG_PATHS).path_of(org)
    rules = _anomaly_rules(uow) if path is not None else []
    if path is None or not rules:
        return
    try:
        kind = SensorKind(str(p.get("kind")))
    except ValueError:
        return
    info = StreamInfo(
        datastream_id=event.aggregate_id,
        thing_id=str(p.get("thing_id", "")),
        organisation_id=org,
        kind=kind,
        unit=str(p.get("unit", "")),
        area_id=p.get("area_id"),
        lon=p.get("lon"),
        lat=p.get("lat"),
    )
    z, cusum = float(p.get("z", 0.0)), float(p.get("cusum", 0.0))
    score = max(abs(z), cusum)
    observed = datetime.fromisoformat(str(p["observed_at"]))
    evidence: dict[str, Any] = {
        "at_s": observed.timestamp(),
        "reason": p.get("reason"),
        "value": p.get("value"),
        "expected": p.get("expected"),
        "z": z,
        "cusum": cusum,
        "score": round(score, 3),
        "kind": kind.value,
        "detected_at": event.occurred_at.isoformat(),
        "event_id": event.id,
    }
    repo = uow.repo(WARNING)
    transitions: list[Transition] = []
    firing: dict[str, FiringRule] = {}
    for rule, cond, scope in rules:
        if not _selects(rule.definition.select, scope, path, info):
            continue
        rank = cond.rank_for(str(p.get("reason")), score)
        if rank == 0:
            continue
        open_alarm = repo.open_alarm_for(rule.rule.id, info.datastream_id)
        held = open_alarm.rank if open_alarm is not None else 0
        firing[rule.rule.id] = rule
        transitions.append(
            Transition(
                rule_id=rule.rule.id,
                rule_version=rule.rule.version,
                source_id=info.datastream_id,
                stream=info,
                at_s=observed.timestamp(),
                from_rank=0,  # an onset: a new alarm, or a re-trigger of the open one
                to_rank=max(rank, held),
                evidence={**evidence, "score_at": _band(cond, rank)},
            )
        )
    if transitions:
        apply_transitions(
            uow, transitions, firing, {org: path}, exercise=bool(p.get("exercise", False))
        )


def _band(cond: AnomalyCondition, rank: int) -> float:
    return next(b.score_at for b in cond.levels if b.rank == rank)


def settle_anomaly_alarms(uow: UnitOfWork, now: datetime, scope_paths: tuple[str, ...]) -> int:
    """Clear (with the usual flapping rules) open anomaly alarms in ``scope_paths`` whose last
    anomaly was detected ``clear_after_s`` or longer before ``now``; return how many."""
    repo = uow.repo(WARNING)
    settled = 0
    for alarm in repo.open_alarms(scope_paths):
        if alarm.clear_pending_since is not None:
            continue
        if alarm.rule_snapshot.get("condition", {}).get("type") != "anomaly":
            continue
        quiet_s = _quiet_for(alarm, now)
        kind = alarm.evidence.get("kind")
        if quiet_s is None or kind not in set(SensorKind):
            continue
        try:
            definition = parse_rule(alarm.rule_snapshot, scales())
        except InvalidInput:
            continue
        cond = definition.condition
        assert isinstance(cond, AnomalyCondition)
        rule = repo.get_rule(alarm.rule_id)
        if rule is None or quiet_s < cond.clear_after_s:
            continue
        info = StreamInfo(
            datastream_id=alarm.source_id,
            thing_id=alarm.thing_id or "",
            organisation_id=alarm.organisation_id,
            kind=SensorKind(str(kind)),
            unit="",
            area_id=alarm.area_id,
            lon=alarm.lon,
            lat=alarm.lat,
        )
        quiet = Transition(
            rule_id=alarm.rule_id,
            rule_version=alarm.rule_version,
            source_id=alarm.source_id,
            stream=info,
            at_s=now.timestamp(),
            from_rank=alarm.rank,
            to_rank=0,
            evidence={"at_s": now.timestamp(), "quiet_s": quiet_s},
        )
        apply_transitions(
            uow,
            [quiet],
            {alarm.rule_id: FiringRule(rule, definition)},
            {alarm.organisation_id: alarm.path},
        )
        settled += 1
    return settled


def _quiet_for(alarm: Alarm, now: datetime) -> float | None:
    detected = alarm.evidence.get("detected_at")
    if not isinstance(detected, str):
        return None
    return (now - datetime.fromisoformat(detected)).total_seconds()


def subscriptions() -> tuple[Subscription, ...]:
    return (Subscription(ANOMALY_ALARMS, on_anomaly_detected, frozenset({"AnomalyDetected"})),)
