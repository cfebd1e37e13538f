"""HTTP routes for the incident view and the recommendation of units for one incident."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.dispatch import messages as m
from lifeline.dispatch.api._schemas import IncidentViewOut, UnitOut
from lifeline.dispatch.model import UnitType
from lifeline.dispatch.service import RecommendationView
from lifeline.kernel.errors import InvalidInput

router = APIRouter()


class RankedOut(BaseModel):
    unit: UnitOut
    eta_s: float | None  # None when the unit cannot reach the incident
    coverage_loss_s: float
    score_s: float | None
    selected: bool
    unreachable: str | None = None  # why eta_s is None: off the road network, beyond the horizon


class RecommendationOut(BaseModel):
    incident: IncidentViewOut
    requirement: dict[str, int]
    from_run_card: bool
    units: list[RankedOut]
    shortfall: dict[str, int]
    travel_basis: str
    coverage_weight: float

    @classmethod
    def of(cls, r: RecommendationView) -> RecommendationOut:
        def finite(x: float) -> float | None:
            return round(x, 1) if math.isfinite(x) else None

        return cls(
            incident=IncidentViewOut.of(r.incident),
            requirement=r.requirement,
            from_run_card=r.from_run_card,
            units=[
                RankedOut(
                    unit=UnitOut.of(x.unit), eta_s=finite(x.eta_s),
                    coverage_loss_s=round(x.coverage_loss_s, 1), score_s=finite(x.score_s),
                    selected=x.selected, unreachable=x.unreachable,
                )
                for x in r.ranked
            ],
            shortfall=r.shortfall,
            travel_basis=r.travel_basis,
            coverage_weight=r.coverage_weight,
        )  # fmt: skip


def parse_requirement(values: list[str] | None) -> tuple[tuple[UnitType, int], ...] | None:
    """``engine:3`` items (a bare type means one) into (type, count) pairs."""
    if not values:
        return None
    out: list[tuple[UnitType, int]] = []
    for i, item in enumerate(values):
        name, _, count = item.partition(":")
        try:
            unit_type = UnitType(name.strip())
        except ValueError:
            kinds = ", ".join(t.value for t in UnitType)
            raise InvalidInput(f"query.need[{i}]", f"unknown unit type (one of {kinds})") from None
        if count and not count.strip().isdigit():
            raise InvalidInput(f"query.need[{i}]", "count must be a positive integer")
        out.append((unit_type, int(count) if count else 1))
    return tuple(out)


@router.get("/incidents", summary="Open incidents as dispatch sees them, with run cards")
def list_incidents(
    bus: BusDep, actor: CurrentActor, include_closed: bool = False
) -> list[IncidentViewOut]:
    views = bus.handle(m.ListIncidentViews(open_only=not include_closed), actor)
    return [IncidentViewOut.of(v) for v in views]


@router.get(
    "/incidents/{incident_id}/recommendation",
    summary="Units ranked for one incident by ETA, run-card fit and the coverage they leave",
)
def recommendation(
    incident_id: str,
    bus: BusDep,
    actor: CurrentActor,
    need: Annotated[
        list[str] | None,
        Query(description="Override the run card: unit_type[:count], repeatable"),
    ] = None,
    coverage_weight: Annotated[float, Query(ge=0, le=10)] = 0.5,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> RecommendationOut:
    view = bus.handle(
        m.RecommendUnits(
            incident_id=incident_id,
            requirement=parse_requirement(need),
            coverage_weight=coverage_weight,
            limit=limit,
        ),
        actor,
    )
    return RecommendationOut.of(view)
