"""Reserve standards, gap reports, and expiry alarms with rotation suggestions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.reserves.catalogue import catalogue
from lifeline.reserves.events import AgreementRegistered, StandardCreated
from lifeline.reserves.gaps import FloatArray, agreed_within, gap_analysis, shortage_severity
from lifeline.reserves.messages import (
    CreateStandard,
    ExpiryAlarms,
    GapReport,
    ListAgreements,
    ListStandards,
    RegisterAgreement,
    ShortageAlarms,
)
from lifeline.reserves.model import (
    DEFAULT_RISK_MULTIPLIERS,
    MILLI,
    Lot,
    LotCondition,
    ReserveStandard,
    SupplyAgreement,
    to_milli,
)
from lifeline.reserves.service._common import (
    authorize_collection,
    check_speed,
    org_path,
    repo_of,
    travel_basis,
    travel_min,
)


def create_standard(cmd: CreateStandard, ctx: HandlerContext) -> ReserveStandard:
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be blank")
    if cmd.population < 0:
        raise InvalidInput("population", "must not be negative")
    if cmd.facilities < 0:
        raise InvalidInput("facilities", "must not be negative")
    if not cmd.lines:
        raise InvalidInput("lines", "a standard needs at least one line")
    seen: set[str] = set()
    for i, line in enumerate(cmd.lines):
        catalogue().material(line.material_code, f"lines[{i}].material_code")
        if line.material_code in seen:
            raise InvalidInput(f"lines[{i}].material_code", "listed twice")
        seen.add(line.material_code)
        for name in ("per_1000_residents", "per_facility", "fixed_quantity"):
            value = getattr(line, name)
            if not math.isfinite(value) or value < 0:
                raise InvalidInput(f"lines[{i}].{name}", "must be a non-negative number")
    multiplier = (
        DEFAULT_RISK_MULTIPLIERS[cmd.risk_level]
        if cmd.risk_multiplier is None
        else cmd.risk_multiplier
    )
    if not (math.isfinite(multiplier) and multiplier > 0):
        raise InvalidInput("risk_multiplier", "must be a positive number")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    standard = ReserveStandard(
        id=new_id(),
        name=cmd.name.strip(),
        organisation_id=cmd.organisation_id,
        path=path,
        area_name=cmd.area_name.strip(),
        center=cmd.center,
        population=cmd.population,
        facilities=cmd.facilities,
        hazard=cmd.hazard,
        lines=cmd.lines,
        created_at=ctx.uow.clock.now(),
        risk_level=cmd.risk_level,
        risk_multiplier=multiplier,
    )
    repo_of(ctx).add_standard(standard)
    ctx.uow.record(
        StandardCreated(
            aggregate_id=standard.id,
            organisation_id=standard.organisation_id,
            name=standard.name,
            area_name=standard.area_name,
            lines=len(standard.lines),
        )
    )
    return standard


def list_standards(query: ListStandards, ctx: HandlerContext) -> list[ReserveStandard]:
    authorize_collection(ctx, "reserve_standard")
    return repo_of(ctx).list_standards(ctx.scope_paths)


@dataclass(frozen=True, slots=True)
class GapLine:
    """One material of a gap report, quantities in the material's unit."""

    material_code: str
    material_name: str
    unit: str
    required: float
    on_hand: float
    reachable: float
    shortage_on_hand: float
    shortage_reachable: float
    agreed: float = 0.0  # enterprise agreements deliverable within the budget (virtual stock)
    shortage_with_agreements: float = 0.0


@dataclass(frozen=True, slots=True)
class GapReportView:
    standard_id: str
    standard_name: str
    area_name: str
    within_min: float
    speed_kmh: float | None
    lines: tuple[GapLine, ...]
    risk_level: str = "low"
    risk_multiplier: float = 1.0
    travel_basis: str = ""


def _usable(lot: Lot, today: date) -> bool:
    return lot.condition is LotCondition.GOOD and (lot.expires_on is None or lot.expires_on > today)


def gap_report(query: GapReport, ctx: HandlerContext) -> GapReportView:
    """On hand: usable available stock in depots of the standard's organisation subtree.
    Reachable: usable available stock of any depot the caller sees within ``within_min``."""
    if not (math.isfinite(query.within_min) and query.within_min > 0):
        raise InvalidInput("within_min", "must be a positive number of minutes")
    check_speed(query.speed_kmh)
    repo = repo_of(ctx)
    standard = repo.get_standard(query.standard_id)
    if standard is None:
        raise NotFound("reserve standard", query.standard_id)
    ctx.authorize(target_kind="reserve_standard", target_id=standard.id, target_path=standard.path)
    today = ctx.uow.clock.now().date()
    codes = [line.material_code for line in standard.lines]
    index = {code: i for i, code in enumerate(codes)}
    depots, _ = repo.list_depots(ctx.scope_paths, 100_000, 0)
    depot_index = {d.id: i for i, d in enumerate(depots)}
    stock = np.zeros((len(depots), len(codes)))
    on_hand = np.zeros(len(codes))
    for lot in repo.list_lots(ctx.scope_paths):
        m = index.get(lot.material_code)
        d = depot_index.get(lot.depot_id)
        if m is None or d is None or not _usable(lot, today):
            continue
        stock[d, m] += lot.available_milli / MILLI
        if lot.path.startswith(standard.path):
            on_hand[m] += lot.available_milli / MILLI
    times = travel_min(ctx, [d.location for d in depots], [standard.center], query.speed_kmh)
    times = times[:, 0] if depots else np.zeros(0)
    required = np.array([standard.required(ln) for ln in standard.lines])
    reachable, short_hand, short_reach = gap_analysis(
        required, on_hand, stock, times, query.within_min
    )
    agreed = _agreed(ctx, standard, index, query.within_min, query.speed_kmh, today)
    short_agreed = np.maximum(0.0, required - reachable - agreed)
    cat = catalogue()
    lines = tuple(
        GapLine(
            material_code=code,
            material_name=cat.material(code).name,
            unit=cat.material(code).unit,
            required=float(required[i]),
            on_hand=float(on_hand[i]),
            reachable=float(reachable[i]),
            shortage_on_hand=float(short_hand[i]),
            shortage_reachable=float(short_reach[i]),
            agreed=float(agreed[i]),
            shortage_with_agreements=float(short_agreed[i]),
        )
        for i, code in enumerate(codes)
    )
    return GapReportView(
        standard_id=standard.id,
        standard_name=standard.name,
        area_name=standard.area_name,
        within_min=query.within_min,
        speed_kmh=query.speed_kmh,
        lines=lines,
        risk_level=standard.risk_level.value,
        risk_multiplier=standard.risk_multiplier,
        travel_basis=travel_basis(ctx, query.speed_kmh),
    )


def _agreed(
    ctx: HandlerContext,
    standard: ReserveStandard,
    index: dict[str, int],
    within_min: float,
    speed_kmh: float | None,
    today: date,
) -> FloatArray:
    """Virtual stock per material from agreements the caller sees, valid today, whose lead time
    plus travel from the supplier fits within the budget."""
    found = [
        a
        for a in repo_of(ctx).list_agreements(ctx.scope_paths)
        if a.material_code in index and a.valid_on(today)
    ]
    if not found:
        return np.zeros(len(index))
    qty = np.zeros((len(found), len(index)))
    for row, a in enumerate(found):
        qty[row, index[a.material_code]] = a.quantity_milli / MILLI
    travel = travel_min(ctx, [a.location for a in found], [standard.center], speed_kmh)[:, 0]
    return agreed_within(qty, np.array([a.lead_time_min for a in found]), travel, within_min)


def register_agreement(cmd: RegisterAgreement, ctx: HandlerContext) -> SupplyAgreement:
    if not cmd.supplier.strip():
        raise InvalidInput("supplier", "must not be blank")
    material = catalogue().material(cmd.material_code, "material_code")
    quantity_milli = to_milli(cmd.quantity, material)
    if not (math.isfinite(cmd.lead_time_min) and 0 <= cmd.lead_time_min <= 7 * 24 * 60):
        raise InvalidInput("lead_time_min", "must be between 0 and 10080 minutes (a week)")
    today = ctx.uow.clock.now().date()
    if cmd.valid_until is not None and cmd.valid_until < today:
        raise InvalidInput("valid_until", "the agreement has already expired")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    agreement = SupplyAgreement(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        path=path,
        supplier=cmd.supplier.strip(),
        material_code=cmd.material_code,
        quantity_milli=quantity_milli,
        lead_time_min=cmd.lead_time_min,
        location=cmd.location,
        valid_until=cmd.valid_until,
        created_at=ctx.uow.clock.now(),
    )
    repo_of(ctx).add_agreement(agreement)
    ctx.uow.record(
        AgreementRegistered(
            aggregate_id=agreement.id,
            organisation_id=agreement.organisation_id,
            supplier=agreement.supplier,
            material_code=agreement.material_code,
            quantity_milli=agreement.quantity_milli,
            lead_time_min=agreement.lead_time_min,
        )
    )
    return agreement


def list_agreements(query: ListAgreements, ctx: HandlerContext) -> list[SupplyAgreement]:
    authorize_collection(ctx, "supply_agreement")
    return repo_of(ctx).list_agreements(ctx.scope_paths)


@dataclass(frozen=True, slots=True)
class ShortageAlarm:
    """A material an area's standard lacks within the time budget, and what to do about it."""

    standard_id: str
    area_name: str
    material_code: str
    material_name: str
    unit: str
    required: float
    reachable: float
    agreed: float
    shortage: float
    severity: str  # "critical" | "warning" | "covered"
    suggestion: str


def shortage_alarms(query: ShortageAlarms, ctx: HandlerContext) -> list[ShortageAlarm]:
    """Every standard in scope, its gap report, and each material short of what it requires;
    gravest first."""
    alarms = []
    for standard in list_standards(ListStandards(), ctx):
        report = gap_report(
            GapReport(
                standard_id=standard.id, within_min=query.within_min, speed_kmh=query.speed_kmh
            ),
            ctx,
        )
        for ln in report.lines:
            severity = shortage_severity(ln.required, ln.reachable, ln.agreed)
            if severity is None:
                continue
            short = ln.required - ln.reachable
            if severity == "covered":
                advice = f"call on supply agreements for {short:g} {ln.unit}"
            else:
                advice = (
                    f"procure or transfer {max(0.0, short - ln.agreed):g} {ln.unit} into depots "
                    f"within {query.within_min:g} min"
                    + (f", and call agreements for {ln.agreed:g}" if ln.agreed else "")
                )
            alarms.append(
                ShortageAlarm(
                    standard_id=standard.id,
                    area_name=standard.area_name,
                    material_code=ln.material_code,
                    material_name=ln.material_name,
                    unit=ln.unit,
                    required=ln.required,
                    reachable=ln.reachable,
                    agreed=ln.agreed,
                    shortage=short,
                    severity=severity,
                    suggestion=advice,
                )
            )
    rank = {"critical": 0, "warning": 1, "covered": 2}
    return sorted(alarms, key=lambda a: (rank[a.severity], -a.shortage / a.required))


@dataclass(frozen=True, slots=True)
class ExpiryAlarm:
    """A lot expired or expiring within the window, and what to do about it."""

    lot_id: str
    depot_id: str
    material_code: str
    quantity: float
    expires_on: date
    days_left: int
    severity: str  # "expired" | "critical" (≤ 30 days) | "warning"
    suggestion: str


def suggest_rotation(days_left: int, quantity: float, unit: str) -> tuple[str, str]:
    """Severity and a rotation suggestion for a lot ``days_left`` days from expiry."""
    if days_left <= 0:
        return "expired", f"write off {quantity:g} {unit} as expired and order a replacement lot"
    if days_left <= 30:
        return (
            "critical",
            f"use first: issue {quantity:g} {unit} to drills or daily consumption now "
            "and receive a fresh lot to replace it",
        )
    return (
        "warning",
        f"schedule rotation of {quantity:g} {unit}: swap with the supplier or transfer "
        "to a high-turnover depot before expiry",
    )


def expiry_alarms(query: ExpiryAlarms, ctx: HandlerContext) -> list[ExpiryAlarm]:
    if query.within_days < 0:
        raise InvalidInput("within_days", "must not be negative")
    authorize_collection(ctx, "lot")
    today = ctx.uow.clock.now().date()
    horizon = today + timedelta(days=query.within_days)
    cat = catalogue()
    alarms = []
    lots = repo_of(ctx).list_lots(ctx.scope_paths, expiring_before=horizon)
    for lot in lots:
        if lot.expires_on is None or lot.quantity_milli <= 0:
            continue
        days_left = (lot.expires_on - today).days
        quantity = lot.quantity_milli / MILLI
        unit = cat.material(lot.material_code).unit
        severity, suggestion = suggest_rotation(days_left, quantity, unit)
        alarms.append(
            ExpiryAlarm(
                lot_id=lot.id,
                depot_id=lot.depot_id,
                material_code=lot.material_code,
                quantity=quantity,
                expires_on=lot.expires_on,
                days_left=days_left,
                severity=severity,
                suggestion=suggestion,
            )
        )
    return sorted(alarms, key=lambda a: (a.days_left, a.lot_id))
