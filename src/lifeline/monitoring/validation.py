"""Ingest validation, vectorised over a batch: which rows are stored and why the others are not.

Checks, in order (a row gets the first reason that applies): the datastream exists; a device
writes only its own thing's datastreams, an account only datastreams inside its organisation
scope; the result is finite; it lies within the datastream's physical range ``[min, max]``; its
phenomenon time is at most ``future_tolerance_s`` after now and at most ``late_window_s``
before now (late and out-of-order data inside the window are accepted).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from lifeline.monitoring.formats import ParsedRows, Rejection, RejectReason
from lifeline.monitoring.model import StreamLimits

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class IngestWindow:
    """How far from now a phenomenon time may lie, in seconds."""

    late_window_s: float
    future_tolerance_s: float


def index_streams(ids: Sequence[str]) -> tuple[list[str], IntArray]:
    """The distinct datastream ids in first-seen order, and each row's position among them
    (so that per-stream facts are looked up once per stream and spread over rows by indexing)."""
    distinct = list(dict.fromkeys(ids))
    position = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = np.fromiter(map(position.__getitem__, ids), dtype=np.intp, count=len(ids))
    return distinct, codes


class _Stream(IntEnum):
    """Per-stream verdict before the values are looked at."""

    OK = 0
    UNKNOWN = 1
    FOREIGN = 2
    OUT_OF_SCOPE = 3


_STREAM_REASONS = {
    _Stream.UNKNOWN: (RejectReason.UNKNOWN_DATASTREAM, "no datastream {!r}"),
    _Stream.FOREIGN: (RejectReason.FOREIGN_DATASTREAM, "the datastream belongs to another device"),
    _Stream.OUT_OF_SCOPE: (RejectReason.OUT_OF_SCOPE, "the datastream is outside your scope"),
}


def validate(
    rows: ParsedRows,
    limits: Mapping[str, StreamLimits],
    *,
    now_us: int,
    window: IngestWindow,
    device_thing_id: str | None = None,
    scope_paths: tuple[str, ...] | None = None,
    streams: tuple[list[str], IntArray] | None = None,
) -> tuple[BoolArray, list[Rejection]]:
    """Return the mask of rows to store (aligned with ``rows``' columns) and a rejection for
    every other row. ``device_thing_id`` restricts writes to that thing's datastreams;
    ``scope_paths`` (when not None) to datastreams of organisations under those paths.

    The datastream checks run once per distinct datastream (``streams``, from
    :func:`index_streams`, when the caller has it already) and reach the rows by indexing; the
    value and time checks are whole-column comparisons. Only refused rows cost Python work.
    """
    distinct, codes = streams if streams is not None else index_streams(rows.datastream_ids)
    k = len(distinct)
    verdict = [_Stream.OK] * k
    lo_s = [0.0] * k
    hi_s = [0.0] * k
    in_scope: dict[str, bool] = {}
    for j, stream_id in enumerate(distinct):
        found = limits.get(stream_id)
        if found is None:
            verdict[j] = _Stream.UNKNOWN
            continue
        if device_thing_id is not None and found.thing_id != device_thing_id:
            verdict[j] = _Stream.FOREIGN
            continue
        if scope_paths is not None:
            allowed = in_scope.get(found.path)
            if allowed is None:
                allowed = in_scope[found.path] = any(found.path.startswith(p) for p in scope_paths)
            if not allowed:
                verdict[j] = _Stream.OUT_OF_SCOPE
                continue
        lo_s[j], hi_s[j] = found.min_value, found.max_value
    row_verdict = np.asarray(verdict, dtype=np.int8)[codes]
    lo, hi = np.asarray(lo_s, dtype=np.float64)[codes], np.asarray(hi_s, dtype=np.float64)[codes]
    ok = row_verdict == _Stream.OK
    rejected: list[Rejection] = []

    def reject(i: int, reason: RejectReason, detail: str) -> None:
        ok[i] = False
        rejected.append(
            Rejection(
                index=rows.index[i],
                reason=reason,
                detail=detail,
                raw=_raw(rows, i),
                datastream_id=rows.datastream_ids[i],
            )
        )

    for at in np.flatnonzero(~ok).tolist():
        reason, template = _STREAM_REASONS[_Stream(int(row_verdict[at]))]
        reject(at, reason, template.format(rows.datastream_ids[at]))

    values, times = rows.values, rows.time_us
    checks: list[tuple[BoolArray, RejectReason]] = []
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(values)
        checks.append((~finite, RejectReason.NOT_FINITE))
        checks.append((finite & ((values < lo) | (values > hi)), RejectReason.OUT_OF_RANGE))
    latest = now_us + round(window.future_tolerance_s * 1_000_000)
    earliest = now_us - round(window.late_window_s * 1_000_000)
    checks.append((times > latest, RejectReason.FUTURE))
    checks.append((times < earliest, RejectReason.TOO_LATE))
    for bad, reason in checks:
        for at in np.flatnonzero(bad & ok).tolist():
            reject(at, reason, _detail(reason, rows, at, lo, hi, now_us))
    return ok, rejected


def _detail(
    reason: RejectReason,
    rows: ParsedRows,
    i: int,
    lo: npt.NDArray[np.float64],
    hi: npt.NDArray[np.float64],
    now_us: int,
) -> str:
    if reason is RejectReason.NOT_FINITE:
        return f"result: {rows.values[i]} is not a finite number"
    if reason is RejectReason.OUT_OF_RANGE:
        return f"result: {rows.values[i]:g} is outside the physical range [{lo[i]:g}, {hi[i]:g}]"
    offset_s = (int(rows.time_us[i]) - now_us) / 1_000_000
    if reason is RejectReason.FUTURE:
        return f"phenomenon_time: {offset_s:.0f} s in the future"
    return f"phenomenon_time: {-offset_s:.0f} s old, beyond the late window"


def _raw(rows: ParsedRows, i: int) -> str:
    value = float(rows.values[i])
    return json.dumps(
        {
            "datastream_id": rows.datastream_ids[i],
            "phenomenon_time_us": int(rows.time_us[i]),
            "result": value if np.isfinite(value) else str(value),
        }
    )
