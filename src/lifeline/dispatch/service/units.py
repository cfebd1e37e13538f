"""Units: registration at a home station, the status machine, dispatch orders, AVL positions."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from lifeline.dispatch.events import UnitArrived, UnitDispatched, UnitRegistered, UnitStatusChanged
from lifeline.dispatch.messages import (
    AvlFix,
    ChangeUnitStatus,
    DispatchUnit,
    GetUnit,
    ListAvlQuarantine,
    ListUnits,
    RegisterUnit,
    ReportPositions,
    UnitTrack,
)
from lifeline.dispatch.model import (
    DISPATCHABLE,
    TRAVEL,
    PositionFix,
    RejectedFix,
    Unit,
    UnitStatus,
    check_transition,
)
from lifeline.dispatch.service._common import (
    authorize_collection,
    load_incident,
    load_unit,
    repo_of,
)
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.geo import Point
from lifeline.kernel.ids import new_id
from lifeline.registry.model import REGISTRY, Facility, FacilityKind
from lifeline.security.model import Permission

CALL_SIGN_RE = re.compile(r"^[\w\-. ]{1,64}$")
STATION_KINDS = frozenset(
    {
        FacilityKind.FIRE_STATION,
        FacilityKind.POLICE_STATION,
        FacilityKind.HOSPITAL,
        FacilityKind.DEPOT,
    }
)
MAX_FIXES = 10_000
MAX_FIX_AGE_S = 7 * 86_400
MAX_FIX_FUTURE_S = 300


def load_station(ctx: HandlerContext, station_id: str, field: str = "station_id") -> Facility:
    """The home station: a registry facility the caller may see, of a kind that bases units."""
    station = ctx.uow.repo(REGISTRY).get_facility(station_id)
    if station is None:
        raise InvalidInput(field, f"facility {station_id!r} does not exist")
    ctx.authorize(target_kind="facility", target_id=station.id, target_path=station.path)
    if station.kind not in STATION_KINDS:
        kinds = ", ".join(sorted(STATION_KINDS))
        raise InvalidInput(field, f"a {station.kind.value} cannot base units (one of: {kinds})")
    return station


def register_unit(cmd: RegisterUnit, ctx: HandlerContext) -> Unit:
    call_sign = cmd.call_sign.strip()
    if not CALL_SIGN_RE.match(call_sign):
        raise InvalidInput("call_sign", "1-64 letters, digits, spaces, '-', '_' or '.'")
    capabilities = tuple(sorted({c.strip() for c in cmd.capabilities if c.strip()}))
    if any(len(c) > 64 for c in capabilities) or len(capabilities) > 32:
        raise InvalidInput("capabilities", "at most 32 capabilities of at most 64 characters")
    station = load_station(ctx, cmd.station_id)
    repo = repo_of(ctx)
    if repo.unit_by_call_sign(call_sign) is not None:
        raise Conflict(f"a unit with call sign {call_sign!r} already exists")
    now = ctx.uow.clock.now()
    unit = Unit(
        id=new_id(),
        call_sign=call_sign,
        unit_type=cmd.unit_type,
        capabilities=capabilities,
        organisation_id=station.organisation_id,
        path=station.path,
        station_id=station.id,
        station_name=station.name,
        station_location=station.location,
        position=station.location,
        position_at=None,
        status=UnitStatus.AVAILABLE,
        incident_id=None,
        created_at=now,
        updated_at=now,
    )
    repo.add_unit(unit)
    ctx.uow.record(
        UnitRegistered(
            aggregate_id=unit.id,
            organisation_id=unit.organisation_id,
            call_sign=unit.call_sign,
            unit_type=unit.unit_type.value,
            capabilities=unit.capabilities,
            station_id=station.id,
            lon=station.location.lon,
            lat=station.location.lat,
        )
    )
    return unit


def get_unit(query: GetUnit, ctx: HandlerContext) -> Unit:
    return load_unit(ctx, query.unit_id)


def list_units(query: ListUnits, ctx: HandlerContext) -> tuple[list[Unit], int]:
    authorize_collection(ctx, "unit")
    return repo_of(ctx).list_units(
        ctx.scope_paths,
        unit_type=query.unit_type.value if query.unit_type else None,
        status=query.status.value if query.status else None,
        limit=query.limit,
        offset=query.offset,
    )


def _move(
    ctx: HandlerContext, unit: Unit, status: UnitStatus, incident_id: str | None, note: str = ""
) -> Unit:
    """Apply one checked transition as a conditional update; lost races are conflicts."""
    check_transition(unit.id, unit.status, status)
    now = ctx.uow.clock.now()
    expected = DISPATCHABLE if status is UnitStatus.DISPATCHED else frozenset({unit.status})
    if not repo_of(ctx).change_status(
        unit, expected=expected, status=status, incident_id=incident_id, at=now
    ):
        raise Conflict(f"unit {unit.call_sign!r} changed status meanwhile; it was not moved")
    moved = unit.moved(status, incident_id, now)
    ctx.uow.record(
        UnitStatusChanged(
            aggregate_id=unit.id,
            organisation_id=unit.organisation_id,
            status=status.value,
            previous_status=unit.status.value,
            incident_id=incident_id or unit.incident_id,
            note=note,
        )
    )
    if status is UnitStatus.ON_SCENE and unit.incident_id is not None:
        response = (
            (now - unit.dispatched_at).total_seconds() if unit.dispatched_at is not None else None
        )
        ctx.uow.record(
            UnitArrived(
                aggregate_id=unit.id,
                organisation_id=unit.organisation_id,
                incident_id=unit.incident_id,
                response_s=response,
            )
        )
    return moved


def change_unit_status(cmd: ChangeUnitStatus, ctx: HandlerContext) -> Unit:
    unit = load_unit(ctx, cmd.unit_id)
    if cmd.status is UnitStatus.DISPATCHED:
        raise InvalidInput("status", "dispatching needs an incident: use the dispatch order")
    if len(cmd.note) > 1000:
        raise InvalidInput("note", "must be at most 1000 characters")
    keeps_incident = cmd.status in (UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE)
    incident_id = unit.incident_id if keeps_incident else None
    if cmd.status is UnitStatus.RETURNING:
        incident_id = None
    return _move(ctx, unit, cmd.status, incident_id, cmd.note)


def dispatch_to(
    ctx: HandlerContext,
    unit: Unit,
    incident_id: str,
    *,
    eta_s: float | None,
    plan_id: str | None = None,
    basis: str = "",
) -> Unit:
    """Send one unit (the order event goes out with the status change, in one transaction)."""
    if unit.status not in DISPATCHABLE:
        raise Conflict(
            f"unit {unit.call_sign!r} is {unit.status.value}, not available for dispatch"
        )
    moved = _move(ctx, unit, UnitStatus.DISPATCHED, incident_id)
    ctx.uow.record(
        UnitDispatched(
            aggregate_id=unit.id,
            organisation_id=unit.organisation_id,
            incident_id=incident_id,
            unit_type=unit.unit_type.value,
            call_sign=unit.call_sign,
            eta_s=None if eta_s is None or not math.isfinite(eta_s) else round(eta_s, 1),
            plan_id=plan_id,
            travel_basis=basis,
        )
    )
    return moved


def dispatch_unit(cmd: DispatchUnit, ctx: HandlerContext) -> Unit:
    unit = load_unit(ctx, cmd.unit_id)
    incident = load_incident(ctx, cmd.incident_id, field="incident_id")
    if not incident.open:
        raise Conflict(f"incident {incident.id!r} is {incident.status}")
    travel = ctx.uow.repo(TRAVEL)
    eta = float(travel.to_one_s([(unit.position.lon, unit.position.lat)],
                                (incident.location.lon, incident.location.lat))[0])  # fmt: skip
    return dispatch_to(ctx, unit, incident.id, eta_s=eta, basis=travel.description)


# --- AVL ------------------------------------------------------------------------------------


def _number(value: object, field: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, "must be a number")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise InvalidInput(field, f"must be within [{low:g}, {high:g}]")
    return number


def _time(value: object, now: datetime) -> datetime:
    if value is None:
        return now
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput("at", "must be an ISO 8601 date-time") from None
    if not isinstance(value, datetime):
        raise InvalidInput("at", "must be an ISO 8601 date-time")
    if value.tzinfo is None:
        raise InvalidInput("at", "must carry a time zone")
    at = value.astimezone(UTC)
    if (at - now).total_seconds() > MAX_FIX_FUTURE_S:
        raise InvalidInput("at", "is in the future")
    if (now - at).total_seconds() > MAX_FIX_AGE_S:
        raise InvalidInput("at", "is more than 7 days old")
    return at


def _fix(
    ctx: HandlerContext, raw: AvlFix, now: datetime, units: dict[str, Unit | None]
) -> PositionFix:
    """Validate one fix; raise ``InvalidInput`` naming the field and the reason."""
    if raw.problem:
        raise InvalidInput("payload", raw.problem)
    if not isinstance(raw.unit, str) or not raw.unit.strip():
        raise InvalidInput("unit", "must name a unit (id or call sign)")
    ref = raw.unit.strip()
    if ref not in units:
        repo = repo_of(ctx)
        units[ref] = repo.get_unit(ref) or repo.unit_by_call_sign(ref)
    unit = units[ref]
    if unit is None or not ctx.allowed(Permission.UNIT_WRITE, unit.path):
        raise InvalidInput("unit", f"unit {ref!r} does not exist")
    position = Point(raw.lon, raw.lat)  # type: ignore[arg-type]
    return PositionFix(
        unit_id=unit.id,
        position=position,
        at=_time(raw.at, now),
        speed_kmh=_number(raw.speed_kmh, "speed_kmh", 0.0, 400.0),
        heading_deg=_number(raw.heading_deg, "heading_deg", 0.0, 360.0),
    )


@dataclass(frozen=True, slots=True)
class PositionReport:
    """How many fixes were stored, and each refused one with its index in the batch."""

    accepted: int
    rejected: tuple[tuple[int, RejectedFix], ...]


def report_positions(cmd: ReportPositions, ctx: HandlerContext) -> PositionReport:
    """Store the good fixes (and move each unit to its newest), quarantine the bad ones with the
    reason (``field: reason``)."""
    if len(cmd.fixes) > MAX_FIXES:
        raise InvalidInput("fixes", f"at most {MAX_FIXES} fixes per batch")
    authorize_collection(ctx, "unit")
    now = ctx.uow.clock.now()
    cache: dict[str, Unit | None] = {}
    good: list[PositionFix] = []
    rejected: list[tuple[int, RejectedFix]] = []
    for index, raw in enumerate(cmd.fixes):
        try:
            good.append(_fix(ctx, raw, now, cache))
        except InvalidInput as exc:
            rejected.append((index, RejectedFix(
                    id=new_id(),
                    source=cmd.source,
                    unit_ref=str(raw.unit)[:200],
                    raw=raw.raw or _raw_json(raw),
                    reason="; ".join(f"{p.field}: {p.reason}" for p in exc.problems),
                    received_at=now,
                )))  # fmt: skip
    repo = repo_of(ctx)
    repo.record_fixes(good, now)
    repo.quarantine([r for _, r in rejected])
    return PositionReport(accepted=len(good), rejected=tuple(rejected))


def _raw_json(raw: AvlFix) -> str:
    return json.dumps(
        {
            "unit": raw.unit,
            "lon": raw.lon,
            "lat": raw.lat,
            "at": raw.at.isoformat() if isinstance(raw.at, datetime) else raw.at,
            "speed_kmh": raw.speed_kmh,
            "heading_deg": raw.heading_deg,
        },
        default=str,
    )


def unit_track(query: UnitTrack, ctx: HandlerContext) -> list[PositionFix]:
    unit = load_unit(ctx, query.unit_id)
    return repo_of(ctx).track(unit.id, max(1, min(query.limit, 10_000)))


def list_avl_quarantine(
    query: ListAvlQuarantine, ctx: HandlerContext
) -> tuple[list[RejectedFix], int]:
    authorize_collection(ctx, "avl-quarantine")
    return repo_of(ctx).list_quarantine(query.limit, query.offset)
