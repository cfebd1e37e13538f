"""Optimal dispatch when incidents compete: a grade-weighted assignment on a cost matrix.

Given ETAs ``eta_s[u, i]`` (seconds, unit u → incident i; ``inf`` unreachable), the type of each
unit, each incident's requirement ``demand[i][type] = count`` and grade weights ``w_i``::

    min  Σ_(u,i) w_i · eta_s[u, i] · x_ui  +  Σ_slots w_i · P · (slot left empty)
    s.t. each unit serves at most one incident; incident i gets at most demand[i][t] units of
         type t; x binary; a unit only serves slots of its own type.

Types never substitute for each other, so the problem separates by unit type. Expanding each
incident's count into that many identical *slots* makes every type a rectangular assignment
problem; adding one dummy row per slot (cost ``w_i · P``, P larger than any finite ETA, so a
reachable unit always beats leaving the slot empty) lets a slot stay empty when units run short —
and then it is the slot of the least grave incident that stays empty. Each is solved exactly by
``scipy.optimize.linear_sum_assignment`` (shortest augmenting path, O(n³)).

:func:`greedy` is the baseline dispatchers use by hand: incidents gravest first (then in the
given order), each takes its nearest free units of each type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    """``pairs`` (unit index, incident index); ``shortfall`` (incident index, type) → missing;
    ``objective_s`` Σ w_i · eta over the pairs (seconds, grade-weighted)."""

    pairs: tuple[tuple[int, int], ...]
    shortfall: Mapping[tuple[int, str], int]
    objective_s: float
    total_eta_s: float


def _check(
    eta_s: npt.ArrayLike,
    unit_types: Sequence[str],
    demand: Sequence[Mapping[str, int]],
    weights: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    eta = np.asarray(eta_s, dtype=float)
    w = np.asarray(weights, dtype=float)
    if eta.ndim != 2 or eta.shape != (len(unit_types), len(demand)):
        raise ValueError("eta_s must be (units, incidents)")
    if w.shape != (len(demand),) or np.any(w <= 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be positive, one per incident")
    if any(c < 0 for d in demand for c in d.values()):
        raise ValueError("demand counts must not be negative")
    if np.any(np.isnan(eta)) or np.any(eta < 0):
        raise ValueError("eta_s must be non-negative (inf for unreachable)")
    return eta, w


def _result(
    eta: FloatArray,
    w: FloatArray,
    pairs: list[tuple[int, int]],
    demand: Sequence[Mapping[str, int]],
    unit_types: Sequence[str],
) -> AssignmentResult:
    got: dict[tuple[int, str], int] = {}
    for u, i in pairs:
        key = (i, unit_types[u])
        got[key] = got.get(key, 0) + 1
    shortfall = {
        (i, t): c - got.get((i, t), 0)
        for i, d in enumerate(demand)
        for t, c in d.items()
        if c > got.get((i, t), 0)
    }
    pairs.sort()
    return AssignmentResult(
        pairs=tuple(pairs),
        shortfall=shortfall,
        objective_s=float(sum(w[i] * eta[u, i] for u, i in pairs)),
        total_eta_s=float(sum(eta[u, i] for u, i in pairs)),
    )


def optimal(
    eta_s: npt.ArrayLike,
    unit_types: Sequence[str],
    demand: Sequence[Mapping[str, int]],
    weights: npt.ArrayLike,
) -> AssignmentResult:
    """The exact grade-weighted assignment (module docstring); deterministic for equal costs."""
    eta, w = _check(eta_s, unit_types, demand, weights)
    finite = eta[np.isfinite(eta)]
    penalty = 10.0 * (float(finite.max()) if finite.size else 1.0) + 3_600.0
    big = penalty * float(w.max()) * 10.0
    types = np.asarray(list(unit_types), dtype=object)
    pairs: list[tuple[int, int]] = []
    for unit_type in sorted({t for d in demand for t, c in d.items() if c > 0}):
        slots = np.array(
            [i for i, d in enumerate(demand) for _ in range(d.get(unit_type, 0))], dtype=np.int64
        )
        units = np.flatnonzero(types == unit_type)
        if slots.size == 0 or units.size == 0:
            continue
        real = eta[np.ix_(units, slots)] * w[slots]
        real = np.where(np.isfinite(real), real, big)
        dummy = np.broadcast_to(w[slots] * penalty, (slots.size, slots.size))
        cost = np.vstack([real, dummy])
        rows, cols = linear_sum_assignment(cost)
        for r, c in zip(rows, cols, strict=True):
            if r < units.size and np.isfinite(eta[units[r], slots[c]]):
                pairs.append((int(units[r]), int(slots[c])))
    return _result(eta, w, pairs, demand, unit_types)


def greedy(
    eta_s: npt.ArrayLike,
    unit_types: Sequence[str],
    demand: Sequence[Mapping[str, int]],
    weights: npt.ArrayLike,
) -> AssignmentResult:
    """Gravest incident first, each takes its nearest free units of every required type."""
    eta, w = _check(eta_s, unit_types, demand, weights)
    types = np.asarray(list(unit_types), dtype=object)
    free = np.ones(len(unit_types), dtype=bool)
    pairs: list[tuple[int, int]] = []
    for i in sorted(range(len(demand)), key=lambda i: (-w[i], i)):
        for unit_type, count in sorted(demand[i].items()):
            if count <= 0:
                continue
            pool = np.flatnonzero((types == unit_type) & free & np.isfinite(eta[:, i]))
            chosen = pool[np.argsort(eta[pool, i], kind="stable")[:count]]
            free[chosen] = False
            pairs.extend((int(u), i) for u in chosen)
    return _result(eta, w, pairs, demand, unit_types)
