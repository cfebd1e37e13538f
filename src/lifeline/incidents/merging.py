"""Duplicate detection: is a new report an incident already open? Pure.

Let Δt be the time between the report and the incident's latest report, d the great-circle
distance in metres between them, W the window (default 600 s) and D the distance (default
200 m), and k ≥ 1 the ambiguity factor (default 2). Reports of an exercise never match real
incidents and vice versa.

* **strong** match: Δt ≤ W, the types are compatible (same merge group of the code list) and
  either d ≤ D, or the same caller (phone) reported both and d ≤ k·D;
* **weak** match: not strong, but compatible types with Δt ≤ k·W and d ≤ k·D (just outside
  the window or the distance: worth a person's look).

Exactly one strong match → the report is **merged** into that incident. Two or more strong
matches, or none but some weak ones → a person decides (**ask**); the report opens its own
incident meanwhile so no time is lost. No match → a **new** incident.

:class:`GridIndex` answers the same question in O(matches) over many open incidents by hashing
locations into cells of k·D metres; :func:`decide` takes whatever candidates a search returned.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from lifeline.kernel.geo import EARTH_RADIUS_M, Point

DEFAULT_WINDOW_S = 600.0
DEFAULT_DISTANCE_M = 200.0
DEFAULT_AMBIGUITY_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class MergeRules:
    """The window W (seconds), distance D (metres) and ambiguity factor k."""

    window_s: float = DEFAULT_WINDOW_S
    distance_m: float = DEFAULT_DISTANCE_M
    ambiguity_factor: float = DEFAULT_AMBIGUITY_FACTOR

    def __post_init__(self) -> None:
        if not (self.window_s > 0 and self.distance_m > 0 and self.ambiguity_factor >= 1):
            raise ValueError("window_s and distance_m must be positive, ambiguity_factor ≥ 1")

    @property
    def search_radius_m(self) -> float:
        return self.distance_m * self.ambiguity_factor

    @property
    def search_window_s(self) -> float:
        return self.window_s * self.ambiguity_factor


@dataclass(frozen=True, slots=True)
class Sighting:
    """What duplicate detection compares: a report, or an open incident's latest state."""

    at: datetime
    location: Point
    merge_group: str
    category: str
    exercise: bool
    phones: frozenset[str] = frozenset()
    id: str = ""


class Verdict(StrEnum):
    NEW = "new"
    MERGE = "merge"
    ASK = "ask"


@dataclass(frozen=True, slots=True)
class Match:
    incident_id: str
    distance_m: float
    gap_s: float
    strong: bool
    reason: str


@dataclass(frozen=True, slots=True)
class MergeDecision:
    verdict: Verdict
    main_id: str | None
    matches: tuple[Match, ...]


def bbox_around(center: Point, radius_m: float) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` containing the circle (a prefilter)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(center.lat)), 1e-6)
    dlon = min(180.0, dlat / coslat)
    return (center.lon - dlon, center.lat - dlat, center.lon + dlon, center.lat + dlat)


def match(report: Sighting, incident: Sighting, rules: MergeRules) -> Match | None:
    """How ``report`` matches one open ``incident``, or None."""
    if report.exercise != incident.exercise:
        return None
    gap_s = abs((report.at - incident.at).total_seconds())
    if gap_s > rules.search_window_s:
        return None
    d = report.location.distance_m(incident.location)
    if d > rules.search_radius_m:
        return None
    compatible = report.merge_group == incident.merge_group
    same_caller = bool(report.phones & incident.phones)
    if compatible and gap_s <= rules.window_s:
        if d <= rules.distance_m:
            return Match(incident.id, d, gap_s, True, f"{d:.0f} m and {gap_s:.0f} s apart")
        if same_caller:
            return Match(incident.id, d, gap_s, True, f"same caller, {d:.0f} m apart")
    if compatible:
        return Match(incident.id, d, gap_s, False, f"nearby: {d:.0f} m and {gap_s:.0f} s apart")
    return None


def decide(report: Sighting, candidates: Iterable[Sighting], rules: MergeRules) -> MergeDecision:
    """Merge, ask or open: see the module docstring. Matches come nearest first."""
    found = [m for c in candidates if (m := match(report, c, rules)) is not None]
    found.sort(key=lambda m: (not m.strong, m.distance_m, m.gap_s, m.incident_id))
    strong = [m for m in found if m.strong]
    if len(strong) == 1:
        return MergeDecision(Verdict.MERGE, strong[0].incident_id, tuple(found))
    if strong:
        return MergeDecision(Verdict.ASK, None, tuple(strong))
    if found:
        return MergeDecision(Verdict.ASK, None, tuple(found))
    return MergeDecision(Verdict.NEW, None, ())


def naive_candidates(
    report: Sighting, incidents: Sequence[Sighting], rules: MergeRules
) -> list[Sighting]:
    """Every incident that :func:`match` accepts, by scanning all of them (the baseline)."""
    return [i for i in incidents if match(report, i, rules) is not None]


class GridIndex:
    """Open incidents hashed into square cells of ``k·D`` metres (north-south) so a search
    looks at the 3 × 3 cells around the report only.

    Cell (i, j) = (⌊lat / Δφ⌋, ⌊lon / Δλ⌋) with Δφ the cell size in degrees of latitude and
    Δλ = Δφ / cos(φ_ref); ``φ_ref`` is the highest |latitude| the index serves, so cells are at
    least k·D wide everywhere below it.
    """

    def __init__(self, rules: MergeRules, *, max_abs_lat: float = 60.0) -> None:
        self.rules = rules
        self._dlat = math.degrees(rules.search_radius_m / EARTH_RADIUS_M)
        self._dlon = self._dlat / math.cos(math.radians(max_abs_lat))
        self._cells: dict[tuple[int, int], list[Sighting]] = defaultdict(list)
        self._max_abs_lat = max_abs_lat

    def _cell(self, p: Point) -> tuple[int, int]:
        return (math.floor(p.lat / self._dlat), math.floor(p.lon / self._dlon))

    def add(self, incident: Sighting) -> None:
        if abs(incident.location.lat) > self._max_abs_lat:
            raise ValueError("latitude beyond what the index serves")
        self._cells[self._cell(incident.location)].append(incident)

    def candidates(self, report: Sighting) -> list[Sighting]:
        """Incidents that :func:`match` accepts among the 3 × 3 cells around the report."""
        ci, cj = self._cell(report.location)
        out: list[Sighting] = []
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for incident in self._cells.get((ci + di, cj + dj), ()):
                    if match(report, incident, self.rules) is not None:
                        out.append(incident)
        return out
