"""Warning use cases: command and query handlers, and the events this context reacts to."""

from __future__ import annotations

from functools import partial

from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription
from lifeline.warning import messages as m
from lifeline.warning.detectors.sink import StreamDetectorSink
from lifeline.warning.service import alarms, analysis, anomalies, escalation, rules, silences
from lifeline.warning.service.escalation import EscalationReport
from lifeline.warning.service.evaluation import RuleEvaluationSink

__all__ = [
    "EscalationReport",
    "RuleEvaluationSink",
    "register_evaluation",
    "register_handlers",
    "subscriptions",
]


def register_handlers(bus: MessageBus) -> None:
    """Register this context's command and query handlers on ``bus``."""
    _register_alarms(bus)
    bus.register(analysis.RiskMap, analysis.risk_map)
    bus.register(analysis.EstimateImpact, analysis.estimate_impact)
    bus.register(analysis.ForecastCascade, analysis.forecast_cascade)


def _register_alarms(bus: MessageBus) -> None:
    bus.register(m.GetRule, rules.get_rule)
    bus.register(m.ListRules, rules.list_rules)
    bus.register(m.RuleHistory, rules.rule_history)
    bus.register(m.GetAlarm, alarms.get_alarm)
    bus.register(m.ListAlarms, alarms.list_alarms)
    bus.register(m.AlarmTimeline, alarms.alarm_timeline)
    bus.register(m.AlarmComments, alarms.alarm_comments)
    bus.register(m.AlarmEvents, alarms.alarm_events)
    bus.register(m.AcknowledgeAlarm, alarms.acknowledge_alarm)
    bus.register(m.AssignAlarm, alarms.assign_alarm)
    bus.register(m.CommentAlarm, alarms.comment_alarm)
    bus.register(m.ResolveAlarm, alarms.resolve_alarm)
    bus.register(m.Rollup, alarms.rollup)
    bus.register(m.ListSilences, silences.list_silences)


def register_evaluation(
    bus: MessageBus, sink: RuleEvaluationSink, detectors: StreamDetectorSink | None = None
) -> None:
    """Register rule and silence changes (which tell ``sink`` to re-read them), the escalation run,
    which also asks ``sink`` for absence alarms, and the snapshot of ``sink``'s and
    ``detectors``' state (taken by every escalation run too)."""
    bus.register(m.CreateRule, partial(rules.create_rule, on_change=sink.rules_changed))
    bus.register(m.ReviseRule, partial(rules.revise_rule, on_change=sink.rules_changed))
    bus.register(m.CreateSilence, partial(silences.create_silence, on_change=sink.rules_changed))
    bus.register(m.EndSilence, partial(silences.end_silence, on_change=sink.rules_changed))
    bus.register(
        m.RunEscalations, partial(escalation.run_escalations, sink=sink, detectors=detectors)
    )
    bus.register(m.SaveWarningState, partial(escalation.save_state, sink=sink, detectors=detectors))


def subscriptions() -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to events: the detectors'
    ``AnomalyDetected`` raise alarms of anomaly rules."""
    return anomalies.subscriptions()
