"""Observation payloads in: SensorThings JSON, a JSON batch, NDJSON and a compact columnar form.

Every form becomes :class:`ParsedRows`: parallel columns of the rows that could be read, and a
:class:`Rejection` (row index, reason, the raw row) for each that could not. A payload that is
not readable at all (not JSON, wrong top-level shape, columns of unequal length) raises
``InvalidInput`` naming the field. Times are ISO 8601 with an offset, or Unix seconds; they are
kept as integer microseconds since the epoch so that (datastream, phenomenon time) compares
exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from lifeline.kernel.errors import InvalidInput

RAW_LIMIT = 2_000  # characters of a rejected row kept in quarantine

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class RejectReason(StrEnum):
    """Why an observation was not stored (the quarantine's reason column)."""

    MALFORMED = "malformed"  # a field is missing or of the wrong type
    NOT_FINITE = "not_finite"  # NaN or ±infinity
    OUT_OF_RANGE = "out_of_range"  # outside the physical range of the datastream's kind
    UNKNOWN_DATASTREAM = "unknown_datastream"
    FOREIGN_DATASTREAM = "foreign_datastream"  # a device writing another device's stream
    OUT_OF_SCOPE = "out_of_scope"  # an account writing outside its organisation scope
    FUTURE = "future"  # later than now plus the future tolerance
    TOO_LATE = "too_late"  # older than the late window
    UNAUTHENTICATED = "unauthenticated"  # MQTT: no or a bad device key on the message
    RATE_LIMITED = "rate_limited"  # MQTT: the device exceeded its rate (HTTP answers 429)


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int
    reason: RejectReason
    detail: str
    raw: str
    datastream_id: str | None = None


@dataclass
class ParsedRows:
    """Readable rows as columns (``index`` maps each back to its position in the payload)."""

    total: int
    index: list[int] = field(default_factory=list)
    datastream_ids: list[str] = field(default_factory=list)
    time_us: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    values: FloatArray = field(default_factory=lambda: np.zeros(0, np.float64))
    rejected: list[Rejection] = field(default_factory=list)


def raw_text(row: Any) -> str:
    try:
        text = json.dumps(row, ensure_ascii=False, allow_nan=True, default=str)
    except (TypeError, ValueError):
        text = repr(row)
    return text[:RAW_LIMIT]


def parse_time_us(value: Any) -> int:
    """ISO 8601 with an offset (``Z`` allowed) or Unix seconds → microseconds since the epoch.

    A SensorThings interval ``start/end`` is taken at its end. Raises ``ValueError``.
    """
    if isinstance(value, bool):
        raise ValueError("a time must be ISO 8601 or Unix seconds, not a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("the time is not finite")
        return round(value * 1_000_000)
    if isinstance(value, str):
        text = value.strip().rsplit("/", 1)[-1]
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if stamp.tzinfo is None:
            raise ValueError("the time needs a UTC offset (e.g. 2026-07-01T08:00:00Z)")
        return round(stamp.timestamp() * 1_000_000)
    raise ValueError("a time must be ISO 8601 or Unix seconds")


def parse_result(value: Any) -> float:
    """A numeric result: a number, a boolean (1/0) or a numeric string. Raises ``ValueError``."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return float(value.strip())
    raise ValueError("the result must be a number")


def _datastream_of(row: dict[str, Any]) -> Any:
    if "datastream_id" in row:
        return row["datastream_id"]
    ref = row.get("Datastream")
    if isinstance(ref, dict):
        return ref.get("@iot.id")
    return None


class _Builder:
    def __init__(self, total: int) -> None:
        self.out = ParsedRows(total=total)
        self.times: list[int] = []
        self.values: list[float] = []

    def row(self, i: int, row: Any) -> None:
        if not isinstance(row, dict):
            self.reject(i, row, "the row must be a JSON object")
            return
        stream = _datastream_of(row)
        if not isinstance(stream, str) or not stream:
            self.reject(i, row, "datastream_id: missing (or Datastream.@iot.id)")
            return
        time_value = row.get("phenomenon_time", row.get("phenomenonTime"))
        if time_value is None:
            self.reject(i, row, "phenomenon_time: missing", stream)
            return
        try:
            time_us = parse_time_us(time_value)
        except (ValueError, OverflowError) as exc:
            self.reject(i, row, f"phenomenon_time: {exc}", stream)
            return
        if "result" not in row:
            self.reject(i, row, "result: missing", stream)
            return
        try:
            value = parse_result(row["result"])
        except (ValueError, TypeError) as exc:
            self.reject(i, row, f"result: {exc}", stream)
            return
        self.out.index.append(i)
        self.out.datastream_ids.append(stream)
        self.times.append(time_us)
        self.values.append(value)

    def reject(self, i: int, row: Any, detail: str, stream: str | None = None) -> None:
        self.out.rejected.append(
            Rejection(i, RejectReason.MALFORMED, detail, raw_text(row), stream)
        )

    def done(self) -> ParsedRows:
        self.out.time_us = np.asarray(self.times, dtype=np.int64)
        self.out.values = np.asarray(self.values, dtype=np.float64)
        return self.out


def parse_rows(rows: Sequence[Any]) -> ParsedRows:
    """Rows of ``{"datastream_id", "phenomenon_time", "result"}`` (or the SensorThings names
    ``Datastream: {"@iot.id"}``, ``phenomenonTime``)."""
    builder = _Builder(len(rows))
    for i, row in enumerate(rows):
        builder.row(i, row)
    return builder.done()


def parse_ndjson(body: bytes) -> ParsedRows:
    """One JSON object per line; a line that is not JSON is a malformed row, not a bad body."""
    lines = [ln for ln in body.decode("utf-8", errors="replace").splitlines() if ln.strip()]
    builder = _Builder(len(lines))
    for i, line in enumerate(lines):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            builder.out.rejected.append(
                Rejection(i, RejectReason.MALFORMED, f"not JSON: {exc.msg}", line[:RAW_LIMIT])
            )
            continue
        builder.row(i, row)
    return builder.done()


def parse_columnar(doc: dict[str, Any]) -> ParsedRows:
    """The compact form: equal-length columns ``phenomenon_time`` (ISO strings or Unix seconds)
    and ``results``, with either one ``datastream_id`` for all rows or a ``datastream_ids``
    column."""
    times = doc.get("phenomenon_time")
    results = doc.get("results")
    if not isinstance(times, list):
        raise InvalidInput("phenomenon_time", "must be a list (a column of times)")
    if not isinstance(results, list):
        raise InvalidInput("results", "must be a list (a column of results)")
    if len(times) != len(results):
        raise InvalidInput("results", f"has {len(results)} entries but phenomenon_time has "
                           f"{len(times)}")  # fmt: skip
    n = len(times)
    if "datastream_ids" in doc:
        ids = doc["datastream_ids"]
        if not isinstance(ids, list) or len(ids) != n:
            raise InvalidInput("datastream_ids", f"must be a list of {n} datastream ids")
    elif isinstance(doc.get("datastream_id"), str) and doc["datastream_id"]:
        ids = [doc["datastream_id"]] * n
    else:
        raise InvalidInput("datastream_id", "give datastream_id (one for all rows) or "
                           "datastream_ids (a column)")  # fmt: skip
    fast = _columnar_fast(ids, times, results)
    if fast is not None:
        return fast
    return parse_rows(
        [
            {"datastream_id": s, "phenomenon_time": t, "result": r}
            for s, t, r in zip(ids, times, results, strict=True)
        ]
    )


def _columnar_fast(ids: list[Any], times: list[Any], results: list[Any]) -> ParsedRows | None:
    """All ids strings, all times and results plain numbers: convert whole columns at once."""
    if not all(type(s) is str and s for s in ids):
        return None
    if not all(type(t) in (int, float) for t in times):
        return None
    if not all(type(r) in (int, float) for r in results):
        return None
    seconds = np.asarray(times, dtype=np.float64)
    if not np.isfinite(seconds).all():
        return None
    n = len(ids)
    return ParsedRows(
        total=n,
        index=list(range(n)),
        datastream_ids=list(ids),
        time_us=np.rint(seconds * 1_000_000).astype(np.int64),
        values=np.asarray(results, dtype=np.float64),
    )


def parse_body(body: bytes, content_type: str) -> ParsedRows:
    """Dispatch on the media type: NDJSON, or JSON as a list of rows, ``{"observations": [...]}``
    or the columnar form."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/x-ndjson", "application/ndjson", "application/jsonl"):
        return parse_ndjson(body)
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("body", f"malformed JSON: {exc}") from None
    if isinstance(doc, list):
        return parse_rows(doc)
    if isinstance(doc, dict):
        if isinstance(doc.get("observations"), list):
            return parse_rows(doc["observations"])
        if "results" in doc or "phenomenon_time" in doc:
            return parse_columnar(doc)
    raise InvalidInput(
        "body",
        "expected a list of observations, {'observations': [...]}, or the columnar form "
        "{'datastream_id' | 'datastream_ids', 'phenomenon_time', 'results'}",
    )
