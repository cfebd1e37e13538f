"""How well a detector's flags match labelled anomalies: pointwise and per labelled event.

Pointwise: precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean, counting
every time step. Per event: a labelled event is a maximal run of labelled steps; it is detected
when some flag falls inside it, and its detection delay is the time from its first step to the
first flag inside it. A false alarm is a run of flags that overlaps no labelled event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Quality:
    """Detector quality over one or more labelled series (sums, then ratios)."""

    true_positives: int
    false_positives: int
    false_negatives: int
    events: int
    events_detected: int
    false_alarms: int
    delays_s: tuple[float, ...]

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def median_delay_s(self) -> float:
        return float(np.median(self.delays_s)) if self.delays_s else float("nan")

    def __add__(self, other: Quality) -> Quality:
        return Quality(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
            self.events + other.events,
            self.events_detected + other.events_detected,
            self.false_alarms + other.false_alarms,
            self.delays_s + other.delays_s,
        )


EMPTY = Quality(0, 0, 0, 0, 0, 0, ())


def runs(flags: npt.ArrayLike) -> list[tuple[int, int]]:
    """Maximal runs of true values as half-open ``(start, end)`` index pairs."""
    padded = np.r_[False, np.asarray(flags, dtype=np.bool_), False].astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def score(predicted: npt.ArrayLike, labelled: npt.ArrayLike, time_s: npt.ArrayLike) -> Quality:
    """Compare flags with labels over one series sampled at ``time_s`` (seconds)."""
    predicted = np.asarray(predicted, dtype=np.bool_)
    labelled = np.asarray(labelled, dtype=np.bool_)
    time_s = np.asarray(time_s, dtype=np.float64)
    if not (len(predicted) == len(labelled) == len(time_s)):
        raise ValueError("predicted, labelled and time_s must have equal lengths")
    tp = int(np.sum(predicted & labelled))
    fp = int(np.sum(predicted & ~labelled))
    fn = int(np.sum(~predicted & labelled))
    delays: list[float] = []
    events = runs(labelled)
    for start, end in events:
        hits = np.flatnonzero(predicted[start:end])
        if len(hits):
            delays.append(float(time_s[start + hits[0]] - time_s[start]))
    false_alarms = sum(1 for a, b in runs(predicted) if not labelled[a:b].any())
    return Quality(tp, fp, fn, len(events), len(delays), false_alarms, tuple(delays))
