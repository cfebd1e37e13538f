"""The alarm lifecycle driven by the evaluator's transitions: raise, re-trigger, change level,
clear with flapping suppression, silences, and incident proposals.

Runs inside the unit of work that stored the observations (or the escalation run), so the
alarms, their events and the observations commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork
from lifeline.warning.evaluator import Transition
from lifeline.warning.events import (
    AlarmCleared,
    AlarmFlapping,
    AlarmLevelChanged,
    AlarmRaised,
    AlarmRetriggered,
    AlarmSuppressed,
    IncidentProposed,
)
from lifeline.warning.model import WARNING, Alarm, AlarmStatus, Rule, Silence
from lifeline.warning.rules import RuleDefinition
from lifeline.warning.scales import scales


@dataclass(frozen=True, slots=True)
class FiringRule:
    """A rule version as the evaluator runs it: stored row, parsed definition, owner path."""

    rule: Rule
    definition: RuleDefinition


SilencesAt = Callable[[datetime], Sequence[Silence]]


def apply_transitions(
    uow: UnitOfWork,
    transitions: Iterable[Transition],
    rules: dict[str, FiringRule],
    paths: dict[str, str],
    *,
    exercise: bool = False,
    silences: SilencesAt | None = None,
) -> list[Alarm]:
    """Turn transitions into alarm changes and events; return the alarms touched.

    ``silences`` gives the silences that may match at a time (each is still checked for being
    active then); by default they are read from the repository."""
    touched: list[Alarm] = []
    silences_at = silences or uow.repo(WARNING).active_silences
    for tr in transitions:
        firing = rules.get(tr.rule_id)
        path = paths.get(tr.stream.organisation_id)
        if firing is None or path is None:
            continue
        alarm = _apply(uow, tr, firing, path, exercise, silences_at)
        if alarm is not None:
            touched.append(alarm)
    return touched


def _apply(
    uow: UnitOfWork,
    tr: Transition,
    firing: FiringRule,
    path: str,
    exercise: bool,
    silences_at: SilencesAt,
) -> Alarm | None:
    repo = uow.repo(WARNING)
    now = uow.clock.now()
    defn = firing.definition
    current = repo.current_alarm_for(tr.rule_id, tr.source_id)  # open, else the latest
    alarm = current if current is not None and current.is_open else None
    if tr.to_rank == 0:
        if alarm is not None:
            _condition_cleared(uow, alarm, defn, now)
        return alarm
    scale = scales()[defn.scale]
    level = scale.by_rank(tr.to_rank)
    if level is None:
        return None
    if alarm is None:
        for silence in silences_at(now):
            if silence.matches(
                rule_id=tr.rule_id,
                source_id=tr.source_id,
                thing_id=tr.stream.thing_id,
                path=path,
                at=now,
            ):
                uow.record(
                    AlarmSuppressed(
                        aggregate_id=silence.id,
                        organisation_id=silence.organisation_id,
                        rule_id=tr.rule_id,
                        source_id=tr.source_id,
                        level=level.code,
                        rank=level.rank,
                    )
                )
                return None
        return _raise(uow, tr, firing, path, level.code, level.rank, now, exercise, current)
    if tr.from_rank == 0 or alarm.clear_pending_since is not None:
        alarm.retrigger_count += 1
        alarm.clear_pending_since = None
        alarm.changes = [*_recent(alarm.changes, now, defn.flapping.window_s), now.timestamp()]
        uow.record(
            AlarmRetriggered(
                aggregate_id=alarm.id,
                organisation_id=alarm.organisation_id,
                retrigger_count=alarm.retrigger_count,
                level=level.code,
                rank=level.rank,
            )
        )
    if level.rank != alarm.rank:
        change_level(uow, alarm, level.code, level.rank)
    alarm.evidence = {
        **tr.evidence,
        "history": [*alarm.evidence.get("history", [])[-9:], tr.evidence],
    }
    alarm.updated_at = now
    maybe_propose(uow, alarm, defn)
    repo.save_alarm(alarm)
    return alarm


def _raise(
    uow: UnitOfWork,
    tr: Transition,
    firing: FiringRule,
    path: str,
    level: str,
    rank: int,
    now: datetime,
    exercise: bool,
    previous: Alarm | None,
) -> Alarm:
    """A new alarm; ``previous`` is the latest earlier alarm of (rule, source), if any."""
    repo = uow.repo(WARNING)
    defn = firing.definition
    info = tr.stream
    changes = _recent(previous.changes, now, defn.flapping.window_s) if previous else []
    alarm = Alarm(
        id=new_id(),
        rule_id=tr.rule_id,
        rule_version=firing.rule.version,
        rule_snapshot=firing.rule.definition,
        source_id=tr.source_id,
        thing_id=info.thing_id,
        organisation_id=info.organisation_id,
        path=path,
        area_id=info.area_id,
        lon=info.lon,
        lat=info.lat,
        scale=defn.scale,
        level=level,
        rank=rank,
        max_rank=rank,
        hazard=defn.hazard,
        title=defn.name,
        status=AlarmStatus.OPEN,
        raised_at=now,
        updated_at=now,
        evidence={**tr.evidence, "history": [tr.evidence]},
        exercise=exercise,
        changes=[*changes, now.timestamp()],
        next_step_at=now if defn.escalation else None,
    )
    repo.add_alarm(alarm)
    uow.record(
        AlarmRaised(
            aggregate_id=alarm.id,
            organisation_id=alarm.organisation_id,
            rule_id=alarm.rule_id,
            rule_version=alarm.rule_version,
            source_id=alarm.source_id,
            scale=alarm.scale,
            level=level,
            rank=rank,
            hazard=alarm.hazard,
            title=alarm.title,
            area_id=alarm.area_id,
            lon=alarm.lon,
            lat=alarm.lat,
            exercise=exercise,
        )
    )
    if maybe_propose(uow, alarm, defn):
        repo.save_alarm(alarm)
    return alarm


def _condition_cleared(uow: UnitOfWork, alarm: Alarm, defn: RuleDefinition, now: datetime) -> None:
    repo = uow.repo(WARNING)
    alarm.changes = [*_recent(alarm.changes, now, defn.flapping.window_s), now.timestamp()]
    alarm.updated_at = now
    if alarm.flapping or len(alarm.changes) >= defn.flapping.max_changes:
        if not alarm.flapping:
            alarm.flapping = True
            uow.record(
                AlarmFlapping(
                    aggregate_id=alarm.id,
                    organisation_id=alarm.organisation_id,
                    changes=len(alarm.changes),
                    window_s=defn.flapping.window_s,
                )
            )
        alarm.clear_pending_since = now
        repo.save_alarm(alarm)
        return
    clear(uow, alarm, "condition ended")


def clear(uow: UnitOfWork, alarm: Alarm, reason: str) -> None:
    """Close ``alarm`` with ``reason`` and record :class:`AlarmCleared`."""
    now = uow.clock.now()
    alarm.status = AlarmStatus.CLEARED
    alarm.cleared_at = now
    alarm.clear_reason = reason
    alarm.clear_pending_since = None
    alarm.next_step_at = None
    alarm.updated_at = now
    uow.repo(WARNING).save_alarm(alarm)
    uow.record(
        AlarmCleared(aggregate_id=alarm.id, organisation_id=alarm.organisation_id, reason=reason)
    )


def change_level(uow: UnitOfWork, alarm: Alarm, level: str, rank: int) -> None:
    """Move ``alarm`` to ``level`` and record :class:`AlarmLevelChanged` (caller saves)."""
    uow.record(
        AlarmLevelChanged(
            aggregate_id=alarm.id,
            organisation_id=alarm.organisation_id,
            level=level,
            rank=rank,
            previous_level=alarm.level,
            previous_rank=alarm.rank,
        )
    )
    alarm.level, alarm.rank = level, rank
    alarm.max_rank = max(alarm.max_rank, rank)


def maybe_propose(
    uow: UnitOfWork, alarm: Alarm, defn: RuleDefinition, *, force: bool = False
) -> bool:
    """Record :class:`IncidentProposed` once, when the alarm reaches the rule's level (or when
    an escalation step forces it); return whether it did."""
    if alarm.incident_proposed:
        return False
    reached = defn.propose_rank is not None and alarm.rank >= defn.propose_rank
    if not (reached or force):
        return False
    alarm.incident_proposed = True
    uow.record(
        IncidentProposed(
            aggregate_id=alarm.id,
            organisation_id=alarm.organisation_id,
            alarm_id=alarm.id,
            incident_type=defn.incident_type,
            hazard=alarm.hazard,
            level=alarm.level,
            rank=alarm.rank,
            title=alarm.title,
            lon=alarm.lon,
            lat=alarm.lat,
            area_id=alarm.area_id,
            exercise=alarm.exercise,
        )
    )
    return True


def _recent(changes: list[float], now: datetime, window_s: float) -> list[float]:
    since = (now - timedelta(seconds=window_s)).timestamp()
    return [c for c in changes if c >= since]
