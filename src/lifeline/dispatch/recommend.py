"""Recommendation for one incident: rank available units by ETA and by the coverage they leave.

For the candidate units of one type with travel times ``eta_s`` (seconds, unit → incident) and a
coverage matrix ``cover_s[u, d]`` (seconds from unit u to demand point d — the stations the units
of that type protect), the *coverage loss* of sending u is how much later the first unit would
reach the demand points if u left::

    best_d   = min_a cover_s[a, d]
    loss_u   = Σ_d [u is the unique fastest to d] · (min_{a≠u} cover_s[a, d] − best_d)

(a point only u can reach counts ``uncovered_penalty_s``). Each unit is scored
``score_u = eta_u + λ · loss_u`` (``λ = coverage_weight``), and for every unit type the plan's run
card asks for, the ``count`` lowest-scoring reachable units are selected. Units that cannot reach
the incident (``eta = inf``) are listed but never selected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

DEFAULT_COVERAGE_WEIGHT = 0.5
UNCOVERED_PENALTY_S = 1_800.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """Unit ``index`` (into the caller's arrays) with its ETA, coverage loss and score, seconds."""

    index: int
    unit_type: str
    eta_s: float
    coverage_loss_s: float
    score_s: float
    selected: bool


@dataclass(frozen=True, slots=True)
class Recommendation:
    """Candidates best first (selected ones first within each type); ``shortfall`` unit type →
    how many the run card asks for that no reachable unit fills."""

    candidates: tuple[Candidate, ...]
    shortfall: Mapping[str, int]


def coverage_loss_s(
    cover_s: npt.ArrayLike, *, uncovered_penalty_s: float = UNCOVERED_PENALTY_S
) -> FloatArray:
    """Per unit (rows of ``cover_s``, shape (U, D)): the total delay at the demand points if that
    unit left (see the module docstring). Shape (U,)."""
    t = np.asarray(cover_s, dtype=float)
    n_units, n_points = t.shape
    loss = np.zeros(n_units)
    if n_units == 0 or n_points == 0:
        return loss
    if n_units == 1:
        best = t[0]
        loss[0] = float(np.where(np.isfinite(best), uncovered_penalty_s, 0.0).sum())
        return loss
    order = np.argsort(t, axis=0, kind="stable")
    first, second = order[0], order[1]
    cols = np.arange(n_points)
    best, runner_up = t[first, cols], t[second, cols]
    reachable = np.isfinite(best)
    delay = np.where(
        np.isfinite(runner_up), runner_up - best, np.where(reachable, uncovered_penalty_s, 0.0)
    )
    delay = np.where(reachable, np.minimum(delay, uncovered_penalty_s), 0.0)
    np.add.at(loss, first, delay)
    return loss


def recommend(
    eta_s: npt.ArrayLike,
    unit_types: Sequence[str],
    requirement: Mapping[str, int],
    loss_s: npt.ArrayLike | None = None,
    *,
    coverage_weight: float = DEFAULT_COVERAGE_WEIGHT,
) -> Recommendation:
    """Rank units for one incident; see the module docstring for the score.

    ``requirement`` maps unit type → count (the run card); when empty, the single best unit of
    any type is selected. Only unit types in the requirement are ranked when it is not empty.
    """
    eta = np.asarray(eta_s, dtype=float)
    if eta.ndim != 1 or eta.size != len(unit_types):
        raise ValueError("eta_s and unit_types must have the same length")
    loss = np.zeros(eta.size) if loss_s is None else np.asarray(loss_s, dtype=float)
    if loss.shape != eta.shape:
        raise ValueError("loss_s must have the shape of eta_s")
    if coverage_weight < 0:
        raise ValueError("coverage_weight must not be negative")
    if any(count < 0 for count in requirement.values()):
        raise ValueError("requirement counts must not be negative")
    score = eta + coverage_weight * loss
    types = np.asarray(list(unit_types), dtype=object)
    wanted = {t: c for t, c in requirement.items() if c > 0}
    selected: set[int] = set()
    shortfall: dict[str, int] = {}
    if wanted:
        for unit_type, count in wanted.items():
            pool = [i for i in np.flatnonzero(types == unit_type) if np.isfinite(eta[i])]
            pool.sort(key=lambda i: (score[i], eta[i], i))
            selected.update(int(i) for i in pool[:count])
            if len(pool) < count:
                shortfall[unit_type] = count - len(pool)
        considered = [i for i in range(eta.size) if types[i] in wanted]
    else:
        considered = list(range(eta.size))
        reachable = [i for i in considered if np.isfinite(eta[i])]
        if reachable:
            selected.add(min(reachable, key=lambda i: (score[i], eta[i], i)))
    considered.sort(key=lambda i: (i not in selected, score[i], eta[i], i))
    return Recommendation(
        candidates=tuple(
            Candidate(
                index=int(i),
                unit_type=str(types[i]),
                eta_s=float(eta[i]),
                coverage_loss_s=float(loss[i]),
                score_s=float(score[i]),
                selected=i in selected,
            )
            for i in considered
        ),
        shortfall=shortfall,
    )
