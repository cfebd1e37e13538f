"""The SQL repository for depots, lots, the movement ledger and reserve standards.

Decrements are single conditional UPDATEs (``SET quantity_milli = quantity_milli - :q WHERE id =
:id AND quantity_milli - reserved_milli >= :q``) whose row count says whether they happened, so
concurrent issues of one lot serialise on the row and can never overdraw it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.geo import Point
from lifeline.reserves.model import (
    Commitment,
    Depot,
    DepotLevel,
    Hazard,
    Lot,
    LotCondition,
    MaterialRequest,
    Movement,
    MovementKind,
    RequestLine,
    RequestStatus,
    ReserveStandard,
    RiskLevel,
    StandardLine,
)
from lifeline.reserves.store.agreements import AgreementRows
from lifeline.reserves.store.personnel import ResponderRows
from lifeline.reserves.store.tables import depots, lots, movements, requests, standards


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _depot(m: Any) -> Depot:
    return Depot(
        id=m["id"],
        name=m["name"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        level=DepotLevel(m["level"]),
        location=Point(m["lon"], m["lat"]),
        capacity_volume_m3=m["capacity_volume_m3"],
        capacity_weight_kg=m["capacity_weight_kg"],
        operator=m["operator"],
        created_at=m["created_at"],
    )


def _lot(m: Any) -> Lot:
    return Lot(
        id=m["id"],
        depot_id=m["depot_id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        material_code=m["material_code"],
        quantity_milli=int(m["quantity_milli"]),
        reserved_milli=int(m["reserved_milli"]),
        expires_on=m["expires_on"],
        condition=LotCondition(m["condition"]),
        received_at=m["received_at"],
    )


def _movement(m: Any) -> Movement:
    return Movement(
        id=m["id"],
        lot_id=m["lot_id"],
        depot_id=m["depot_id"],
        organisation_id=m["organisation_id"],
        material_code=m["material_code"],
        kind=MovementKind(m["kind"]),
        delta_milli=int(m["delta_milli"]),
        at=m["at"],
        actor_id=m["actor_id"],
        reason=m["reason"],
        incident_id=m["incident_id"],
        related_lot_id=m["related_lot_id"],
    )


def _standard(m: Any) -> ReserveStandard:
    return ReserveStandard(
        id=m["id"],
        name=m["name"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        area_name=m["area_name"],
        center=Point(m["lon"], m["lat"]),
        population=m["population"],
        facilities=m["facilities"],
        hazard=Hazard(m["hazard"]),
        lines=tuple(StandardLine(**line) for line in json.loads(m["lines"])),
        created_at=m["created_at"],
        risk_level=RiskLevel(m["risk_level"]),
        risk_multiplier=float(m["risk_multiplier"]),
    )


def _request(m: Any) -> MaterialRequest:
    return MaterialRequest(
        id=m["id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        incident_id=m["incident_id"],
        destination=Point(m["lon"], m["lat"]),
        lines=tuple(RequestLine(code, q) for code, q in json.loads(m["lines"])),
        status=RequestStatus(m["status"]),
        requested_by=m["requested_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        commitments=tuple(Commitment(*c) for c in json.loads(m["commitments"])),
        note=m["note"],
    )


def _request_row(r: MaterialRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "organisation_id": r.organisation_id,
        "path": r.path,
        "incident_id": r.incident_id,
        "lon": r.destination.lon,
        "lat": r.destination.lat,
        "lines": json.dumps([[ln.material_code, ln.quantity_milli] for ln in r.lines]),
        "status": r.status.value,
        "requested_by": r.requested_by,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "commitments": json.dumps(
            [[c.lot_id, c.depot_id, c.material_code, c.quantity_milli] for c in r.commitments]
        ),
        "note": r.note,
    }


class SqlReservesRepository(ResponderRows, AgreementRows):
    """The reserves context's repository on one connection (inside a unit of work)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # depots ------------------------------------------------------------------------------
    def add_depot(self, depot: Depot) -> None:
        self._conn.execute(
            depots.insert().values(
                id=depot.id,
                name=depot.name,
                organisation_id=depot.organisation_id,
                path=depot.path,
                level=depot.level.value,
                lon=depot.location.lon,
                lat=depot.location.lat,
                capacity_volume_m3=depot.capacity_volume_m3,
                capacity_weight_kg=depot.capacity_weight_kg,
                operator=depot.operator,
                created_at=depot.created_at,
            )
        )

    def get_depot(self, depot_id: str) -> Depot | None:
        row = self._conn.execute(sa.select(depots).where(depots.c.id == depot_id)).first()
        return _depot(row._mapping) if row else None

    def list_depots(
        self, scope_paths: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[Depot], int]:
        cond = _in_scope(depots.c.path, scope_paths)
        total = int(
            self._conn.execute(
                sa.select(sa.func.count()).select_from(depots).where(cond)
            ).scalar_one()
        )
        rows = self._conn.execute(
            sa.select(depots).where(cond).order_by(depots.c.name, depots.c.id)
            .limit(limit).offset(offset)
        ).all()  # fmt: skip
        return [_depot(r._mapping) for r in rows], total

    # lots --------------------------------------------------------------------------------
    def add_lot(self, lot: Lot) -> None:
        self._conn.execute(
            lots.insert().values(
                id=lot.id,
                depot_id=lot.depot_id,
                organisation_id=lot.organisation_id,
                path=lot.path,
                material_code=lot.material_code,
                quantity_milli=lot.quantity_milli,
                reserved_milli=lot.reserved_milli,
                expires_on=lot.expires_on,
                condition=lot.condition.value,
                received_at=lot.received_at,
            )
        )

    def get_lot(self, lot_id: str) -> Lot | None:
        row = self._conn.execute(sa.select(lots).where(lots.c.id == lot_id)).first()
        return _lot(row._mapping) if row else None

    def list_lots(
        self,
        scope_paths: tuple[str, ...],
        *,
        depot_id: str | None = None,
        material_code: str | None = None,
        expiring_before: Any = None,
    ) -> list[Lot]:
        conds = [_in_scope(lots.c.path, scope_paths)]
        if depot_id is not None:
            conds.append(lots.c.depot_id == depot_id)
        if material_code is not None:
            conds.append(lots.c.material_code == material_code)
        if expiring_before is not None:
            conds.append(lots.c.expires_on <= expiring_before)
        rows = self._conn.execute(
            sa.select(lots).where(*conds).order_by(lots.c.expires_on, lots.c.id)
        ).all()
        return [_lot(r._mapping) for r in rows]

    def _changed(self, stmt: sa.Update) -> bool:
        return self._conn.execute(stmt).rowcount == 1

    def take(self, lot_id: str, quantity_milli: int, *, from_reservation: bool = False) -> bool:
        q = quantity_milli
        stmt = lots.update().where(lots.c.id == lot_id)
        if from_reservation:
            stmt = stmt.where(lots.c.reserved_milli >= q).values(
                quantity_milli=lots.c.quantity_milli - q,
                reserved_milli=lots.c.reserved_milli - q,
            )
        else:
            stmt = stmt.where(lots.c.quantity_milli - lots.c.reserved_milli >= q).values(
                quantity_milli=lots.c.quantity_milli - q
            )
        return self._changed(stmt)

    def put(self, lot_id: str, quantity_milli: int) -> None:
        self._conn.execute(
            lots.update()
            .where(lots.c.id == lot_id)
            .values(quantity_milli=lots.c.quantity_milli + quantity_milli)
        )

    def set_quantity(self, lot_id: str, expected_milli: int, counted_milli: int) -> bool:
        return self._changed(
            lots.update()
            .where(lots.c.id == lot_id, lots.c.quantity_milli == expected_milli)
            .values(quantity_milli=counted_milli)
        )

    def set_condition(self, lot_id: str, condition: LotCondition) -> None:
        self._conn.execute(
            lots.update().where(lots.c.id == lot_id).values(condition=condition.value)
        )

    def reserve(self, lot_id: str, quantity_milli: int) -> bool:
        q = quantity_milli
        return self._changed(
            lots.update()
            .where(lots.c.id == lot_id, lots.c.quantity_milli - lots.c.reserved_milli >= q)
            .values(reserved_milli=lots.c.reserved_milli + q)
        )

    def release(self, lot_id: str, quantity_milli: int) -> bool:
        q = quantity_milli
        return self._changed(
            lots.update()
            .where(lots.c.id == lot_id, lots.c.reserved_milli >= q)
            .values(reserved_milli=lots.c.reserved_milli - q)
        )

    # movements ---------------------------------------------------------------------------
    def add_movement(self, movement: Movement) -> None:
        self._conn.execute(
            movements.insert().values(
                id=movement.id,
                lot_id=movement.lot_id,
                depot_id=movement.depot_id,
                organisation_id=movement.organisation_id,
                material_code=movement.material_code,
                kind=movement.kind.value,
                delta_milli=movement.delta_milli,
                at=movement.at,
                actor_id=movement.actor_id,
                reason=movement.reason,
                incident_id=movement.incident_id,
                related_lot_id=movement.related_lot_id,
            )
        )

    def movements_of(self, lot_id: str) -> list[Movement]:
        rows = self._conn.execute(
            sa.select(movements).where(movements.c.lot_id == lot_id).order_by(movements.c.seq)
        ).all()
        return [_movement(r._mapping) for r in rows]

    # standards ---------------------------------------------------------------------------
    def add_standard(self, standard: ReserveStandard) -> None:
        lines = [
            {
                "material_code": ln.material_code,
                "per_1000_residents": ln.per_1000_residents,
                "per_facility": ln.per_facility,
                "fixed_quantity": ln.fixed_quantity,
            }
            for ln in standard.lines
        ]
        self._conn.execute(
            standards.insert().values(
                id=standard.id,
                name=standard.name,
                organisation_id=standard.organisation_id,
                path=standard.path,
                area_name=standard.area_name,
                lon=standard.center.lon,
                lat=standard.center.lat,
                population=standard.population,
                facilities=standard.facilities,
                hazard=standard.hazard.value,
                lines=json.dumps(lines),
                created_at=standard.created_at,
                risk_level=standard.risk_level.value,
                risk_multiplier=standard.risk_multiplier,
            )
        )

    def get_standard(self, standard_id: str) -> ReserveStandard | None:
        row = self._conn.execute(sa.select(standards).where(standards.c.id == standard_id)).first()
        return _standard(row._mapping) if row else None

    def list_standards(self, scope_paths: tuple[str, ...]) -> list[ReserveStandard]:
        rows = self._conn.execute(
            sa.select(standards)
            .where(_in_scope(standards.c.path, scope_paths))
            .order_by(standards.c.name, standards.c.id)
        ).all()
        return [_standard(r._mapping) for r in rows]

    # requests ----------------------------------------------------------------------------
    def add_request(self, request: MaterialRequest) -> None:
        self._conn.execute(requests.insert().values(**_request_row(request)))

    def get_request(self, request_id: str) -> MaterialRequest | None:
        row = self._conn.execute(sa.select(requests).where(requests.c.id == request_id)).first()
        return _request(row._mapping) if row else None

    def update_request(self, request: MaterialRequest, expected: RequestStatus) -> bool:
        return self._changed(
            requests.update()
            .where(requests.c.id == request.id, requests.c.status == expected.value)
            .values(**_request_row(request))
        )

    def list_requests(self, scope_paths: tuple[str, ...]) -> list[MaterialRequest]:
        rows = self._conn.execute(
            sa.select(requests)
            .where(_in_scope(requests.c.path, scope_paths))
            .order_by(requests.c.created_at.desc(), requests.c.id)
        ).all()
        return [_request(r._mapping) for r in rows]
