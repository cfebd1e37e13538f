"""Snapshots of the evaluator's and the detectors' in-memory state, as bytes for the
``warning_snapshot`` table.

Each snapshot is one ``.npz`` archive (numpy's own format: arrays plus a JSON header in a
``uint8`` array), so loading never unpickles anything. Merging keeps what another process
saved for streams this one has not seen; this process's own state wins where both hold one.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lifeline.monitoring.batch import SensorKind, StreamInfo
from lifeline.warning.detectors.seasonal import DetectorBank
from lifeline.warning.evaluator import EngineState

RULE_ENGINE = "rule_engine"
DETECTORS = "detectors"


@dataclass(frozen=True)
class DetectorState:
    """The real (non-drill) detector bank's state: the arrays of each stream in ``ids`` order,
    and when each stream's last anomaly was recorded (for the cool-down)."""

    ids: tuple[str, ...]
    rows: Mapping[str, npt.NDArray[Any]]
    last_recorded_s: Mapping[str, float]


def _pack(header: dict[str, Any], arrays: Mapping[str, npt.NDArray[Any]]) -> bytes:
    buf = io.BytesIO()
    meta = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    savez: Any = np.savez  # typed as if every keyword could be ``allow_pickle``
    savez(buf, __header__=meta, **arrays)
    return buf.getvalue()


def _unpack(payload: bytes) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    header: dict[str, Any] = json.loads(arrays.pop("__header__").tobytes().decode("utf-8"))
    return header, arrays


def engine_state_bytes(state: EngineState) -> bytes:
    header = {
        "streams": [{**asdict(s), "kind": s.kind.value} for s in state.streams],
        "keys": list(state.keys),
        "absence_keys": list(state.absence_keys),
    }
    return _pack(
        header,
        {
            "active_ranks": state.active_ranks,
            "run_start": state.run_start,
            "prev_v": state.prev_v,
            "prev_t": state.prev_t,
            "hist": state.hist,
            "absence_last": state.absence_last,
            "absence_raised": state.absence_raised,
        },
    )


def engine_state_of(payload: bytes) -> EngineState:
    header, a = _unpack(payload)
    streams = tuple(StreamInfo(**{**s, "kind": SensorKind(s["kind"])}) for s in header["streams"])
    return EngineState(
        streams=streams,
        keys=tuple(header["keys"]),
        active_ranks=a["active_ranks"],
        run_start=a["run_start"],
        prev_v=a["prev_v"],
        prev_t=a["prev_t"],
        hist=a["hist"],
        absence_keys=tuple(header["absence_keys"]),
        absence_last=a["absence_last"],
        absence_raised=a["absence_raised"],
    )


def detector_state_bytes(state: DetectorState) -> bytes:
    header = {"ids": list(state.ids), "last_recorded_s": dict(state.last_recorded_s)}
    return _pack(header, dict(state.rows))


def detector_state_of(payload: bytes) -> DetectorState:
    header, rows = _unpack(payload)
    missing = set(DetectorBank.STATE_ARRAYS) - set(rows)
    if missing:
        raise ValueError(f"detector snapshot lacks {sorted(missing)}")
    return DetectorState(tuple(header["ids"]), rows, dict(header["last_recorded_s"]))


def merge_detector_states(own: DetectorState, other: DetectorState) -> DetectorState:
    """Both processes' streams: where both hold one, the one that learnt the later sample
    (``last_t``; ``own`` on a tie)."""
    both_t = np.concatenate([own.rows["last_t"], other.rows["last_t"]])
    pick: dict[str, int] = {}
    for i, stream in enumerate(own.ids + other.ids):
        j = pick.get(stream)
        if j is None or both_t[i] > both_t[j]:
            pick[stream] = i
    rows = np.fromiter(pick.values(), np.int64, len(pick))
    merged = {
        name: np.concatenate([own.rows[name], other.rows[name]])[rows]
        for name in DetectorBank.STATE_ARRAYS
    }
    last = {**other.last_recorded_s, **own.last_recorded_s}
    return DetectorState(tuple(pick), merged, last)
