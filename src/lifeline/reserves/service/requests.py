"""Request → approve → commit → ship → receive: materials for an incident, tracked and audited.

Committing reserves stock on lots (so no one else can issue it); shipping issues exactly those
reservations to the incident, one ledger movement per lot; every step is a status change made
with a conditional update on the expected status (two approvers cannot both move it) and recorded
as an event in the request's timeline.
"""

from __future__ import annotations

import dataclasses

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.reserves import messages as msg
from lifeline.reserves.catalogue import catalogue
from lifeline.reserves.events import MaterialRequested, RequestStatusChanged
from lifeline.reserves.model import (
    MILLI,
    REQUEST_TRANSITIONS,
    Commitment,
    MaterialRequest,
    MovementKind,
    RequestLine,
    RequestStatus,
    from_milli,
    to_milli,
)
from lifeline.reserves.service._common import (
    authorize_collection,
    check_speed,
    load_lot,
    org_path,
    repo_of,
)
from lifeline.reserves.service.allocation import plan_allocation
from lifeline.reserves.service.stock import record_movement


def _load(ctx: HandlerContext, request_id: str) -> MaterialRequest:
    request = repo_of(ctx).get_request(request_id)
    if request is None:
        raise NotFound("material request", request_id)
    ctx.authorize(target_kind="material_request", target_id=request.id, target_path=request.path)
    return request


def _advance(
    ctx: HandlerContext,
    request: MaterialRequest,
    to: RequestStatus,
    *,
    reason: str = "",
    commitments: tuple[Commitment, ...] | None = None,
) -> MaterialRequest:
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise Conflict(f"a {request.status.value} request cannot become {to.value}")
    updated = dataclasses.replace(
        request,
        status=to,
        updated_at=ctx.uow.clock.now(),
        commitments=request.commitments if commitments is None else commitments,
    )
    if not repo_of(ctx).update_request(updated, request.status):
        raise Conflict("the request was changed concurrently; reload and retry")
    ctx.uow.record(
        RequestStatusChanged(
            aggregate_id=request.id,
            organisation_id=request.organisation_id,
            incident_id=request.incident_id,
            from_status=request.status.value,
            to_status=to.value,
            reason=reason,
            commitments=tuple((c.lot_id, c.quantity_milli) for c in updated.commitments),
        )
    )
    return updated


def create_request(cmd: msg.CreateRequest, ctx: HandlerContext) -> MaterialRequest:
    if not cmd.incident_id.strip():
        raise InvalidInput("incident_id", "is required")
    if not cmd.lines:
        raise InvalidInput("lines", "a request needs at least one material")
    lines: dict[str, int] = {}
    for i, (code, quantity) in enumerate(cmd.lines):
        material = catalogue().material(code, f"lines[{i}].material_code")
        if code in lines:
            raise InvalidInput(f"lines[{i}].material_code", "listed twice")
        lines[code] = to_milli(quantity, material, f"lines[{i}].quantity")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    now = ctx.uow.clock.now()
    request = MaterialRequest(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        path=path,
        incident_id=cmd.incident_id.strip(),
        destination=cmd.destination,
        lines=tuple(RequestLine(code, q) for code, q in lines.items()),
        status=RequestStatus.REQUESTED,
        requested_by=ctx.actor.ref,
        created_at=now,
        updated_at=now,
        note=cmd.note.strip(),
    )
    repo_of(ctx).add_request(request)
    ctx.uow.record(
        MaterialRequested(
            aggregate_id=request.id,
            organisation_id=request.organisation_id,
            incident_id=request.incident_id,
            lines=tuple((ln.material_code, ln.quantity_milli) for ln in request.lines),
        )
    )
    return request


def approve_request(cmd: msg.ApproveRequest, ctx: HandlerContext) -> MaterialRequest:
    return _advance(ctx, _load(ctx, cmd.request_id), RequestStatus.APPROVED)


def reject_request(cmd: msg.RejectRequest, ctx: HandlerContext) -> MaterialRequest:
    if not cmd.reason.strip():
        raise InvalidInput("reason", "a rejection needs a stated reason")
    request = _load(ctx, cmd.request_id)
    return _advance(ctx, request, RequestStatus.REJECTED, reason=cmd.reason.strip())


def _proposed(
    ctx: HandlerContext, request: MaterialRequest, speed_kmh: float | None
) -> list[Commitment]:
    plan = plan_allocation(
        msg.PlanAllocation(
            incidents=(
                msg.IncidentNeed(
                    incident_id=request.incident_id,
                    location=request.destination,
                    needs=tuple(
                        (ln.material_code, from_milli(ln.quantity_milli)) for ln in request.lines
                    ),
                ),
            ),
            speed_kmh=speed_kmh,
        ),
        ctx,
    )
    if plan.unmet:
        short = ", ".join(f"{u.material_code} × {u.quantity:g}" for u in plan.unmet)
        raise Conflict(f"not enough usable stock in your scope: short of {short}")
    return [
        Commitment(s.lot_id, s.depot_id, s.material_code, round(s.quantity * MILLI))
        for s in plan.shipments
    ]


def commit_request(cmd: msg.CommitRequest, ctx: HandlerContext) -> MaterialRequest:
    request = _load(ctx, cmd.request_id)
    if request.status is not RequestStatus.APPROVED:
        raise Conflict(f"only an approved request can be committed (it is {request.status.value})")
    check_speed(cmd.speed_kmh)
    repo = repo_of(ctx)
    if cmd.commitments:
        chosen = []
        for i, (lot_id, quantity) in enumerate(cmd.commitments):
            lot = load_lot(ctx, lot_id)
            milli = to_milli(
                quantity, catalogue().material(lot.material_code), f"commitments[{i}].quantity"
            )
            chosen.append(Commitment(lot.id, lot.depot_id, lot.material_code, milli))
    else:
        chosen = _proposed(ctx, request, cmd.speed_kmh)
    wanted = {ln.material_code: ln.quantity_milli for ln in request.lines}
    got: dict[str, int] = {}
    for c in chosen:
        got[c.material_code] = got.get(c.material_code, 0) + c.quantity_milli
    if got != wanted:
        raise InvalidInput("commitments", "must cover each requested material exactly")
    for c in chosen:
        lot = load_lot(ctx, c.lot_id)
        if not repo.reserve(lot.id, c.quantity_milli):
            raise Conflict(
                f"lot {lot.id} has only {from_milli(lot.available_milli):g} available to commit"
            )
    return _advance(ctx, request, RequestStatus.COMMITTED, commitments=tuple(chosen))


def ship_request(cmd: msg.ShipRequest, ctx: HandlerContext) -> MaterialRequest:
    request = _load(ctx, cmd.request_id)
    if request.status is not RequestStatus.COMMITTED:
        raise Conflict(f"only a committed request can be shipped (it is {request.status.value})")
    repo = repo_of(ctx)
    for c in request.commitments:
        lot = load_lot(ctx, c.lot_id)
        if not repo.take(lot.id, c.quantity_milli, from_reservation=True):
            raise Conflict(f"lot {lot.id} no longer holds the committed reservation")
        record_movement(
            ctx,
            lot,
            MovementKind.ISSUE,
            -c.quantity_milli,
            incident_id=request.incident_id,
            reason=f"request {request.id}",
        )
    return _advance(ctx, request, RequestStatus.SHIPPED)


def receive_request(cmd: msg.ReceiveRequest, ctx: HandlerContext) -> MaterialRequest:
    request = _load(ctx, cmd.request_id)
    return _advance(ctx, request, RequestStatus.RECEIVED, reason=cmd.note.strip())


def cancel_request(cmd: msg.CancelRequest, ctx: HandlerContext) -> MaterialRequest:
    if not cmd.reason.strip():
        raise InvalidInput("reason", "a cancellation needs a stated reason")
    request = _load(ctx, cmd.request_id)
    if request.status is RequestStatus.COMMITTED:
        for c in request.commitments:
            load_lot(ctx, c.lot_id)
            if not repo_of(ctx).release(c.lot_id, c.quantity_milli):
                raise Conflict(f"lot {c.lot_id} no longer holds the committed reservation")
    return _advance(ctx, request, RequestStatus.CANCELLED, reason=cmd.reason.strip())


def get_request(query: msg.GetRequest, ctx: HandlerContext) -> MaterialRequest:
    return _load(ctx, query.request_id)


def list_requests(query: msg.ListRequests, ctx: HandlerContext) -> list[MaterialRequest]:
    authorize_collection(ctx, "material_request")
    return repo_of(ctx).list_requests(ctx.scope_paths)


def request_timeline(query: msg.RequestTimeline, ctx: HandlerContext) -> list[StoredEvent]:
    request = _load(ctx, query.request_id)
    return ctx.uow.timeline("material_request", request.id)
