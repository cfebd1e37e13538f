"""The rule evaluator as a monitoring batch sink: every stored observation batch is evaluated
by the vectorised engine and its transitions become alarm changes in the same transaction.

The engine (and the per-stream state it keeps) lives in this process; it is rebuilt when any
rule changes, seeded with the open alarms so that those carry on instead of being raised again,
and takes back the per-binding state of the engine it replaces. :meth:`save_state` writes that
state to the ``rule_engine`` snapshot (merged with what other processes saved) and the first
engine a process builds takes it back, so a restarted server keeps its hysteresis, persistence
windows and absence clocks (see ``docs/warning.md``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch
from lifeline.security.model import ORG_PATHS
from lifeline.warning.evaluator import CompiledRule, RuleEngine, Transition, merge_states
from lifeline.warning.live import AlarmBell
from lifeline.warning.model import WARNING, Alarm, Silence
from lifeline.warning.rules import AnomalyCondition, parse_rule
from lifeline.warning.scales import scales
from lifeline.warning.service.lifecycle import FiringRule, apply_transitions
from lifeline.warning.snapshots import (
    RULE_ENGINE,
    engine_state_bytes,
    engine_state_of,
)

log = logging.getLogger(__name__)


class RuleEvaluationSink:
    """``BatchSink`` of early warning; thread-safe (one batch is evaluated at a time).

    The rules' stamp and the silences that are not over are read at most every
    ``rules_check_s`` seconds (rule and silence changes made through this process's bus take
    effect at the next batch; another process's within that time), so a batch reads neither
    unless that time has passed; ``bell`` is rung once a unit of work that changed alarms has
    committed.
    """

    def __init__(self, *, rules_check_s: float = 0.0, bell: AlarmBell | None = None) -> None:
        self._lock = threading.Lock()
        self.rules_check_s = rules_check_s
        self._next_check = 0.0
        self._bell = bell
        self._stamp: str | None = None
        self._engine = RuleEngine(())
        self._rules: dict[str, FiringRule] = {}
        self._paths: dict[str, str] = {}
        self._silences: tuple[Silence, ...] = ()
        self._restored = False

    @property
    def engine(self) -> RuleEngine:
        return self._engine

    def __call__(self, batch: ObservationBatch, uow: UnitOfWork) -> None:
        with self._lock:
            self._refresh(uow)
            transitions = self._engine.evaluate(batch, lambda org: self._path_of(uow, org))
            self._apply(uow, transitions, exercise=batch.exercise)

    def check_absence(self, uow: UnitOfWork, now_s: float) -> list[Alarm]:
        """Raise absence alarms for streams silent past their rule's ``after_s``."""
        with self._lock:
            self._refresh(uow)
            return self._apply(uow, self._engine.check_absence(now_s), exercise=False)

    def save_state(self, uow: UnitOfWork) -> int:
        """Write the engine's per-binding state to the snapshot, keeping what other processes
        saved for bindings this one does not hold; return the bindings saved. A process that
        has not evaluated yet saves nothing (it would only repeat the stored snapshot)."""
        with self._lock:
            if not self._restored:
                return 0
            state = self._engine.export_state()
        repo = uow.repo(WARNING)
        stored = repo.load_snapshot(RULE_ENGINE, for_update=True)
        if stored is not None:
            try:
                state = merge_states(state, engine_state_of(stored))
            except (ValueError, KeyError, TypeError):
                log.warning("the stored rule-engine snapshot is unreadable; replacing it")
        repo.save_snapshot(RULE_ENGINE, engine_state_bytes(state), uow.clock.now())
        return state.rows

    def rules_changed(self) -> None:
        """A rule or a silence was created or changed in this process: read the stamp and the
        silences at the next batch."""
        self._next_check = 0.0

    def _silences_at(self, at: datetime) -> Sequence[Silence]:
        return self._silences

    def _apply(
        self, uow: UnitOfWork, transitions: list[Transition], *, exercise: bool
    ) -> list[Alarm]:
        if not transitions:
            return []
        for tr in transitions:
            self._path_of(uow, tr.stream.organisation_id)
        touched = apply_transitions(
            uow,
            transitions,
            self._rules,
            self._paths,
            exercise=exercise,
            silences=self._silences_at,
        )
        if touched and self._bell is not None:
            uow.after_commit(self._bell.ring)
        return touched

    def _path_of(self, uow: UnitOfWork, organisation_id: str) -> str | None:
        if organisation_id not in self._paths:
            path = uow.repo(ORG_PATHS).path_of(organisation_id)
            if path is None:
                return None
            self._paths[organisation_id] = path
        return self._paths[organisation_id]

    def _refresh(self, uow: UnitOfWork) -> None:
        now = time.monotonic()
        if self._stamp is not None and now < self._next_check:
            return
        self._next_check = now + self.rules_check_s
        repo = uow.repo(WARNING)
        self._silences = tuple(repo.current_silences(uow.clock.now()))
        stamp = repo.rules_stamp()
        if stamp == self._stamp:
            return
        compiled: list[CompiledRule] = []
        firing: dict[str, FiringRule] = {}
        for rule in repo.enabled_rules():
            try:
                definition = parse_rule(rule.definition, scales())
            except InvalidInput:
                continue  # a stored definition the shipped scales no longer accept
            if isinstance(definition.condition, AnomalyCondition):
                continue  # judged on the detectors' events (service.anomalies)
            scope = rule.path
            if definition.select.organisation_id is not None:
                narrowed = self._path_of(uow, definition.select.organisation_id)
                if narrowed is None or not narrowed.startswith(rule.path):
                    continue
                scope = narrowed
            compiled.append(CompiledRule(rule.id, rule.version, scope, definition))
            firing[rule.id] = FiringRule(rule, definition)
        seeds = {(a.rule_id, a.source_id): a.rank for a in repo.open_alarms()}
        engine = RuleEngine(compiled, seeds)
        path_of = lambda org: self._path_of(uow, org)  # noqa: E731
        engine.carry_over(self._engine, path_of, uow.clock.now().timestamp())
        engine.restore(self._engine.export_state(), path_of)
        if not self._restored:
            self._restored = True
            stored = repo.load_snapshot(RULE_ENGINE)
            if stored is not None:
                try:
                    engine.restore(engine_state_of(stored), path_of)
                except (ValueError, KeyError, TypeError):
                    log.warning("the stored rule-engine snapshot is unreadable; starting afresh")
        self._engine = engine
        self._rules = firing
        self._stamp = stamp
