"""The SQL repository of units, AVL positions, the incident view and dispatch plans.

A status change is one conditional UPDATE (``… WHERE id = :id AND status IN (:expected)``) whose
row count says whether it happened: two commanders dispatching one unit serialise on the row
(PostgreSQL's row lock, SQLite's write lock) and the second finds the status already changed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.dispatch.model import (
    Assignment,
    DispatchPlan,
    IncidentView,
    MaterialShipment,
    PlanStatus,
    PositionFix,
    RejectedFix,
    RunCard,
    Shortfall,
    Unit,
    UnitStatus,
    UnitType,
)
from lifeline.dispatch.store.tables import (
    avl_quarantine,
    incidents,
    plans,
    positions,
    run_cards,
    units,
)
from lifeline.kernel.geo import Point


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _unit(m: Any) -> Unit:
    return Unit(
        id=m["id"],
        call_sign=m["call_sign"],
        unit_type=UnitType(m["unit_type"]),
        capabilities=tuple(m["capabilities"]),
        organisation_id=m["organisation_id"],
        path=m["path"],
        station_id=m["station_id"],
        station_name=m["station_name"],
        station_location=Point(m["station_lon"], m["station_lat"]),
        position=Point(m["lon"], m["lat"]),
        position_at=m["position_at"],
        status=UnitStatus(m["status"]),
        incident_id=m["incident_id"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        dispatched_at=m["dispatched_at"],
        version=int(m["version"]),
    )


def _unit_row(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "call_sign": u.call_sign,
        "unit_type": u.unit_type.value,
        "capabilities": list(u.capabilities),
        "organisation_id": u.organisation_id,
        "path": u.path,
        "station_id": u.station_id,
        "station_name": u.station_name,
        "station_lon": u.station_location.lon,
        "station_lat": u.station_location.lat,
        "lon": u.position.lon,
        "lat": u.position.lat,
        "position_at": u.position_at,
        "status": u.status.value,
        "incident_id": u.incident_id,
        "dispatched_at": u.dispatched_at,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
        "version": u.version,
    }


def _plan_body(p: DispatchPlan) -> dict[str, Any]:
    return {
        "incident_ids": list(p.incident_ids),
        "assignments": [[a.unit_id, a.incident_id, a.unit_type, a.eta_s] for a in p.assignments],
        "shortfalls": [[s.incident_id, s.unit_type, s.missing] for s in p.shortfalls],
        "materials": [
            [s.incident_id, s.lot_id, s.depot_id, s.material_code, s.quantity, s.time_min]
            for s in p.materials
        ],
        "unmet_materials": [list(x) for x in p.unmet_materials],
    }


def _plan(m: Any) -> DispatchPlan:
    body = m["body"]
    return DispatchPlan(
        id=m["id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        status=PlanStatus(m["status"]),
        method=m["method"],
        incident_ids=tuple(body["incident_ids"]),
        assignments=tuple(
            Assignment(unit_id=u, incident_id=i, unit_type=t, eta_s=float(e))
            for u, i, t, e in body["assignments"]
        ),
        shortfalls=tuple(
            Shortfall(incident_id=i, unit_type=t, missing=int(n)) for i, t, n in body["shortfalls"]
        ),
        materials=tuple(
            MaterialShipment(
                incident_id=i, lot_id=lot, depot_id=d, material_code=c, quantity=q, time_min=t
            )
            for i, lot, d, c, q, t in body["materials"]
        ),
        unmet_materials=tuple((i, c, float(q)) for i, c, q in body.get("unmet_materials", [])),
        objective_s=float(m["objective_s"]),
        greedy_objective_s=float(m["greedy_objective_s"]),
        proposed_by=m["proposed_by"],
        created_at=m["created_at"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        note=m["note"],
        travel_basis=m["travel_basis"],
        version=int(m["version"]),
    )


class SqlDispatchRepository:
    """:class:`lifeline.dispatch.model.DispatchRepository` on SQLAlchemy Core."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # --- units ------------------------------------------------------------------------------
    def add_unit(self, unit: Unit) -> None:
        self._conn.execute(units.insert().values(**_unit_row(unit)))

    def get_unit(self, unit_id: str, *, for_update: bool = False) -> Unit | None:
        query = sa.select(units).where(units.c.id == unit_id)
        if for_update:
            query = query.with_for_update()
        row = self._conn.execute(query).mappings().first()
        return _unit(row) if row else None

    def unit_by_call_sign(self, call_sign: str) -> Unit | None:
        row = (
            self._conn.execute(sa.select(units).where(units.c.call_sign == call_sign))
            .mappings()
            .first()
        )
        return _unit(row) if row else None

    def list_units(
        self,
        scope_paths: Sequence[str],
        *,
        unit_type: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> tuple[list[Unit], int]:
        where = [_in_scope(units.c.path, scope_paths)]
        if unit_type is not None:
            where.append(units.c.unit_type == unit_type)
        if status is not None:
            where.append(units.c.status == status)
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(units).where(*where)
        ).scalar_one()
        rows = self._conn.execute(
            sa.select(units).where(*where).order_by(units.c.call_sign).limit(limit).offset(offset)
        ).mappings()
        return [_unit(r) for r in rows], int(total)

    def units_with(
        self,
        scope_paths: Sequence[str],
        *,
        statuses: Collection[UnitStatus],
        unit_types: Collection[str] | None = None,
    ) -> list[Unit]:
        where = [
            _in_scope(units.c.path, scope_paths),
            units.c.status.in_([s.value for s in statuses]),
        ]
        if unit_types is not None:
            where.append(units.c.unit_type.in_(list(unit_types)))
        rows = self._conn.execute(
            sa.select(units).where(*where).order_by(units.c.call_sign)
        ).mappings()
        return [_unit(r) for r in rows]

    def change_status(
        self,
        unit: Unit,
        *,
        expected: frozenset[UnitStatus],
        status: UnitStatus,
        incident_id: str | None,
        at: datetime,
    ) -> bool:
        moved = unit.moved(status, incident_id, at)
        result = self._conn.execute(
            units.update()
            .where(units.c.id == unit.id, units.c.status.in_(sorted(s.value for s in expected)))
            .values(
                status=status.value,
                incident_id=incident_id,
                dispatched_at=moved.dispatched_at,
                updated_at=at,
                version=units.c.version + 1,
            )
        )
        return result.rowcount == 1

    def relocate(self, unit_id: str, station_id: str, name: str, at_station: Point) -> None:
        self._conn.execute(
            units.update()
            .where(units.c.id == unit_id)
            .values(
                station_id=station_id,
                station_name=name,
                station_lon=at_station.lon,
                station_lat=at_station.lat,
                version=units.c.version + 1,
            )
        )

    # --- AVL --------------------------------------------------------------------------------
    def record_fixes(self, fixes: Sequence[PositionFix], received_at: datetime) -> None:
        if not fixes:
            return
        self._conn.execute(
            positions.insert(),
            [
                {
                    "unit_id": f.unit_id,
                    "lon": f.position.lon,
                    "lat": f.position.lat,
                    "at": f.at,
                    "speed_kmh": f.speed_kmh,
                    "heading_deg": f.heading_deg,
                    "received_at": received_at,
                }
                for f in fixes
            ],
        )
        latest: dict[str, PositionFix] = {}
        for fix in fixes:
            if fix.unit_id not in latest or fix.at >= latest[fix.unit_id].at:
                latest[fix.unit_id] = fix
        for fix in latest.values():  # an older fix arriving late never moves the unit back
            self._conn.execute(
                units.update()
                .where(
                    units.c.id == fix.unit_id,
                    sa.or_(units.c.position_at.is_(None), units.c.position_at <= fix.at),
                )
                .values(lon=fix.position.lon, lat=fix.position.lat, position_at=fix.at)
            )

    def track(self, unit_id: str, limit: int) -> list[PositionFix]:
        rows = self._conn.execute(
            sa.select(positions)
            .where(positions.c.unit_id == unit_id)
            .order_by(positions.c.at.desc(), positions.c.seq.desc())
            .limit(limit)
        ).mappings()
        return [
            PositionFix(
                unit_id=r["unit_id"],
                position=Point(r["lon"], r["lat"]),
                at=r["at"],
                speed_kmh=r["speed_kmh"],
                heading_deg=r["heading_deg"],
            )
            for r in rows
        ]

    def quarantine(self, rejected: Sequence[RejectedFix]) -> None:
        if rejected:
            self._conn.execute(
                avl_quarantine.insert(),
                [
                    {
                        "id": r.id,
                        "source": r.source,
                        "unit_ref": r.unit_ref[:200],
                        "raw": r.raw,
                        "reason": r.reason,
                        "received_at": r.received_at,
                    }
                    for r in rejected
                ],
            )

    def list_quarantine(self, limit: int, offset: int) -> tuple[list[RejectedFix], int]:
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(avl_quarantine)
        ).scalar_one()
        rows = self._conn.execute(
            sa.select(avl_quarantine)
            .order_by(avl_quarantine.c.received_at.desc(), avl_quarantine.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [RejectedFix(**dict(r)) for r in rows], int(total)

    # --- the incident view ------------------------------------------------------------------
    def _cards(self, incident_ids: Sequence[str]) -> dict[str, list[RunCard]]:
        out: dict[str, list[RunCard]] = {}
        if not incident_ids:
            return out
        rows = self._conn.execute(
            sa.select(run_cards)
            .where(run_cards.c.incident_id.in_(list(incident_ids)))
            .order_by(run_cards.c.activated_at, run_cards.c.plan_code)
        ).mappings()
        for r in rows:
            out.setdefault(r["incident_id"], []).append(
                RunCard(
                    incident_id=r["incident_id"],
                    plan_code=r["plan_code"],
                    activation_id=r["activation_id"],
                    level=r["level"],
                    units={str(k): int(v) for k, v in r["units"].items()},
                    materials={str(k): float(v) for k, v in r["materials"].items()},
                    activated_at=r["activated_at"],
                )
            )
        return out

    def _incident(self, m: Any, cards: list[RunCard]) -> IncidentView:
        return IncidentView(
            id=m["id"],
            organisation_id=m["organisation_id"],
            path=m["path"],
            title=m["title"],
            category=m["category"],
            incident_type=m["incident_type"],
            location=Point(m["lon"], m["lat"]),
            grade=m["grade"],
            status=m["status"],
            exercise=bool(m["exercise"]),
            updated_at=m["updated_at"],
            run_cards=tuple(cards),
        )

    def get_incident(self, incident_id: str) -> IncidentView | None:
        row = (
            self._conn.execute(sa.select(incidents).where(incidents.c.id == incident_id))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return self._incident(row, self._cards([incident_id]).get(incident_id, []))

    def save_incident(self, incident: IncidentView) -> None:
        values = {
            "organisation_id": incident.organisation_id,
            "path": incident.path,
            "title": incident.title,
            "category": incident.category,
            "incident_type": incident.incident_type,
            "lon": incident.location.lon,
            "lat": incident.location.lat,
            "grade": incident.grade,
            "status": incident.status,
            "exercise": incident.exercise,
            "updated_at": incident.updated_at,
        }
        updated = self._conn.execute(
            incidents.update().where(incidents.c.id == incident.id).values(**values)
        )
        if updated.rowcount == 0:
            self._conn.execute(incidents.insert().values(id=incident.id, **values))

    def list_incidents(self, scope_paths: Sequence[str], *, open_only: bool) -> list[IncidentView]:
        where = [_in_scope(incidents.c.path, scope_paths)]
        if open_only:
            where.append(incidents.c.status.not_in(["closed", "reviewed"]))
        rows = list(
            self._conn.execute(
                sa.select(incidents).where(*where).order_by(incidents.c.id)
            ).mappings()
        )
        cards = self._cards([r["id"] for r in rows])
        return [self._incident(r, cards.get(r["id"], [])) for r in rows]

    def save_run_card(self, card: RunCard) -> None:
        values = {
            "activation_id": card.activation_id,
            "level": card.level,
            "units": dict(card.units),
            "materials": dict(card.materials),
            "activated_at": card.activated_at,
        }
        updated = self._conn.execute(
            run_cards.update()
            .where(
                run_cards.c.incident_id == card.incident_id,
                run_cards.c.plan_code == card.plan_code,
            )
            .values(**values)
        )
        if updated.rowcount == 0:
            self._conn.execute(
                run_cards.insert().values(
                    incident_id=card.incident_id, plan_code=card.plan_code, **values
                )
            )

    def remove_run_card(self, activation_id: str) -> None:
        self._conn.execute(run_cards.delete().where(run_cards.c.activation_id == activation_id))

    # --- dispatch plans ---------------------------------------------------------------------
    def add_plan(self, plan: DispatchPlan) -> None:
        self._conn.execute(
            plans.insert().values(
                id=plan.id,
                organisation_id=plan.organisation_id,
                path=plan.path,
                status=plan.status.value,
                method=plan.method,
                body=_plan_body(plan),
                objective_s=plan.objective_s,
                greedy_objective_s=plan.greedy_objective_s,
                proposed_by=plan.proposed_by,
                created_at=plan.created_at,
                decided_by=plan.decided_by,
                decided_at=plan.decided_at,
                note=plan.note,
                travel_basis=plan.travel_basis,
                version=plan.version,
            )
        )

    def get_plan(self, plan_id: str) -> DispatchPlan | None:
        row = self._conn.execute(sa.select(plans).where(plans.c.id == plan_id)).mappings().first()
        return _plan(row) if row else None

    def list_plans(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[DispatchPlan], int]:
        where = _in_scope(plans.c.path, scope_paths)
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(plans).where(where)
        ).scalar_one()
        rows = self._conn.execute(
            sa.select(plans)
            .where(where)
            .order_by(plans.c.created_at.desc(), plans.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [_plan(r) for r in rows], int(total)

    def decide_plan(self, plan: DispatchPlan) -> bool:
        result = self._conn.execute(
            plans.update()
            .where(plans.c.id == plan.id, plans.c.status == PlanStatus.PROPOSED.value)
            .values(
                status=plan.status.value,
                body=_plan_body(plan),
                objective_s=plan.objective_s,
                decided_by=plan.decided_by,
                decided_at=plan.decided_at,
                note=plan.note,
                version=plans.c.version + 1,
            )
        )
        return result.rowcount == 1
