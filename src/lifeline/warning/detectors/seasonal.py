"""Online anomaly detection for many datastreams at once: a seasonal robust profile plus CUSUM.

For every stream ``s`` the bank keeps, in numpy arrays of fixed size (constant memory per
stream, whatever its history):

* a **global robust profile**: location ``μ_s`` and scale ``σ_s``;
* two **seasonal profiles**, one per hour-of-week bin ``w`` (168 bins, Monday 00:00 local time
  is bin 0) and one per hour-of-day bin ``d`` (24 bins), each bin with its own ``μ``, ``σ`` and
  the number of observations ``n`` that shaped it, so daily and weekly rhythms (a busy noon, a
  quiet Sunday night) are expected rather than flagged. The daily profile is ready after a day
  or two, the weekly one after a week or two;
* a two-sided **CUSUM** on the robust z-score, and the time of the last observation.

Scoring one observation ``x`` at time ``t``: the reference is the hour-of-week bin's profile when
that bin is trusted, else the hour-of-day bin's when it is, else the global profile; a bin is
trusted once it has learnt from ``bin_warmup_n`` observations in at least two distinct weeks
(days), because a rhythm seen once is not yet a rhythm. Then

    z = (x − μ_ref) / max(σ_ref, min_scale_abs, min_scale_rel·|μ_ref|)
    S⁺ ← min(cap, max(0, S⁺ + clip(z, ±z_clip) − k))      S⁻ likewise with −z

The observation is anomalous once the stream is warm (``warmup_n`` observations) and
``|z| > z_spike`` (a spike) or ``S⁺ > h`` with ``z > 0`` / ``S⁻ > h`` with ``z < 0`` (a sustained
shift up or down: Page's CUSUM with reference value ``k`` and decision interval ``h``, in units
of σ; the sign condition ends the flag as soon as readings are back on the normal side, instead of
waiting for the sum to drain).

Updating: each profile is an exponentially weighted Huber M-estimate,

    a = 1/n while young (n ≤ warm-up count: a running mean), else α, or α·anomalous_weight
        for a reading judged anomalous (so an ongoing anomaly does not quickly become the new
        normal, while a lasting change of level is absorbed in the end)
    r = x − μ
    μ ← μ + a·clip(r, ±c·σ)               (robust location: EW Huber, a smoothed EW median)
    σ ← σ + a·(1.2533·min(|r|, c·σ) − σ)  (robust scale: EW clipped mean absolute deviation;
                                           1.2533 = √(π/2) makes it σ for Gaussian noise)

with no clipping while young.

Gaps: an observation more than ``max_gap_s`` after the previous one resets the CUSUM (evidence
does not accumulate across a hole); seasonal bins are by wall-clock hour, so gaps never shift
them. Non-finite values are ignored, and an observation not newer than the stream's last one
(late or duplicate) is skipped: the state moves forward in time only.

Vectorisation: a batch holds any number of observations of any streams. They are ordered by
(stream, time) and processed in rounds, round ``r`` taking every stream's ``r``-th observation,
so each round is one set of numpy operations over distinct streams.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

HOURS_PER_WEEK = 168
HOURS_PER_DAY = 24
_GAUSS_MAD = 1.2533141373155003  # √(π/2): E|r| = σ·√(2/π) for Gaussian r
_EPOCH_WEEKDAY_HOURS = 72  # 1970-01-01 was a Thursday: 3 days after Monday


_BIN_ARRAYS = (
    ("_loc", np.float32),
    ("_scale", np.float32),
    ("_n", np.int32),
    ("_last", np.int32),  # index of the last week (day) in which the bin learnt
    ("_periods", np.int32),  # how many distinct weeks (days) it has learnt in
)


class Reason(IntEnum):
    """Why an observation was judged anomalous (0: it was not)."""

    NONE = 0
    SPIKE = 1
    SHIFT_UP = 2
    SHIFT_DOWN = 3

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Tuning of the detector; z-scores, ``cusum_k`` and ``cusum_h`` are in units of σ."""

    alpha: float = 0.01
    warmup_n: int = 60
    bin_warmup_n: int = 12
    huber_c: float = 3.0
    z_spike: float = 8.0
    z_clip: float = 8.0
    cusum_k: float = 1.0
    cusum_h: float = 20.0
    cusum_cap: float = 30.0
    min_scale_abs: float = 1e-6
    min_scale_rel: float = 0.005
    max_gap_s: float = 900.0
    anomalous_weight: float = 0.1
    utc_offset_s: float = 8 * 3_600.0  # China Standard Time

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 1.0:
            raise ValueError("alpha must lie in (0, 1)")
        if self.warmup_n < 1 or self.bin_warmup_n < 1:
            raise ValueError("warm-up counts must be positive")
        if self.cusum_h <= 0 or self.cusum_cap < self.cusum_h or self.cusum_k < 0:
            raise ValueError("cusum_k must be ≥ 0 and 0 < cusum_h ≤ cusum_cap")
        if self.z_spike <= 0 or self.huber_c <= 0 or self.z_clip <= 0:
            raise ValueError("z_spike, z_clip and huber_c must be positive")


@dataclass(frozen=True)
class Scores:
    """Per-observation results, aligned with the batch given to :meth:`DetectorBank.update`.

    ``z`` is NaN and ``reason`` NONE for skipped observations (non-finite, late or duplicate);
    ``expected`` is the reference location the value was compared with; ``onset`` is true for
    the observation that turned its stream from normal to anomalous.
    """

    z: FloatArray
    expected: FloatArray
    cusum: FloatArray
    anomalous: BoolArray
    reason: npt.NDArray[np.int8]
    onset: BoolArray
    skipped: BoolArray


def _local_hours(time_s: FloatArray, utc_offset_s: float) -> IntArray:
    """Whole local hours since the Unix epoch."""
    return np.floor((time_s + utc_offset_s) / 3_600.0).astype(np.int64)


def hour_of_week(time_s: FloatArray, utc_offset_s: float) -> IntArray:
    """Hour-of-week bin (Monday 00:00–00:59 local time is 0) of Unix times in seconds."""
    return (_local_hours(time_s, utc_offset_s) + _EPOCH_WEEKDAY_HOURS) % HOURS_PER_WEEK


class DetectorBank:
    """Detector state of ``capacity`` streams (grows on demand); streams are integer slots."""

    def __init__(self, params: DetectorParams | None = None, capacity: int = 16) -> None:
        self.params = params or DetectorParams()
        self._size = 0
        self._alloc(max(1, capacity))

    def _alloc(self, capacity: int) -> None:
        old = self._size
        shapes_1d: dict[str, tuple[type, float]] = {
            "g_loc": (np.float64, 0.0),
            "g_scale": (np.float64, 0.0),
            "g_n": (np.int64, 0),
            "cusum_pos": (np.float64, 0.0),
            "cusum_neg": (np.float64, 0.0),
            "last_t": (np.float64, -np.inf),
            "state": (np.int8, 0),
        }
        for name, (dtype, fill) in shapes_1d.items():
            fresh: npt.NDArray[Any] = np.full(capacity, fill, dtype=dtype)
            if old:
                fresh[:old] = getattr(self, name)[:old]
            setattr(self, name, fresh)
        for prefix, bins in (("w", HOURS_PER_WEEK), ("d", HOURS_PER_DAY)):
            for name, dtype in _BIN_ARRAYS:
                fresh2 = np.zeros((capacity, bins), dtype=dtype)
                if old:
                    fresh2[:old] = getattr(self, prefix + name)[:old]
                setattr(self, prefix + name, fresh2)
        self._capacity = capacity

    # declared for type checkers; set in _alloc
    g_loc: FloatArray
    g_scale: FloatArray
    g_n: IntArray
    cusum_pos: FloatArray
    cusum_neg: FloatArray
    last_t: FloatArray
    state: npt.NDArray[np.int8]
    w_loc: npt.NDArray[np.float32]
    w_scale: npt.NDArray[np.float32]
    w_n: npt.NDArray[np.int32]
    w_last: npt.NDArray[np.int32]
    w_periods: npt.NDArray[np.int32]
    d_loc: npt.NDArray[np.float32]
    d_scale: npt.NDArray[np.float32]
    d_n: npt.NDArray[np.int32]
    d_last: npt.NDArray[np.int32]
    d_periods: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes of state held (all allocated slots)."""
        return sum(int(getattr(self, n).nbytes) for n in self.STATE_ARRAYS)

    STATE_ARRAYS: tuple[str, ...] = (
        *("g_loc", "g_scale", "g_n", "cusum_pos", "cusum_neg", "last_t", "state"),
        *("w_loc", "w_scale", "w_n", "w_last", "w_periods"),
        *("d_loc", "d_scale", "d_n", "d_last", "d_periods"),
    )

    def export_rows(self, slots: IntArray) -> dict[str, npt.NDArray[Any]]:
        """Copies of the state of ``slots``, one array per name in :attr:`STATE_ARRAYS`."""
        return {name: getattr(self, name)[slots].copy() for name in self.STATE_ARRAYS}

    def import_rows(self, slots: IntArray, rows: Mapping[str, npt.NDArray[Any]]) -> None:
        """Set the state of ``slots`` from :meth:`export_rows` of another bank (same params)."""
        for name in self.STATE_ARRAYS:
            getattr(self, name)[slots] = rows[name]

    def add_streams(self, count: int) -> range:
        """Reserve ``count`` new stream slots and return their indices."""
        start = self._size
        need = start + count
        if need > self._capacity:
            self._alloc(max(need, 2 * self._capacity))
        self._size = need
        return range(start, need)

    def reset(self, streams: IntArray) -> None:
        """Forget everything learnt about ``streams`` (a new normal, or a replaced sensor)."""
        self.g_loc[streams] = 0.0
        self.g_scale[streams] = 0.0
        self.g_n[streams] = 0
        self.cusum_pos[streams] = 0.0
        self.cusum_neg[streams] = 0.0
        self.state[streams] = 0
        for prefix in ("w", "d"):
            for name, _ in _BIN_ARRAYS:
                getattr(self, prefix + name)[streams] = 0

    def update(self, stream: npt.ArrayLike, time_s: npt.ArrayLike, value: npt.ArrayLike) -> Scores:
        """Score and learn from a batch: observation ``i`` is ``value[i]`` of slot ``stream[i]``
        at Unix time ``time_s[i]`` (seconds). Returns per-observation :class:`Scores`."""
        streams = np.asarray(stream, dtype=np.int64)
        times = np.asarray(time_s, dtype=np.float64)
        values = np.asarray(value, dtype=np.float64)
        n = len(streams)
        if not (len(times) == len(values) == n):
            raise ValueError("stream, time_s and value must have equal lengths")
        if n and (streams.min() < 0 or streams.max() >= self._size):
            raise IndexError("unknown stream slot")
        out = Scores(
            z=np.full(n, np.nan),
            expected=np.full(n, np.nan),
            cusum=np.zeros(n),
            anomalous=np.zeros(n, dtype=np.bool_),
            reason=np.zeros(n, dtype=np.int8),
            onset=np.zeros(n, dtype=np.bool_),
            skipped=np.ones(n, dtype=np.bool_),
        )
        if n == 0:
            return out
        order = np.lexsort((times, streams))
        sorted_streams = streams[order]
        starts = np.flatnonzero(np.r_[True, sorted_streams[1:] != sorted_streams[:-1]])
        group_sizes = np.diff(np.r_[starts, n])
        rank = np.arange(n) - np.repeat(starts, group_sizes)
        hours = _local_hours(times, self.params.utc_offset_s)
        for r in range(int(group_sizes.max())):
            rows = order[rank == r]
            self._round(rows, streams[rows], times[rows], values[rows], hours[rows], out)
        return out

    def _round(
        self,
        rows: IntArray,
        s: IntArray,
        t: FloatArray,
        x: FloatArray,
        hours: IntArray,
        out: Scores,
    ) -> None:
        p = self.params
        ok = np.isfinite(x) & np.isfinite(t) & (t > self.last_t[s])
        rows, s, t, x, hours = rows[ok], s[ok], t[ok], x[ok], hours[ok]
        if len(rows) == 0:
            return
        gap = (t - self.last_t[s]) > p.max_gap_s
        self.cusum_pos[s[gap]] = 0.0
        self.cusum_neg[s[gap]] = 0.0
        self.last_t[s] = t

        week_hours = hours + _EPOCH_WEEKDAY_HOURS
        b, week = week_hours % HOURS_PER_WEEK, week_hours // HOURS_PER_WEEK
        d, day = hours % HOURS_PER_DAY, hours // HOURS_PER_DAY
        use_week = (self.w_n[s, b] >= p.bin_warmup_n) & (self.w_periods[s, b] >= 2)
        use_day = (self.d_n[s, d] >= p.bin_warmup_n) & (self.d_periods[s, d] >= 2)
        loc = np.where(
            use_week, self.w_loc[s, b], np.where(use_day, self.d_loc[s, d], self.g_loc[s])
        )
        scale = np.where(
            use_week, self.w_scale[s, b], np.where(use_day, self.d_scale[s, d], self.g_scale[s])
        )
        scale = np.maximum(scale, np.maximum(p.min_scale_abs, p.min_scale_rel * np.abs(loc)))
        warm = self.g_n[s] >= p.warmup_n
        z = np.where(warm, (x - loc) / scale, 0.0)
        zc = np.clip(z, -p.z_clip, p.z_clip)
        pos = np.minimum(p.cusum_cap, np.maximum(0.0, self.cusum_pos[s] + zc - p.cusum_k))
        neg = np.minimum(p.cusum_cap, np.maximum(0.0, self.cusum_neg[s] - zc - p.cusum_k))
        pos = np.where(warm, pos, 0.0)
        neg = np.where(warm, neg, 0.0)
        reason = np.zeros(len(s), dtype=np.int8)
        reason[(neg > p.cusum_h) & (z < 0)] = Reason.SHIFT_DOWN
        reason[(pos > p.cusum_h) & (z > 0)] = Reason.SHIFT_UP
        reason[np.abs(z) > p.z_spike] = Reason.SPIKE
        anomalous = reason != Reason.NONE

        was = self.state[s] != 0
        self.state[s] = anomalous.astype(np.int8)
        self.cusum_pos[s] = pos
        self.cusum_neg[s] = neg

        out.z[rows] = z
        out.expected[rows] = loc
        out.cusum[rows] = np.maximum(pos, neg)
        out.anomalous[rows] = anomalous
        out.reason[rows] = reason
        out.onset[rows] = anomalous & ~was
        out.skipped[rows] = False

        # anomalous readings still teach, but only a little: a lasting change of level becomes
        # the new normal slowly, while a short anomaly leaves the profiles almost untouched
        weight = np.where(anomalous, p.anomalous_weight, 1.0)
        self.g_n[s] += 1
        self.g_loc[s], self.g_scale[s] = _huber_step(
            self.g_loc[s], self.g_scale[s], self.g_n[s], x, weight, p.warmup_n, p
        )
        for prefix, bin_, period in (("w", b, week), ("d", d, day)):
            locs, scales, counts, last, periods = (
                getattr(self, prefix + n) for n, _ in _BIN_ARRAYS
            )
            counts[s, bin_] += 1
            periods[s, bin_] += last[s, bin_] != period
            last[s, bin_] = period
            new_loc, new_scale = _huber_step(
                locs[s, bin_].astype(np.float64),
                scales[s, bin_].astype(np.float64),
                counts[s, bin_].astype(np.int64),
                x,
                weight,
                p.bin_warmup_n,
                p,
            )
            locs[s, bin_] = new_loc
            scales[s, bin_] = new_scale


def _huber_step(
    loc: FloatArray,
    scale: FloatArray,
    count: IntArray,
    x: FloatArray,
    weight: FloatArray,
    young_n: int,
    p: DetectorParams,
) -> tuple[FloatArray, FloatArray]:
    """One exponentially weighted Huber step of location and scale (``count`` includes ``x``).

    A profile younger than ``young_n`` observations learns from every value at full weight
    (a running mean), or it would never come of age; an older one scales its step by ``weight``.
    """
    first = count <= 1
    young = count <= young_n
    a = np.where(young, 1.0 / np.maximum(count, 1), p.alpha * weight)
    a = np.maximum(a, np.where(young, p.alpha, 0.0))
    r = x - loc
    floor = np.maximum(p.min_scale_abs, p.min_scale_rel * np.abs(loc))
    bound = np.where(young, np.inf, p.huber_c * np.maximum(scale, floor))
    new_loc = np.where(first, x, loc + a * np.clip(r, -bound, bound))
    dev = _GAUSS_MAD * np.minimum(np.abs(r), bound)
    new_scale = np.where(first, 0.0, scale + a * (dev - scale))
    return new_loc, new_scale
