"""Escalation of unacknowledged alarms, settling of flapping clears, absence checks and the
clearing of anomaly alarms gone quiet.

Steps come from the rule version snapshotted on the alarm (editing the rule never changes an
escalation in flight) and run in order, from an enum → handler table: ``wait`` schedules the
next run, ``notify`` records who is told (the alerts context delivers it from the event),
``repeat`` goes back to the first step, ``raise_level`` moves the alarm up its scale,
``open_incident`` proposes an incident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.warning.detectors.sink import StreamDetectorSink
from lifeline.warning.events import AlarmEscalated
from lifeline.warning.messages import RunEscalations, SaveWarningState
from lifeline.warning.model import Alarm
from lifeline.warning.rules import RuleDefinition, Step, StepType, parse_rule
from lifeline.warning.scales import scales
from lifeline.warning.service._common import repo_of
from lifeline.warning.service.anomalies import settle_anomaly_alarms
from lifeline.warning.service.evaluation import RuleEvaluationSink
from lifeline.warning.service.lifecycle import change_level, clear, maybe_propose


@dataclass(frozen=True, slots=True)
class EscalationReport:
    steps_run: int
    flapping_cleared: int
    absence_alarms: int
    anomaly_cleared: int = 0
    bindings_saved: int = 0
    detector_streams_saved: int = 0


class _Run:
    """One alarm's pass over its due steps; a step returns ``False`` to stop (a wait)."""

    def __init__(self, ctx: HandlerContext, alarm: Alarm, defn: RuleDefinition) -> None:
        self.ctx, self.alarm, self.defn = ctx, alarm, defn
        self.now = ctx.uow.clock.now()
        self.steps_run = 0

    def event(
        self,
        step: Step,
        *,
        role: str | None = None,
        target_organisation_id: str | None = None,
        level: str | None = None,
    ) -> None:
        a = self.alarm
        self.ctx.uow.record(
            AlarmEscalated(
                aggregate_id=a.id,
                organisation_id=a.organisation_id,
                step=a.escalation_step,
                step_type=step.type.value,
                role=role,
                target_organisation_id=target_organisation_id,
                level=level,
                title=a.title,
                hazard=a.hazard,
                alarm_level=a.level,
                alarm_rank=a.rank,
                source_id=a.source_id,
                exercise=a.exercise,
            )
        )

    def wait(self, step: Step) -> bool:
        self.alarm.next_step_at = self.now + timedelta(seconds=step.seconds)
        self.alarm.escalation_step += 1
        return False

    def notify(self, step: Step) -> bool:
        self.event(step, role=step.role, target_organisation_id=step.organisation_id)
        self.alarm.escalation_step += 1
        return True

    def repeat(self, step: Step) -> bool:
        if self.alarm.repeats_done < step.times:
            self.alarm.repeats_done += 1
            self.alarm.escalation_step = 0
        else:
            self.alarm.escalation_step += 1
        return True

    def raise_level(self, step: Step) -> bool:
        scale = scales()[self.alarm.scale]
        target = scale.level(step.level) if step.level else None
        if target is None:
            higher = [lvl for lvl in scale.levels if lvl.rank > self.alarm.rank]
            target = higher[0] if higher else None
        if target is not None and target.rank > self.alarm.rank:
            change_level(self.ctx.uow, self.alarm, target.code, target.rank)
            self.event(step, level=target.code)
            maybe_propose(self.ctx.uow, self.alarm, self.defn)
        self.alarm.escalation_step += 1
        return True

    def open_incident(self, step: Step) -> bool:
        if maybe_propose(self.ctx.uow, self.alarm, self.defn, force=True):
            self.event(step)
        self.alarm.escalation_step += 1
        return True

    def run(self) -> None:
        table: dict[StepType, Callable[[Step], bool]] = {
            StepType.WAIT: self.wait,
            StepType.NOTIFY: self.notify,
            StepType.REPEAT: self.repeat,
            StepType.RAISE_LEVEL: self.raise_level,
            StepType.OPEN_INCIDENT: self.open_incident,
        }
        steps = self.defn.escalation
        go_on = True
        while go_on and self.alarm.escalation_step < len(steps):
            step = steps[self.alarm.escalation_step]
            go_on = table[step.type](step)
            self.steps_run += 1
        if self.alarm.escalation_step >= len(steps):
            self.alarm.next_step_at = None
        self.alarm.updated_at = self.now
        repo_of(self.ctx).save_alarm(self.alarm)


def run_escalations(
    cmd: RunEscalations,
    ctx: HandlerContext,
    *,
    sink: RuleEvaluationSink | None = None,
    detectors: StreamDetectorSink | None = None,
) -> EscalationReport:
    now = ctx.uow.clock.now()
    repo = repo_of(ctx)
    steps = settled = 0
    # absence first: the sink's lock is then never awaited while this transaction holds alarm
    # rows that an ingest holding the lock may need
    absence = len(sink.check_absence(ctx.uow, now.timestamp())) if sink is not None else 0
    quiet = settle_anomaly_alarms(ctx.uow, now, ctx.scope_paths)
    for alarm in repo.due_alarms(now):
        if not any(alarm.path.startswith(p) for p in ctx.scope_paths):
            continue
        try:
            defn = parse_rule(alarm.rule_snapshot, scales())
        except InvalidInput:
            continue
        if alarm.clear_pending_since is not None:
            if _quiet(alarm.clear_pending_since, now, defn.flapping.window_s):
                clear(ctx.uow, alarm, "condition ended; flapping settled")
                settled += 1
            continue
        if alarm.acknowledged_at is None and alarm.next_step_at is not None:
            run = _Run(ctx, alarm, defn)
            run.run()
            steps += run.steps_run
    saved = _save(ctx, sink, detectors, force=False)
    return EscalationReport(
        steps_run=steps,
        flapping_cleared=settled,
        absence_alarms=absence,
        anomaly_cleared=quiet,
        bindings_saved=saved[0],
        detector_streams_saved=saved[1],
    )


def save_state(
    cmd: SaveWarningState,
    ctx: HandlerContext,
    *,
    sink: RuleEvaluationSink | None = None,
    detectors: StreamDetectorSink | None = None,
) -> tuple[int, int]:
    """Snapshot the evaluator's and the detectors' state now; return (bindings, streams)."""
    return _save(ctx, sink, detectors, force=True)


def _save(
    ctx: HandlerContext,
    sink: RuleEvaluationSink | None,
    detectors: StreamDetectorSink | None,
    *,
    force: bool,
) -> tuple[int, int]:
    """The evaluator's state every time; the detectors' when due (or ``force``)."""
    bindings = sink.save_state(ctx.uow) if sink is not None else 0
    streams = detectors.save_state(ctx.uow, force=force) if detectors is not None else 0
    return bindings, streams


def _quiet(since: datetime, now: datetime, window_s: float) -> bool:
    return (now - since).total_seconds() >= window_s
