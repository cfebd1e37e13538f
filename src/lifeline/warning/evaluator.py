"""Vectorised rule evaluation over observation micro-batches, with compact per-stream state.

A *binding* is one (rule, datastream) pair; bindings are made the first time a stream appears in
a batch, by matching each rule's selector against the stream's ``StreamInfo``. Scalar rules
(threshold and rate of change) of every binding live in one table of numpy arrays:

* the signal ``s`` is the value, or its rate of change per minute ``60 (v_i - v_{i-1}) /
  (t_i - t_{i-1})``, times ``+1`` (direction above) or ``-1`` (below), so every test reads
  ``s >= raise`` and ``s < clear``;
* for each level ``k`` the raw condition is ``s >= raise_k``; with persistence it must also hold
  in ``n`` of the last ``m`` samples (a windowed cumulative sum over the stored history and the
  batch) or continuously for ``for_s`` seconds (run starts forward-filled), and fall inside the
  rule's schedule (a minute-of-week mask);
* hysteresis: level ``k`` is active after the last *decisive* sample — one that raises
  (``raise_k``) or clears (``s < clear_k``) — and keeps its prior state when no sample in the
  batch was decisive. The last decisive index is a running maximum over the batch sorted by
  (binding, time), so the whole batch is evaluated without a Python loop per observation;
* the binding's level is the highest active ``k``; a change between consecutive samples is a
  :class:`Transition`.

Absence rules keep the last arrival per binding and raise in :meth:`RuleEngine.check_absence`.
:meth:`RuleEngine.export_state` and :meth:`RuleEngine.restore` carry the per-binding state to
another engine (a rebuilt one, or one in a restarted process) as an :class:`EngineState`.
Composite rules bind a hidden single-level scalar binding per leaf and, after each batch,
re-evaluate the touched groups (a thing, an area, or the sensors within a radius of each anchor)
on the leaves' end-of-batch states.

Pure: numpy only; time comes in as the batch's timestamps or an explicit ``now_s``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.warning.rules import (
    AbsenceCondition,
    CompositeCondition,
    CompositeOp,
    CompositeScope,
    ConditionType,
    Direction,
    RuleDefinition,
    ScalarCondition,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EARTH_RADIUS_M = 6_371_008.8
MINUTES_PER_WEEK = 7 * 1440
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule version ready to evaluate: ``scope_path`` bounds the streams it may bind."""

    id: str
    version: int
    scope_path: str
    definition: RuleDefinition


@dataclass(frozen=True, slots=True)
class Transition:
    """A (rule, source) moved from ``from_rank`` to ``to_rank`` (0 = no level) at ``at_s``."""

    rule_id: str
    rule_version: int
    source_id: str
    stream: StreamInfo
    at_s: float
    from_rank: int
    to_rank: int
    evidence: dict[str, Any] = field(default_factory=dict)


def _grow(a: npt.NDArray[Any], n: int, fill: Any) -> npt.NDArray[Any]:
    if a.shape[0] >= n:
        return a
    shape = (max(n, 2 * a.shape[0], 64), *a.shape[1:])
    out = np.full(shape, fill, dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


class _ScalarTable:
    """Parameters and state of every scalar binding, row ``i`` per binding."""

    def __init__(self, k: int, h: int, masks: BoolArray) -> None:
        self.k, self.h, self.n_rows = k, h, 0
        self.masks = masks  # (schedules, minutes of week); row 0 is always on
        z = np.zeros
        self.raise_ = z((0, k))
        self.clear = z((0, k))
        self.rank = z((0, k), dtype=np.int64)
        self.sign = z(0)
        self.is_rate = z(0, dtype=np.bool_)
        self.for_s = z(0)
        self.n = z(0, dtype=np.int64)
        self.m = z(0, dtype=np.int64)
        self.sched = z(0, dtype=np.int64)
        self.offset_s = z(0)
        self.active = z((0, k), dtype=np.bool_)
        self.run_start = z((0, k))
        self.level = z(0, dtype=np.int64)
        self.prev_v = z(0)
        self.prev_t = z(0)
        self.hist = z((0, max(h, 1)))

    def add(self, cond: ScalarCondition, sched: int, offset_min: int, seed_rank: int) -> int:
        i = self.n_rows
        self.n_rows += 1
        n = self.n_rows
        inf, nan = math.inf, math.nan
        self.raise_ = _grow(self.raise_, n, inf)
        self.clear = _grow(self.clear, n, inf)
        self.rank = _grow(self.rank, n, 0)
        self.sign = _grow(self.sign, n, 1.0)
        self.is_rate = _grow(self.is_rate, n, False)
        self.for_s = _grow(self.for_s, n, 0.0)
        self.n = _grow(self.n, n, 1)
        self.m = _grow(self.m, n, 1)
        self.sched = _grow(self.sched, n, 0)
        self.offset_s = _grow(self.offset_s, n, 0.0)
        self.active = _grow(self.active, n, False)
        self.run_start = _grow(self.run_start, n, nan)
        self.level = _grow(self.level, n, 0)
        self.prev_v = _grow(self.prev_v, n, nan)
        self.prev_t = _grow(self.prev_t, n, nan)
        self.hist = _grow(self.hist, n, nan)
        sign = 1.0 if cond.direction is Direction.ABOVE else -1.0
        self.sign[i] = sign
        for j, band in enumerate(cond.levels):
            self.raise_[i, j] = sign * band.raise_at
            self.clear[i, j] = sign * band.clear_at
            self.rank[i, j] = band.rank
            self.active[i, j] = 0 < band.rank <= seed_rank
        self.level[i] = int(self.active[i].sum())
        self.is_rate[i] = cond.type is ConditionType.RATE_OF_CHANGE
        self.for_s[i] = cond.persistence.for_s
        self.n[i] = cond.persistence.n
        self.m[i] = cond.persistence.m
        self.sched[i] = sched
        self.offset_s[i] = offset_min * 60.0
        return i

    def evaluate(
        self, b: IntArray, t: FloatArray, v: FloatArray
    ) -> tuple[IntArray, IntArray, IntArray, IntArray, FloatArray]:
        """Advance the bindings ``b`` over samples ``(t, v)``; return the changes as arrays
        (row in the sorted batch, binding, previous level, new level, signal)."""
        in_time_order = bool((t[1:] >= t[:-1]).all())
        order = np.argsort(b, kind="stable") if in_time_order else np.lexsort((t, b))
        b, t, v = b[order], t[order], v[order]
        p = b.shape[0]
        rows = np.arange(p)
        start = np.ones(p, dtype=np.bool_)
        start[1:] = b[1:] != b[:-1]
        end = np.ones(p, dtype=np.bool_)
        end[:-1] = start[1:]
        first = np.maximum.accumulate(np.where(start, rows, 0))
        bs = b[start]

        prev_v = np.roll(v, 1)
        prev_t = np.roll(t, 1)
        prev_v[start] = self.prev_v[bs]
        prev_t[start] = self.prev_t[bs]
        dt = t - prev_t
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(dt > 0, 60.0 * (v - prev_v) / np.where(dt > 0, dt, 1.0), np.nan)
        sig = np.where(self.is_rate[b], rate, v) * self.sign[b]
        raise_at = self.raise_[b]
        with np.errstate(invalid="ignore"):
            raw = sig[:, None] >= raise_at
            clear = sig[:, None] < self.clear[b]

        raise_sig = raw
        new_hist: FloatArray | None = None
        if self.h > 0 and bool((self.m[bs] > 1).any()):
            raise_sig, new_hist = self._n_of_m(b, sig, start, end, raise_at)

        raise_sig, run_start = self._persist(b, t, raw, raise_sig, start, first)

        decisive = raise_sig | clear
        last = np.maximum.accumulate(np.where(decisive, rows[:, None], -1), axis=0)
        in_group = last >= first[:, None]
        active = np.where(
            in_group,
            np.take_along_axis(raise_sig, np.maximum(last, 0), axis=0),
            self.active[b],
        )
        level = (active * np.arange(1, self.k + 1)).max(axis=1) if self.k else np.zeros(p, int)
        prev_level = np.roll(level, 1)
        prev_level[start] = self.level[bs]
        changed = np.flatnonzero(level != prev_level)

        be = b[end]
        self.active[be] = active[end]
        self.level[be] = level[end]
        self.run_start[be] = run_start[end]
        self.prev_v[be] = v[end]
        self.prev_t[be] = t[end]
        if new_hist is not None:
            self.hist[be] = new_hist
        return (
            order[changed],
            b[changed],
            prev_level[changed].astype(np.int64),
            level[changed].astype(np.int64),
            sig[changed],
        )

    def _persist(
        self,
        b: IntArray,
        t: FloatArray,
        raw: BoolArray,
        raise_sig: BoolArray,
        start: BoolArray,
        first: IntArray,
    ) -> tuple[BoolArray, FloatArray]:
        """Apply ``for_s`` persistence and the schedule; return the raise signal and the start
        time of each sample's current raw run (NaN when the raw condition is false)."""
        rows = np.arange(b.shape[0])
        bs = b[start]
        for_s = self.for_s[b]
        prev_raw = np.roll(raw, 1, axis=0)
        prev_raw[start] = ~np.isnan(self.run_start[bs])
        new_run = raw & ~prev_raw
        run_idx = np.maximum.accumulate(np.where(new_run, rows[:, None], -1), axis=0)
        in_group = run_idx >= first[:, None]
        run_start = np.where(in_group, t[np.maximum(run_idx, 0)], self.run_start[b])
        run_start = np.where(raw, run_start, np.nan)
        if bool((for_s > 0).any()):
            with np.errstate(invalid="ignore"):
                held = (t[:, None] - run_start) >= for_s[:, None]
            raise_sig = np.where(for_s[:, None] > 0, raise_sig & held, raise_sig)
        sched = self.sched[b]
        if bool((sched > 0).any()):
            minute = np.floor((t + self.offset_s[b]) / 60.0).astype(np.int64)
            minute_of_week = (minute + EPOCH_WEEKDAY * 1440) % MINUTES_PER_WEEK
            raise_sig = raise_sig & self.masks[sched, minute_of_week][:, None]
        return raise_sig, run_start

    def _n_of_m(
        self, b: IntArray, sig: FloatArray, start: BoolArray, end: BoolArray, raise_at: FloatArray
    ) -> tuple[BoolArray, FloatArray]:
        """``n`` of the last ``m`` raw conditions, counting the stored history before the batch.

        Each group (binding) is laid out as its ``h`` stored signals followed by its samples;
        a cumulative sum of the raw conditions gives each window's count as one difference."""
        h = self.h
        gid = np.cumsum(start) - 1
        groups = int(gid[-1]) + 1
        bs = b[start]
        ext = b.shape[0] + groups * h
        sample_pos = np.arange(b.shape[0]) + (gid + 1) * h
        hist_pos = (np.flatnonzero(start) + np.arange(groups) * h)[:, None] + np.arange(h)
        ext_sig = np.full(ext, np.nan)
        ext_sig[sample_pos] = sig
        ext_sig[hist_pos] = self.hist[bs, :h]
        ext_b = np.empty(ext, dtype=np.int64)
        ext_b[sample_pos] = b
        ext_b[hist_pos] = bs[:, None]
        with np.errstate(invalid="ignore"):
            ext_raw = ext_sig[:, None] >= self.raise_[ext_b]
        cs = np.vstack([np.zeros((1, self.k), dtype=np.int64), np.cumsum(ext_raw, axis=0)])
        m = self.m[b]
        count = cs[sample_pos + 1] - cs[(sample_pos + 1 - m)[:, None], np.arange(self.k)]
        raise_sig = count >= self.n[b][:, None]
        last_pos = sample_pos[end]
        new_hist = ext_sig[last_pos[:, None] - np.arange(h - 1, -1, -1)]
        del raise_at
        return raise_sig, new_hist


@dataclass
class _Leaf:
    composite: int
    leaf: int
    stream: StreamInfo


@dataclass
class _Composite:
    rule: CompiledRule
    cond: CompositeCondition
    members: list[list[int]] = field(default_factory=list)  # leaf -> scalar binding rows
    state: dict[str, bool] = field(default_factory=dict)  # source id -> holds


class RuleEngine:
    """Evaluates a fixed set of rule versions; rebuild it when the rules change.

    ``seeds`` maps (rule id, source id) to the rank of an alarm already open, so a rebuilt
    engine carries on where the alarms stand instead of raising them again.
    """

    def __init__(
        self, rules: Sequence[CompiledRule], seeds: Mapping[tuple[str, str], int] | None = None
    ) -> None:
        self.rules = {r.id: r for r in rules}
        self._seeds = dict(seeds or {})
        k, h = _table_shape(rules)
        masks = [np.ones(MINUTES_PER_WEEK, dtype=np.bool_)]
        self._sched: dict[str, int] = {}
        for r in rules:
            if r.definition.schedule is not None:
                self._sched[r.id] = len(masks)
                masks.append(np.array(r.definition.schedule.minute_mask(), dtype=np.bool_))
        self.scalar = _ScalarTable(k, h, np.vstack(masks))
        self._scalar_rule: list[CompiledRule] = []
        self._scalar_source: list[StreamInfo] = []
        self._scalar_leaf: list[_Leaf | None] = []
        self._composites: list[_Composite] = []
        self._composite_of: dict[str, int] = {}
        for r in rules:
            if isinstance(r.definition.condition, CompositeCondition):
                cond = r.definition.condition
                self._composite_of[r.id] = len(self._composites)
                comp = _Composite(r, cond, [[] for _ in cond.leaves])
                for (rule_id, source), rank in self._seeds.items():
                    if rule_id == r.id and rank > 0:
                        comp.state[source] = True
                self._composites.append(comp)
        self._candidates = _candidates(rules)
        self._abs_rule: list[CompiledRule] = []
        self._abs_stream: list[StreamInfo] = []
        self._abs_last = np.zeros(0)
        self._abs_after = np.zeros(0)
        self._abs_raised = np.zeros(0, dtype=np.bool_)
        # every datastream seen gets a code; per code, its scalar and absence binding rows in
        # CSR form (counts, offsets into one flat array), rebuilt when new streams appear
        self._code: dict[str, int] = {}
        self._scalar_lists: list[list[int]] = []
        self._abs_lists: list[list[int]] = []
        self._infos: dict[str, StreamInfo] = {}
        self._count = np.zeros(0, dtype=np.int64)
        self._offset = np.zeros(0, dtype=np.int64)
        self._flat = np.zeros(0, dtype=np.int64)
        self._abs_count = np.zeros(0, dtype=np.int64)
        self._paths: dict[str, str | None] = {}

    # --- binding ---------------------------------------------------------------------------
    @property
    def bindings(self) -> int:
        return self.scalar.n_rows + len(self._abs_rule)

    def _bind(self, info: StreamInfo, path: str) -> tuple[list[int], list[int]]:
        scalar_rows: list[int] = []
        abs_rows: list[int] = []
        prefixes = ["/"]
        for part in path.strip("/").split("/"):
            if part:
                prefixes.append(f"{prefixes[-1]}{part}/")
        for prefix in prefixes:
            for rule in self._candidates.get((info.kind, prefix), ()):
                self._bind_rule(rule, info, scalar_rows, abs_rows)
        return scalar_rows, abs_rows

    def _bind_rule(
        self, rule: CompiledRule, info: StreamInfo, scalar_rows: list[int], abs_rows: list[int]
    ) -> None:
        d = rule.definition
        sel = d.select
        if (
            (sel.area_id is not None and sel.area_id != info.area_id)
            or (sel.thing_id is not None and sel.thing_id != info.thing_id)
            or (sel.datastream_ids and info.datastream_id not in sel.datastream_ids)
        ):
            return
        cond = d.condition
        sched = self._sched.get(rule.id, 0)
        offset = d.schedule.utc_offset_min if d.schedule is not None else 0
        if isinstance(cond, CompositeCondition):
            comp_idx = self._composite_of[rule.id]
            for li, leaf in enumerate(cond.leaves):
                if leaf.kind == info.kind:
                    row = self._add_scalar(rule, info, leaf.condition, sched, offset, 0)
                    self._scalar_leaf[row] = _Leaf(comp_idx, li, info)
                    self._composites[comp_idx].members[li].append(row)
                    scalar_rows.append(row)
            return
        if sel.kind is not None and sel.kind != info.kind:
            return
        seed = self._seeds.get((rule.id, info.datastream_id), 0)
        if isinstance(cond, AbsenceCondition):
            abs_rows.append(len(self._abs_rule))
            self._abs_rule.append(rule)
            self._abs_stream.append(info)
            self._abs_last = np.append(self._abs_last, math.nan)
            self._abs_after = np.append(self._abs_after, cond.after_s)
            self._abs_raised = np.append(self._abs_raised, seed > 0)
            return
        if isinstance(cond, ScalarCondition):  # anomaly rules are judged on detector events
            scalar_rows.append(self._add_scalar(rule, info, cond, sched, offset, seed))

    def _add_scalar(
        self, rule: CompiledRule, info: StreamInfo, cond: ScalarCondition, sched: int,
        offset: int, seed: int,
    ) -> int:  # fmt: skip
        row = self.scalar.add(cond, sched, offset, seed)
        self._scalar_rule.append(rule)
        self._scalar_source.append(info)
        self._scalar_leaf.append(None)
        return row

    def _register(
        self,
        ids: set[str],
        streams: Mapping[str, StreamInfo],
        path_of: Callable[[str], str | None],
    ) -> None:
        """Give each new datastream a code and its bindings; rebuild the CSR arrays."""
        for ds in sorted(ids):
            self._code[ds] = len(self._scalar_lists)
            info = streams.get(ds)
            if info is not None:
                self._infos[ds] = info
            scalar_rows: list[int] = []
            abs_rows: list[int] = []
            if info is not None:
                if info.organisation_id not in self._paths:
                    self._paths[info.organisation_id] = path_of(info.organisation_id)
                path = self._paths[info.organisation_id]
                if path is not None:
                    scalar_rows, abs_rows = self._bind(info, path)
            self._scalar_lists.append(scalar_rows)
            self._abs_lists.append(abs_rows)
        self._count = np.fromiter(map(len, self._scalar_lists), np.int64, len(self._scalar_lists))
        self._abs_count = np.fromiter(map(len, self._abs_lists), np.int64, len(self._abs_lists))
        self._offset = np.concatenate([[0], np.cumsum(self._count)[:-1]]).astype(np.int64)
        flat = [row for rows in self._scalar_lists for row in rows]
        self._flat = np.array(flat, dtype=np.int64)

    def carry_over(
        self, previous: RuleEngine, path_of: Callable[[str], str | None], now_s: float
    ) -> None:
        """Bind every stream ``previous`` had seen and keep its absence clocks, so a rule
        change does not make silent streams invisible: an absence binding new to this engine
        starts counting at ``now_s``."""
        streams = previous._infos
        unseen = set(streams).difference(self._code)
        if unseen:
            self._register(unseen, streams, path_of)
        last = {
            (rule.id, info.datastream_id): float(previous._abs_last[row])
            for row, (rule, info) in enumerate(
                zip(previous._abs_rule, previous._abs_stream, strict=True)
            )
        }
        for row, (rule, info) in enumerate(zip(self._abs_rule, self._abs_stream, strict=True)):
            seen = last.get((rule.id, info.datastream_id), math.nan)
            self._abs_last[row] = now_s if math.isnan(seen) else seen

    # --- state across processes ------------------------------------------------------------
    def export_state(self) -> EngineState:
        """This engine's per-binding state (copies), to restore elsewhere."""
        t = self.scalar
        n = t.n_rows
        keys = tuple(
            _state_key(rule, info.datastream_id, -1 if leaf is None else leaf.leaf)
            for rule, info, leaf in zip(
                self._scalar_rule, self._scalar_source, self._scalar_leaf, strict=True
            )
        )
        return EngineState(
            streams=tuple(self._infos.values()),
            keys=keys,
            active_ranks=np.where(t.active[:n], t.rank[:n], 0),
            run_start=t.run_start[:n].copy(),
            prev_v=t.prev_v[:n].copy(),
            prev_t=t.prev_t[:n].copy(),
            hist=t.hist[:n, : t.h].copy(),
            absence_keys=tuple(
                _state_key(rule, info.datastream_id, -1)
                for rule, info in zip(self._abs_rule, self._abs_stream, strict=True)
            ),
            absence_last=self._abs_last.copy(),
            absence_raised=self._abs_raised.copy(),
        )

    def restore(self, state: EngineState, path_of: Callable[[str], str | None]) -> int:
        """Bind every stream of ``state`` and take back the state of each binding of the same
        rule version; return how many scalar bindings were restored.

        The open alarms (this engine's seeds) stay the truth about what is raised: a plain
        rule's binding whose restored top level differs from its seed's (an alarm resolved or
        raised after the state was taken) keeps the seeded levels and takes back only its
        value history (last value and time, ``n of m`` signals). Absence bindings take back
        their last arrival."""
        infos = {s.datastream_id: s for s in state.streams}
        unseen = set(infos).difference(self._code)
        if unseen:
            self._register(unseen, infos, path_of)
        index = {key: i for i, key in enumerate(state.keys)}
        t = self.scalar
        h_old, k_old = state.hist.shape[1], state.active_ranks.shape[1]
        w, kk = min(h_old, t.h), min(k_old, t.k)
        restored = 0
        for row, (rule, info, leaf) in enumerate(
            zip(self._scalar_rule, self._scalar_source, self._scalar_leaf, strict=True)
        ):
            i = index.get(_state_key(rule, info.datastream_id, -1 if leaf is None else leaf.leaf))
            if i is None:
                continue
            restored += 1
            t.prev_v[row], t.prev_t[row] = state.prev_v[i], state.prev_t[i]
            if w:
                t.hist[row, t.h - w : t.h] = state.hist[i, h_old - w :]
            ranks = state.active_ranks[i]
            seeded = int(np.where(t.active[row], t.rank[row], 0).max(initial=0))
            if leaf is None and int(ranks.max(initial=0)) != seeded:
                continue
            active = np.zeros(t.k, dtype=np.bool_)
            active[:kk] = ranks[:kk] > 0
            t.active[row] = active
            t.level[row] = int(active.sum())
            t.run_start[row, :kk] = state.run_start[i, :kk]
        last = dict(zip(state.absence_keys, state.absence_last.tolist(), strict=True))
        for row, (rule, info) in enumerate(zip(self._abs_rule, self._abs_stream, strict=True)):
            seen = last.get(_state_key(rule, info.datastream_id, -1))
            if seen is not None and not math.isnan(seen):
                self._abs_last[row] = seen
        return restored

    # --- evaluation ------------------------------------------------------------------------
    def evaluate(
        self, batch: ObservationBatch, path_of: Callable[[str], str | None]
    ) -> list[Transition]:
        """Advance every binding over ``batch``; return the level transitions in time order.

        ``path_of`` maps an organisation id to its materialised path (asked once per
        organisation). Apart from binding streams seen for the first time, the work per
        observation is done by numpy: codes by a C-level map over a dict, then gathers."""
        n = len(batch)
        if n == 0:
            return []
        ids = batch.datastream_ids
        try:
            code = np.fromiter(map(self._code.__getitem__, ids), np.int64, n)
        except KeyError:  # streams seen for the first time: bind them, then map again
            self._register(set(ids).difference(self._code), batch.streams, path_of)
            code = np.fromiter(map(self._code.__getitem__, ids), np.int64, n)
        per_obs = self._count[code]
        total = int(per_obs.sum())
        out: list[Transition] = []
        if total:
            obs = np.repeat(np.arange(n), per_obs)
            intra = np.arange(total) - np.repeat(np.cumsum(per_obs) - per_obs, per_obs)
            binding = self._flat[self._offset[code][obs] + intra]
            out.extend(self._scalar_transitions(batch, obs, binding))
        if bool(self._abs_count.any()):
            with_abs = self._abs_count[code] > 0
            if bool(with_abs.any()):
                out.extend(self._absence_seen(batch, code[with_abs], with_abs))
        out.sort(key=lambda tr: tr.at_s)
        return out

    def _scalar_transitions(
        self, batch: ObservationBatch, obs: IntArray, binding: IntArray
    ) -> list[Transition]:
        t = batch.phenomenon_time_s[obs]
        v = batch.values[obs]
        where, rows, prev, new, sig = self.scalar.evaluate(binding, t, v)
        out: list[Transition] = []
        touched: set[int] = set()
        for pos, row, lo, hi, s in zip(
            where.tolist(), rows.tolist(), prev.tolist(), new.tolist(), sig.tolist(), strict=True
        ):
            leaf = self._scalar_leaf[row]
            if leaf is not None:
                touched.add(leaf.composite)
                continue
            rule = self._scalar_rule[row]
            info = self._scalar_source[row]
            ranks = self.scalar.rank[row]
            at = float(t[pos])
            value = float(v[pos])
            band = rule.definition.condition
            assert isinstance(band, ScalarCondition)
            evidence: dict[str, Any] = {"at_s": at, "value": value, "signal": s}
            if hi > 0:
                evidence["raise_at"] = band.levels[hi - 1].raise_at
            if lo > 0 and hi < lo:
                evidence["clear_at"] = band.levels[lo - 1].clear_at
            out.append(
                Transition(
                    rule_id=rule.id,
                    rule_version=rule.version,
                    source_id=info.datastream_id,
                    stream=info,
                    at_s=at,
                    from_rank=int(ranks[lo - 1]) if lo > 0 else 0,
                    to_rank=int(ranks[hi - 1]) if hi > 0 else 0,
                    evidence=evidence,
                )
            )
        at_s = float(batch.phenomenon_time_s.max())
        for idx in sorted(touched):
            out.extend(self._composite_transitions(self._composites[idx], at_s))
        return out

    def _composite_transitions(self, comp: _Composite, at_s: float) -> list[Transition]:
        cond = comp.cond
        holds: dict[str, tuple[bool, StreamInfo, dict[str, Any]]] = {}
        level = self.scalar.level
        if cond.scope is CompositeScope.RADIUS:
            anchors = comp.members[0]
            for a in anchors:
                info = self._scalar_source[a]
                if info.lon is None or info.lat is None:
                    continue
                terms = [bool(level[a] > 0)]
                near: dict[str, Any] = {}
                for li in range(1, len(cond.leaves)):
                    rows = [
                        r
                        for r in comp.members[li]
                        if self._scalar_source[r].lon is not None
                        and _distance_m(info, self._scalar_source[r]) <= cond.within_m
                    ]
                    active = [self._scalar_source[r].datastream_id for r in rows if level[r] > 0]
                    near[cond.leaves[li].kind.value] = active
                    terms.append(bool(active) != cond.leaves[li].negate)
                value = all(terms) if cond.op is CompositeOp.ALL else any(terms)
                holds[info.datastream_id] = (value, info, {"within_m": cond.within_m, **near})
        else:
            groups: dict[str, list[list[int]]] = {}
            first: dict[str, StreamInfo] = {}
            for li, rows in enumerate(comp.members):
                for r in rows:
                    info = self._scalar_source[r]
                    key = info.thing_id if cond.scope is CompositeScope.THING else info.area_id
                    if key is None:
                        continue
                    groups.setdefault(key, [[] for _ in cond.leaves])[li].append(r)
                    first.setdefault(key, info)
            for key, members in groups.items():
                terms = []
                active_ids: dict[str, Any] = {}
                for li, rows in enumerate(members):
                    on = [self._scalar_source[r].datastream_id for r in rows if level[r] > 0]
                    active_ids[cond.leaves[li].kind.value] = on
                    terms.append(bool(on) != cond.leaves[li].negate)
                value = all(terms) if cond.op is CompositeOp.ALL else any(terms)
                holds[key] = (value, first[key], active_ids)
        out = []
        for source, (value, info, evidence) in holds.items():
            before = comp.state.get(source, False)
            if value == before:
                continue
            comp.state[source] = value
            out.append(
                Transition(
                    rule_id=comp.rule.id,
                    rule_version=comp.rule.version,
                    source_id=source,
                    stream=info,
                    at_s=at_s,
                    from_rank=cond.rank if before else 0,
                    to_rank=cond.rank if value else 0,
                    evidence={"at_s": at_s, "active": evidence},
                )
            )
        return out

    def _absence_seen(
        self, batch: ObservationBatch, codes: IntArray, mask: BoolArray
    ) -> list[Transition]:
        uniq, inverse = np.unique(codes, return_inverse=True)
        latest = np.full(len(uniq), -math.inf)
        np.maximum.at(latest, inverse, batch.received_at_s[mask])
        out = []
        for u, last_seen in zip(uniq.tolist(), latest.tolist(), strict=True):
            for row in self._abs_lists[u]:
                last = self._abs_last[row]
                self._abs_last[row] = last_seen if math.isnan(last) else max(last, last_seen)
                if self._abs_raised[row]:
                    self._abs_raised[row] = False
                    out.append(self._absence_transition(row, last_seen, False))
        return out

    def check_absence(self, now_s: float) -> list[Transition]:
        """Raise every absence binding whose stream has sent nothing for its ``after_s``."""
        if not self._abs_rule:
            return []
        with np.errstate(invalid="ignore"):
            overdue = ~self._abs_raised & ((now_s - self._abs_last) >= self._abs_after)
        out = []
        for row in np.flatnonzero(overdue).tolist():
            self._abs_raised[row] = True
            out.append(self._absence_transition(row, now_s, True))
        return out

    def _absence_transition(self, row: int, at_s: float, raised: bool) -> Transition:
        rule = self._abs_rule[row]
        cond = rule.definition.condition
        assert isinstance(cond, AbsenceCondition)
        info = self._abs_stream[row]
        return Transition(
            rule_id=rule.id,
            rule_version=rule.version,
            source_id=info.datastream_id,
            stream=info,
            at_s=at_s,
            from_rank=0 if raised else cond.rank,
            to_rank=cond.rank if raised else 0,
            evidence={
                "at_s": at_s,
                "last_seen_s": float(self._abs_last[row]),
                "after_s": cond.after_s,
            },
        )


# --- state carried across processes ------------------------------------------------------------
@dataclass(frozen=True)
class EngineState:
    """A rule engine's per-binding state in a form another engine can take back (after a
        restart, or from another process): bindings are keyed ``rule id|version|datastream|leaf``
        (leaf ``-1`` for a plain rule), so state is only ever restored onto the same rule version.

        Scalar rows: the active levels (as ranks, so a table of another width reads them), the
        start of the current raw run per level, the last value and time, and the last ``h``
        signals (newest last). Absence rows: the last arrival and whether raised. A composite's
    state follows from its leaves' rows and its open alarms.
       ``streams`` are the datastreams seen, so they are bound again and
        their absence clocks keep running.
    """

    streams: tuple[StreamInfo, ...]
    keys: tuple[str, ...]
    active_ranks: IntArray  # (rows, k): rank of each active level, 0 where inactive
    run_start: FloatArray  # (rows, k)
    prev_v: FloatArray
    prev_t: FloatArray
    hist: FloatArray  # (rows, h)
    absence_keys: tuple[str, ...]
    absence_last: FloatArray
    absence_raised: BoolArray

    @property
    def rows(self) -> int:
        return len(self.keys)


def merge_states(own: EngineState, other: EngineState) -> EngineState:
    """Both processes' bindings: where both hold one, the one that saw the later sample
    (``prev_t``; ``own`` on a tie), so a process that stopped seeing a stream never overwrites
    the one now evaluating it. Absence bindings keep the later arrival."""
    streams = {s.datastream_id: s for s in other.streams}
    streams.update({s.datastream_id: s for s in own.streams})
    k = max(own.active_ranks.shape[1], other.active_ranks.shape[1])
    h = max(own.hist.shape[1], other.hist.shape[1])
    both_t = np.nan_to_num(np.concatenate([own.prev_t, other.prev_t]), nan=-math.inf)
    pick: dict[str, int] = {}
    for i, key in enumerate(own.keys + other.keys):
        j = pick.get(key)
        if j is None or both_t[i] > both_t[j]:
            pick[key] = i
    rows = np.fromiter(pick.values(), np.int64, len(pick))
    last = dict(zip(other.absence_keys, other.absence_last.tolist(), strict=True))
    raised = dict(zip(other.absence_keys, other.absence_raised.tolist(), strict=True))
    for key, seen, up in zip(
        own.absence_keys, own.absence_last.tolist(), own.absence_raised.tolist(), strict=True
    ):
        if key not in last or not seen < last[key]:
            last[key], raised[key] = seen, up
    return EngineState(
        streams=tuple(streams.values()),
        keys=tuple(pick),
        active_ranks=np.vstack(
            [
                _widen(own.active_ranks, k, 0, left=False),
                _widen(other.active_ranks, k, 0, left=False),
            ]
        )[rows],
        run_start=np.vstack(
            [
                _widen(own.run_start, k, math.nan, left=False),
                _widen(other.run_start, k, math.nan, left=False),
            ]
        )[rows],
        prev_v=np.concatenate([own.prev_v, other.prev_v])[rows],
        prev_t=np.concatenate([own.prev_t, other.prev_t])[rows],
        hist=np.vstack(
            [_widen(own.hist, h, math.nan, left=True), _widen(other.hist, h, math.nan, left=True)]
        )[rows],
        absence_keys=tuple(last),
        absence_last=np.array(list(last.values()), dtype=np.float64),
        absence_raised=np.array([raised[key] for key in last], dtype=np.bool_),
    )


def _widen(a: npt.NDArray[Any], width: int, fill: Any, *, left: bool) -> npt.NDArray[Any]:
    """``a`` padded with ``fill`` to ``width`` columns (on the left when ``left``)."""
    missing = width - a.shape[1]
    if missing <= 0:
        return a
    pad = np.full((a.shape[0], missing), fill, dtype=a.dtype)
    return np.hstack([pad, a] if left else [a, pad])


def _state_key(rule: CompiledRule, datastream_id: str, leaf: int) -> str:
    return f"{rule.id}|{rule.version}|{datastream_id}|{leaf}"


def _table_shape(rules: Sequence[CompiledRule]) -> tuple[int, int]:
    """The most levels of any scalar condition, and the longest ``m - 1`` history needed."""
    conds: list[ScalarCondition] = []
    for r in rules:
        c = r.definition.condition
        if isinstance(c, ScalarCondition):
            conds.append(c)
        elif isinstance(c, CompositeCondition):
            conds.extend(leaf.condition for leaf in c.leaves)
    k = max((len(c.levels) for c in conds), default=1)
    h = max((c.persistence.m - 1 for c in conds), default=0)
    return k, h


def _candidates(
    rules: Sequence[CompiledRule],
) -> dict[tuple[SensorKind, str], list[CompiledRule]]:
    """The rules a stream may bind, by (kind, scope path): the selector's kind, a composite's
    leaf kinds, or every kind when the selector names datastreams only. A stream looks up each
    prefix of its organisation path, so binding costs the path's depth, not the rule count."""
    out: dict[tuple[SensorKind, str], list[CompiledRule]] = {}
    for r in rules:
        c = r.definition.condition
        if isinstance(c, CompositeCondition):
            kinds = {leaf.kind for leaf in c.leaves}
        elif r.definition.select.kind is not None:
            kinds = {r.definition.select.kind}
        else:
            kinds = set(SensorKind)
        for kind in kinds:
            out.setdefault((kind, r.scope_path), []).append(r)
    return out


def _distance_m(a: StreamInfo, b: StreamInfo) -> float:
    """Equirectangular distance, metres; exact enough below a few kilometres."""
    assert a.lon is not None
    assert a.lat is not None
    assert b.lon is not None
    assert b.lat is not None
    mean_lat = math.radians((a.lat + b.lat) / 2)
    dx = math.radians(b.lon - a.lon) * math.cos(mean_lat)
    dy = math.radians(b.lat - a.lat)
    return EARTH_RADIUS_M * math.hypot(dx, dy)
