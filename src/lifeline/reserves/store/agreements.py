"""Rows ↔ enterprise supply agreements (virtual stock)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.geo import Point
from lifeline.reserves.model import SupplyAgreement
from lifeline.reserves.store.tables import agreements


def _agreement(m: Any) -> SupplyAgreement:
    return SupplyAgreement(
        id=m["id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        supplier=m["supplier"],
        material_code=m["material_code"],
        quantity_milli=int(m["quantity_milli"]),
        lead_time_min=float(m["lead_time_min"]),
        location=Point(m["lon"], m["lat"]),
        valid_until=m["valid_until"],
        created_at=m["created_at"],
    )


class AgreementRows:
    """Supply-agreement persistence on one connection; mixed into the reserves repository."""

    _conn: sa.Connection

    def add_agreement(self, agreement: SupplyAgreement) -> None:
        self._conn.execute(
            agreements.insert().values(
                id=agreement.id,
                organisation_id=agreement.organisation_id,
                path=agreement.path,
                supplier=agreement.supplier,
                material_code=agreement.material_code,
                quantity_milli=agreement.quantity_milli,
                lead_time_min=agreement.lead_time_min,
                lon=agreement.location.lon,
                lat=agreement.location.lat,
                valid_until=agreement.valid_until,
                created_at=agreement.created_at,
            )
        )

    def list_agreements(self, scope_paths: Sequence[str]) -> list[SupplyAgreement]:
        if not scope_paths:
            return []
        cond = sa.or_(*(agreements.c.path.startswith(p, autoescape=True) for p in scope_paths))
        rows = self._conn.execute(
            sa.select(agreements)
            .where(cond)
            .order_by(agreements.c.supplier, agreements.c.material_code, agreements.c.id)
        ).all()
        return [_agreement(r._mapping) for r in rows]
