"""Rule definitions as data: parse and validate a JSON/YAML mapping into typed rules, and back.

A rule selects datastreams (by sensor kind, optionally narrowed to an organisation subtree, an
area, a thing or named datastreams) and maps a condition to levels of a scale::

    name: Smoke in the warehouse
    hazard: fire
    incident_type: accident.fire.building
    scale: national
    select: {kind: smoke}
    condition:
      type: threshold            # threshold | rate_of_change | absence | composite
      direction: above           # raise at value >= raise_at; clear at value < clear_below
      levels:
        - {level: yellow, raise_at: 5, clear_below: 4}
        - {level: red, raise_at: 10, clear_below: 8}
      persistence: {for_s: 30}   # or {n: 3, m: 5}: 3 of the last 5 samples
    schedule: [{days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}]
    propose_incident_at: red
    flapping: {max_changes: 4, window_s: 600}
    escalation:
      - {type: wait, seconds: 300}
      - {type: notify, role: duty_officer}
      - {type: repeat, times: 2}
      - {type: raise_level}
      - {type: open_incident}

``rate_of_change`` thresholds are in the stream's unit per minute. ``anomaly`` grades the seasonal
detector's ``AnomalyDetected`` on a selected stream by its score (``levels: [{level, score_at}]``,
optional ``reasons`` and ``clear_after_s``) instead of a fixed threshold. ``absence`` raises its one
``level`` when a bound stream has sent nothing for ``after_s``. ``composite`` combines leaf
conditions (``all``/``any``, leaves may be negated with ``not: true``) over the datastreams of one
thing, one area, or sensors within ``within_m`` metres of each other.

Pure: no I/O. Every refusal is an ``InvalidInput`` naming the dotted field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.monitoring.batch import SensorKind
from lifeline.warning.model import LevelScale


class ConditionType(StrEnum):
    THRESHOLD = "threshold"
    RATE_OF_CHANGE = "rate_of_change"
    ABSENCE = "absence"
    COMPOSITE = "composite"
    ANOMALY = "anomaly"


class Direction(StrEnum):
    ABOVE = "above"  # raise at value >= raise_at, clear at value < clear_below
    BELOW = "below"  # raise at value <= raise_at, clear at value > clear_above


class CompositeOp(StrEnum):
    ALL = "all"
    ANY = "any"


class CompositeScope(StrEnum):
    THING = "thing"
    AREA = "area"
    RADIUS = "radius"


class StepType(StrEnum):
    WAIT = "wait"
    NOTIFY = "notify"
    REPEAT = "repeat"
    RAISE_LEVEL = "raise_level"
    OPEN_INCIDENT = "open_incident"


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_LEVELS = 8
MAX_WINDOW = 16


@dataclass(frozen=True, slots=True)
class Selector:
    """Which datastreams a rule watches; every field left empty matches anything. The rule's
    own organisation subtree always bounds the selection."""

    kind: SensorKind | None = None
    organisation_id: str | None = None
    area_id: str | None = None
    thing_id: str | None = None
    datastream_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LevelBand:
    """Raise ``level`` (scale rank ``rank``) at ``raise_at``; clear it past ``clear_at``."""

    level: str
    rank: int
    raise_at: float
    clear_at: float


@dataclass(frozen=True, slots=True)
class Persistence:
    """Raise only when the raw condition held ``for_s`` seconds, or in ``n`` of the last ``m``
    samples (``n = m = 1``, ``for_s = 0``: at once)."""

    for_s: float = 0.0
    n: int = 1
    m: int = 1


@dataclass(frozen=True, slots=True)
class ScalarCondition:
    """Threshold on the value, or on its rate of change per minute, with one band per level
    in ascending order of rank."""

    type: ConditionType
    direction: Direction
    levels: tuple[LevelBand, ...]
    persistence: Persistence = Persistence()


@dataclass(frozen=True, slots=True)
class AbsenceCondition:
    after_s: float
    level: str
    rank: int


@dataclass(frozen=True, slots=True)
class Leaf:
    """One operand of a composite: a single-band condition on streams of ``kind``."""

    kind: SensorKind
    condition: ScalarCondition
    negate: bool = False


@dataclass(frozen=True, slots=True)
class CompositeCondition:
    op: CompositeOp
    scope: CompositeScope
    leaves: tuple[Leaf, ...]
    level: str
    rank: int
    within_m: float = 0.0


class AnomalyReason(StrEnum):
    """What the seasonal detector saw (``AnomalyDetected.reason``)."""

    SPIKE = "spike"
    SHIFT_UP = "shift_up"
    SHIFT_DOWN = "shift_down"


@dataclass(frozen=True, slots=True)
class ScoreBand:
    """Raise ``level`` when an anomaly's score reaches ``score_at``."""

    level: str
    rank: int
    score_at: float


@dataclass(frozen=True, slots=True)
class AnomalyCondition:
    """An ``AnomalyDetected`` of one of ``reasons`` on a selected stream raises the highest
    band its score ``max(|z|, cusum)`` (units of the stream's robust scale) reaches; the alarm
    clears once no such anomaly has been detected for ``clear_after_s``."""

    levels: tuple[ScoreBand, ...]
    reasons: frozenset[AnomalyReason] = frozenset(AnomalyReason)
    clear_after_s: float = 900.0

    def rank_for(self, reason: str, score: float) -> int:
        """The rank an anomaly of ``reason`` with ``score`` raises (0: none)."""
        if reason not in self.reasons:
            return 0
        return max((b.rank for b in self.levels if score >= b.score_at), default=0)


Condition = ScalarCondition | AbsenceCondition | CompositeCondition | AnomalyCondition


@dataclass(frozen=True, slots=True)
class Window:
    """Active on ``days`` (0 = Monday) from ``start_min`` to ``end_min`` local minutes; a
    window whose end is before its start runs over midnight."""

    days: frozenset[int]
    start_min: int
    end_min: int


@dataclass(frozen=True, slots=True)
class Schedule:
    windows: tuple[Window, ...]
    utc_offset_min: int = 480  # China Standard Time

    def minute_mask(self) -> tuple[bool, ...]:
        """Active flag for each minute of the local week (index = day * 1440 + minute)."""
        mask = [False] * (7 * 1440)
        for w in self.windows:
            for day in w.days:
                if w.start_min < w.end_min:
                    spans = [(day, w.start_min, w.end_min)]
                else:  # over midnight
                    spans = [(day, w.start_min, 1440), ((day + 1) % 7, 0, w.end_min)]
                for d, a, b in spans:
                    for minute in range(a, b):
                        mask[d * 1440 + minute] = True
        return tuple(mask)


@dataclass(frozen=True, slots=True)
class Step:
    """One escalation step. ``wait``: ``seconds``; ``notify``: ``role`` and/or
    ``organisation_id``; ``repeat``: go back to the first step ``times`` times; ``raise_level``:
    to ``level`` or the next level up; ``open_incident``: propose an incident."""

    type: StepType
    seconds: float = 0.0
    role: str | None = None
    organisation_id: str | None = None
    times: int = 0
    level: str | None = None


@dataclass(frozen=True, slots=True)
class Flapping:
    """An alarm that raised and cleared ``max_changes`` times within ``window_s`` is flapping:
    its clear waits until the condition has stayed clear for ``window_s``."""

    max_changes: int = 4
    window_s: float = 600.0


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    name: str
    hazard: str
    incident_type: str
    scale: str
    select: Selector
    condition: Condition
    schedule: Schedule | None = None
    propose_incident_at: str | None = None
    propose_rank: int | None = None
    flapping: Flapping = Flapping()
    escalation: tuple[Step, ...] = ()

    @property
    def ranks(self) -> tuple[int, ...]:
        """The scale ranks this rule can raise, ascending."""
        c = self.condition
        if isinstance(c, ScalarCondition | AnomalyCondition):
            return tuple(b.rank for b in c.levels)
        return (c.rank,)


# --- parsing -----------------------------------------------------------------------------------
class _Reader:
    """Collects every field problem of one definition before refusing it."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def fail(self, field: str, reason: str) -> None:
        self.problems.append(FieldProblem(field, reason))

    def mapping(self, data: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            self.fail(field, "must be an object")
            return {}
        return data

    def known(self, data: Mapping[str, Any], field: str, allowed: Sequence[str]) -> None:
        for key in data:
            if key not in allowed:
                prefix = f"{field}." if field else ""
                self.fail(f"{prefix}{key}", f"unknown field (allowed: {', '.join(allowed)})")

    def text(self, data: Mapping[str, Any], key: str, field: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(field, "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be a non-blank string")
            return ""
        if len(value) > 200:
            self.fail(field, "must be at most 200 characters")
        return value.strip()

    def number(
        self,
        data: Mapping[str, Any],
        key: str,
        field: str,
        *,
        default: float | None = None,
        minimum: float | None = None,
    ) -> float:
        value = data.get(key, default)
        if value is None:
            self.fail(field, "is required")
            return math.nan
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, "must be a number")
            return math.nan
        number = float(value)
        if not math.isfinite(number):
            self.fail(field, "must be finite")
        elif minimum is not None and number < minimum:
            self.fail(field, f"must be at least {minimum:g}")
        return number

    def integer(
        self, data: Mapping[str, Any], key: str, field: str, default: int, lo: int, hi: int
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, "must be an integer")
            return default
        if not lo <= value <= hi:
            self.fail(field, f"must be between {lo} and {hi}")
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        field: str,
        enum: type[StrEnum],
        default: str | None = None,
    ) -> Any:
        value = data.get(key, default)
        try:
            return enum(value)
        except ValueError:
            options = ", ".join(e.value for e in enum)
            self.fail(field, f"{value!r} is not one of {options}")
            return next(iter(enum))

    def level(self, scale: LevelScale | None, code: Any, field: str) -> tuple[str, int]:
        if not isinstance(code, str):
            self.fail(field, "must name a level of the rule's scale")
            return "", 0
        if scale is None:
            return code, 0
        try:
            lvl = scale.level(code, field)
        except InvalidInput as exc:
            self.problems.extend(exc.problems)
            return code, 0
        return lvl.code, lvl.rank


def parse_rule(data: Any, scales: Mapping[str, LevelScale]) -> RuleDefinition:
    """Validate ``data`` (a mapping as read from JSON or YAML) into a :class:`RuleDefinition`.

    Raises ``InvalidInput`` listing every problem with its dotted field path."""
    r = _Reader()
    d = r.mapping(data, "definition")
    r.known(
        d,
        "",
        (
            "name",
            "hazard",
            "incident_type",
            "scale",
            "select",
            "condition",
            "schedule",
            "propose_incident_at",
            "flapping",
            "escalation",
        ),
    )
    name = r.text(d, "name", "name")
    hazard = r.text(d, "hazard", "hazard")
    incident_type = r.text(d, "incident_type", "incident_type", required=False) or hazard
    scale_code = r.text(d, "scale", "scale", required=False) or "national"
    scale = scales.get(scale_code)
    if scale is None:
        r.fail("scale", f"unknown scale {scale_code!r} (known: {', '.join(sorted(scales))})")
    select = _selector(r, d.get("select", {}))
    condition = _condition(r, d.get("condition"), scale, "condition", allow_composite=True)
    scalar = isinstance(condition, ScalarCondition | AbsenceCondition | AnomalyCondition)
    if scalar and select.kind is None and not select.datastream_ids:
        r.fail("select.kind", "is required unless datastream_ids are named")
    schedule = _schedule(r, d["schedule"]) if d.get("schedule") is not None else None
    propose_code: str | None = None
    propose_rank: int | None = None
    if d.get("propose_incident_at") is not None:
        propose_code, propose_rank = r.level(scale, d["propose_incident_at"], "propose_incident_at")
    flapping = _flapping(r, d.get("flapping", {}))
    escalation = _escalation(r, d.get("escalation", []), scale)
    if r.problems:
        raise InvalidInput(r.problems)
    return RuleDefinition(
        name=name,
        hazard=hazard,
        incident_type=incident_type,
        scale=scale_code,
        select=select,
        condition=condition,
        schedule=schedule,
        propose_incident_at=propose_code,
        propose_rank=propose_rank,
        flapping=flapping,
        escalation=escalation,
    )


def _selector(r: _Reader, data: Any) -> Selector:
    d = r.mapping(data, "select")
    r.known(d, "select", ("kind", "organisation_id", "area_id", "thing_id", "datastream_ids"))
    kind = r.choice(d, "kind", "select.kind", SensorKind) if d.get("kind") is not None else None
    ids = d.get("datastream_ids", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
        r.fail("select.datastream_ids", "must be a list of datastream ids")
        ids = []
    return Selector(
        kind=kind,
        organisation_id=r.text(d, "organisation_id", "select.organisation_id", required=False)
        or None,
        area_id=r.text(d, "area_id", "select.area_id", required=False) or None,
        thing_id=r.text(d, "thing_id", "select.thing_id", required=False) or None,
        datastream_ids=tuple(ids),
    )


def _condition(
    r: _Reader, data: Any, scale: LevelScale | None, field: str, *, allow_composite: bool
) -> Condition:
    d = r.mapping(data, field)
    ctype = r.choice(d, "type", f"{field}.type", ConditionType)
    if ctype is ConditionType.ABSENCE:
        r.known(d, field, ("type", "after_s", "level"))
        after_s = r.number(d, "after_s", f"{field}.after_s", minimum=1.0)
        code, rank = r.level(scale, d.get("level"), f"{field}.level")
        return AbsenceCondition(after_s=after_s, level=code, rank=rank)
    if ctype is ConditionType.ANOMALY:
        if not allow_composite:
            r.fail(f"{field}.type", "an anomaly cannot be a leaf of a composite")
        return _anomaly(r, d, scale, field)
    if ctype is ConditionType.COMPOSITE:
        if not allow_composite:
            r.fail(f"{field}.type", "a composite cannot be nested in a composite")
        return _composite(r, d, scale, field)
    return _scalar(r, d, scale, field, ctype)


def _scalar(
    r: _Reader, d: Mapping[str, Any], scale: LevelScale | None, field: str, ctype: ConditionType
) -> ScalarCondition:
    r.known(d, field, ("type", "direction", "levels", "persistence"))
    direction = r.choice(d, "direction", f"{field}.direction", Direction, "above")
    raw_levels = d.get("levels")
    bands: list[LevelBand] = []
    if not isinstance(raw_levels, list) or not raw_levels:
        r.fail(f"{field}.levels", "must be a non-empty list")
        raw_levels = []
    if len(raw_levels) > MAX_LEVELS:
        r.fail(f"{field}.levels", f"at most {MAX_LEVELS} levels")
    clear_key = "clear_below" if direction is Direction.ABOVE else "clear_above"
    for i, item in enumerate(raw_levels):
        f = f"{field}.levels[{i}]"
        band = r.mapping(item, f)
        r.known(band, f, ("level", "raise_at", clear_key))
        code, rank = r.level(scale, band.get("level"), f"{f}.level")
        raise_at = r.number(band, "raise_at", f"{f}.raise_at")
        clear_at = r.number(band, clear_key, f"{f}.{clear_key}", default=raise_at)
        if direction is Direction.ABOVE and clear_at > raise_at:
            r.fail(f"{f}.clear_below", "must not exceed raise_at (hysteresis)")
        if direction is Direction.BELOW and clear_at < raise_at:
            r.fail(f"{f}.clear_above", "must not be below raise_at (hysteresis)")
        bands.append(LevelBand(code, rank, raise_at, clear_at))
    for i in range(1, len(bands)):
        prev, cur = bands[i - 1], bands[i]
        if cur.rank <= prev.rank:
            r.fail(f"{field}.levels[{i}].level", "levels must ascend in rank")
        stricter = (
            cur.raise_at > prev.raise_at
            if direction is Direction.ABOVE
            else cur.raise_at < prev.raise_at
        )
        if not stricter:
            r.fail(f"{field}.levels[{i}].raise_at", "must be stricter than the level before")
    persistence = _persistence(r, d.get("persistence", {}), f"{field}.persistence")
    return ScalarCondition(ctype, direction, tuple(bands), persistence)


def _anomaly(
    r: _Reader, d: Mapping[str, Any], scale: LevelScale | None, field: str
) -> AnomalyCondition:
    r.known(d, field, ("type", "levels", "reasons", "clear_after_s"))
    raw_levels = d.get("levels")
    if not isinstance(raw_levels, list) or not raw_levels:
        r.fail(f"{field}.levels", "must be a non-empty list")
        raw_levels = []
    if len(raw_levels) > MAX_LEVELS:
        r.fail(f"{field}.levels", f"at most {MAX_LEVELS} levels")
    bands: list[ScoreBand] = []
    for i, item in enumerate(raw_levels):
        f = f"{field}.levels[{i}]"
        band = r.mapping(item, f)
        r.known(band, f, ("level", "score_at"))
        code, rank = r.level(scale, band.get("level"), f"{f}.level")
        bands.append(ScoreBand(code, rank, r.number(band, "score_at", f"{f}.score_at", minimum=0)))
    for i in range(1, len(bands)):
        if bands[i].rank <= bands[i - 1].rank:
            r.fail(f"{field}.levels[{i}].level", "levels must ascend in rank")
        if not bands[i].score_at > bands[i - 1].score_at:
            r.fail(f"{field}.levels[{i}].score_at", "must be higher than the level before")
    raw_reasons = d.get("reasons", [e.value for e in AnomalyReason])
    reasons: set[AnomalyReason] = set()
    if not isinstance(raw_reasons, list) or not raw_reasons:
        r.fail(f"{field}.reasons", "must be a non-empty list of spike, shift_up, shift_down")
        raw_reasons = []
    for reason in raw_reasons:
        try:
            reasons.add(AnomalyReason(reason))
        except ValueError:
            r.fail(f"{field}.reasons", f"{reason!r} is not one of spike, shift_up, shift_down")
    clear_after_s = r.number(d, "clear_after_s", f"{field}.clear_after_s", default=900.0, minimum=1)
    return AnomalyCondition(tuple(bands), frozenset(reasons), clear_after_s)


def _persistence(r: _Reader, data: Any, field: str) -> Persistence:
    d = r.mapping(data, field)
    r.known(d, field, ("for_s", "n", "m"))
    for_s = r.number(d, "for_s", f"{field}.for_s", default=0.0, minimum=0.0)
    m = r.integer(
        d, "m", f"{field}.m", d.get("n", 1) if isinstance(d.get("n", 1), int) else 1, 1, MAX_WINDOW
    )
    n = r.integer(d, "n", f"{field}.n", 1, 1, MAX_WINDOW)
    if n > m:
        r.fail(f"{field}.n", "must not exceed m")
    if for_s > 0 and m > 1:
        r.fail(field, "give either for_s or n of m, not both")
    return Persistence(for_s=for_s, n=n, m=m)


def _composite(
    r: _Reader, d: Mapping[str, Any], scale: LevelScale | None, field: str
) -> CompositeCondition:
    r.known(d, field, ("type", "op", "scope", "within_m", "level", "of"))
    op = r.choice(d, "op", f"{field}.op", CompositeOp, "all")
    scope = r.choice(d, "scope", f"{field}.scope", CompositeScope, "thing")
    within_m = 0.0
    if scope is CompositeScope.RADIUS:
        within_m = r.number(d, "within_m", f"{field}.within_m", minimum=0.1)
    code, rank = r.level(scale, d.get("level"), f"{field}.level")
    raw = d.get("of")
    if not isinstance(raw, list) or len(raw) < 2 or len(raw) > 8:
        r.fail(f"{field}.of", "must list 2 to 8 leaf conditions")
        raw = []
    leaves: list[Leaf] = []
    for i, item in enumerate(raw):
        f = f"{field}.of[{i}]"
        leaf = dict(r.mapping(item, f))
        kind = r.choice(leaf, "kind", f"{f}.kind", SensorKind)
        negate = leaf.pop("not", False)
        if not isinstance(negate, bool):
            r.fail(f"{f}.not", "must be true or false")
        leaf.pop("kind", None)
        if "level" in leaf:
            r.fail(f"{f}.level", "a leaf has no level; the composite's level applies")
        ltype = r.choice(leaf, "type", f"{f}.type", ConditionType)
        if ltype not in (ConditionType.THRESHOLD, ConditionType.RATE_OF_CHANGE):
            r.fail(f"{f}.type", "a leaf is a threshold or a rate_of_change")
            continue
        direction = leaf.get("direction", "above")
        clear_key = "clear_below" if direction == "above" else "clear_above"
        band = {"level": code, "raise_at": leaf.get("raise_at")}
        if clear_key in leaf:
            band[clear_key] = leaf[clear_key]
        scalar_data: dict[str, Any] = {
            "type": ltype.value,
            "direction": direction,
            "levels": [band],
        }
        if "persistence" in leaf:
            scalar_data["persistence"] = leaf["persistence"]
        extra = set(leaf) - {"type", "direction", "raise_at", clear_key, "persistence"}
        for key in sorted(extra):
            r.fail(f"{f}.{key}", "unknown field")
        sc = _scalar(r, scalar_data, scale, f, ltype)
        if scope is CompositeScope.RADIUS and i == 0 and negate:
            r.fail(f"{f}.not", "the first leaf anchors the radius and cannot be negated")
        leaves.append(Leaf(kind=kind, condition=sc, negate=bool(negate)))
    if leaves and all(leaf.negate for leaf in leaves):
        r.fail(f"{field}.of", "at least one leaf must not be negated")
    return CompositeCondition(op, scope, tuple(leaves), code, rank, within_m)


def _schedule(r: _Reader, data: Any) -> Schedule:
    if isinstance(data, Mapping):
        offset = r.integer(data, "utc_offset_min", "schedule.utc_offset_min", 480, -720, 840)
        windows_data = data.get("windows")
    else:
        offset, windows_data = 480, data
    if not isinstance(windows_data, list) or not windows_data:
        r.fail("schedule", "must be a non-empty list of windows")
        return Schedule(())
    windows: list[Window] = []
    for i, item in enumerate(windows_data):
        f = f"schedule[{i}]"
        w = r.mapping(item, f)
        r.known(w, f, ("days", "start", "end"))
        days_raw = w.get("days", list(DAYS))
        days: set[int] = set()
        if not isinstance(days_raw, list) or not days_raw:
            r.fail(f"{f}.days", "must be a non-empty list of mon … sun")
            days_raw = []
        for day in days_raw:
            if day not in DAYS:
                r.fail(f"{f}.days", f"{day!r} is not one of {', '.join(DAYS)}")
            else:
                days.add(DAYS.index(day))
        start = _minutes(r, w.get("start", "00:00"), f"{f}.start")
        end = _minutes(r, w.get("end", "24:00"), f"{f}.end")
        if start == end:
            r.fail(f"{f}.end", "must differ from start")
        windows.append(Window(frozenset(days), start, end))
    return Schedule(tuple(windows), offset)


def _minutes(r: _Reader, text: Any, field: str) -> int:
    try:
        hh, mm = str(text).split(":")
        minutes = int(hh) * 60 + int(mm)
        if not (0 <= int(mm) < 60 and 0 <= minutes <= 1440):
            raise ValueError
        return minutes
    except ValueError:
        r.fail(field, "must be a time HH:MM between 00:00 and 24:00")
        return 0


def _flapping(r: _Reader, data: Any) -> Flapping:
    d = r.mapping(data, "flapping")
    r.known(d, "flapping", ("max_changes", "window_s"))
    return Flapping(
        max_changes=r.integer(d, "max_changes", "flapping.max_changes", 4, 2, 1000),
        window_s=r.number(d, "window_s", "flapping.window_s", default=600.0, minimum=1.0),
    )


def _escalation(r: _Reader, data: Any, scale: LevelScale | None) -> tuple[Step, ...]:
    if not isinstance(data, list):
        r.fail("escalation", "must be a list of steps")
        return ()
    if len(data) > 32:
        r.fail("escalation", "at most 32 steps")
    steps: list[Step] = []
    for i, item in enumerate(data):
        f = f"escalation[{i}]"
        d = r.mapping(item, f)
        stype = r.choice(d, "type", f"{f}.type", StepType)
        if stype is StepType.WAIT:
            r.known(d, f, ("type", "seconds"))
            steps.append(Step(stype, seconds=r.number(d, "seconds", f"{f}.seconds", minimum=0)))
        elif stype is StepType.NOTIFY:
            r.known(d, f, ("type", "role", "organisation_id"))
            role = r.text(d, "role", f"{f}.role", required=False) or None
            org = r.text(d, "organisation_id", f"{f}.organisation_id", required=False) or None
            if role is None and org is None:
                r.fail(f, "a notify step names a role, an organisation_id or both")
            steps.append(Step(stype, role=role, organisation_id=org))
        elif stype is StepType.REPEAT:
            r.known(d, f, ("type", "times"))
            steps.append(Step(stype, times=r.integer(d, "times", f"{f}.times", 1, 1, 100)))
        elif stype is StepType.RAISE_LEVEL:
            r.known(d, f, ("type", "level"))
            level = r.level(scale, d["level"], f"{f}.level")[0] if "level" in d else None
            steps.append(Step(stype, level=level))
        else:
            r.known(d, f, ("type",))
            steps.append(Step(stype))
    return tuple(steps)


# --- back to data ------------------------------------------------------------------------------
def rule_to_data(rule: RuleDefinition) -> dict[str, Any]:
    """The canonical mapping of ``rule``: ``parse_rule(rule_to_data(r)) == r``."""
    out: dict[str, Any] = {
        "name": rule.name,
        "hazard": rule.hazard,
        "incident_type": rule.incident_type,
        "scale": rule.scale,
        "select": _selector_data(rule.select),
        "condition": _condition_data(rule.condition),
        "flapping": {"max_changes": rule.flapping.max_changes, "window_s": rule.flapping.window_s},
        "escalation": [_step_data(s) for s in rule.escalation],
    }
    if rule.schedule is not None:
        out["schedule"] = {
            "utc_offset_min": rule.schedule.utc_offset_min,
            "windows": [
                {
                    "days": [DAYS[d] for d in sorted(w.days)],
                    "start": f"{w.start_min // 60:02d}:{w.start_min % 60:02d}",
                    "end": f"{w.end_min // 60:02d}:{w.end_min % 60:02d}",
                }
                for w in rule.schedule.windows
            ],
        }
    if rule.propose_incident_at is not None:
        out["propose_incident_at"] = rule.propose_incident_at
    return out


def _selector_data(s: Selector) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.kind is not None:
        out["kind"] = s.kind.value
    for key in ("organisation_id", "area_id", "thing_id"):
        if getattr(s, key) is not None:
            out[key] = getattr(s, key)
    if s.datastream_ids:
        out["datastream_ids"] = list(s.datastream_ids)
    return out


def _scalar_data(c: ScalarCondition) -> dict[str, Any]:
    clear_key = "clear_below" if c.direction is Direction.ABOVE else "clear_above"
    out: dict[str, Any] = {
        "type": c.type.value,
        "direction": c.direction.value,
        "levels": [
            {"level": b.level, "raise_at": b.raise_at, clear_key: b.clear_at} for b in c.levels
        ],
    }
    p = c.persistence
    if p != Persistence():
        out["persistence"] = {"for_s": p.for_s} if p.for_s > 0 else {"n": p.n, "m": p.m}
    return out


def _condition_data(c: Condition) -> dict[str, Any]:
    if isinstance(c, AnomalyCondition):
        return {
            "type": "anomaly",
            "levels": [{"level": b.level, "score_at": b.score_at} for b in c.levels],
            "reasons": sorted(reason.value for reason in c.reasons),
            "clear_after_s": c.clear_after_s,
        }
    if isinstance(c, AbsenceCondition):
        return {"type": "absence", "after_s": c.after_s, "level": c.level}
    if isinstance(c, CompositeCondition):
        leaves = []
        for leaf in c.leaves:
            scalar = _scalar_data(leaf.condition)
            band = scalar.pop("levels")[0]
            band.pop("level")
            item = {"kind": leaf.kind.value, **scalar, **band}
            if leaf.negate:
                item["not"] = True
            leaves.append(item)
        out: dict[str, Any] = {
            "type": "composite",
            "op": c.op.value,
            "scope": c.scope.value,
            "level": c.level,
            "of": leaves,
        }
        if c.scope is CompositeScope.RADIUS:
            out["within_m"] = c.within_m
        return out
    return _scalar_data(c)


def _step_data(s: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"type": s.type.value}
    if s.type is StepType.WAIT:
        out["seconds"] = s.seconds
    elif s.type is StepType.NOTIFY:
        if s.role is not None:
            out["role"] = s.role
        if s.organisation_id is not None:
            out["organisation_id"] = s.organisation_id
    elif s.type is StepType.REPEAT:
        out["times"] = s.times
    elif s.type is StepType.RAISE_LEVEL and s.level is not None:
        out["level"] = s.level
    return out
