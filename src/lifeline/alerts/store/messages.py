"""Tables and repositories of public warnings and of alerts received from other agencies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.alerts.cap.model import (
    CapArea,
    CapCategory,
    CapCertainty,
    CapCircle,
    CapMsgType,
    CapResponseType,
    CapStatus,
    CapUrgency,
    NamedValue,
)
from lifeline.alerts.levels import Colour
from lifeline.alerts.model import AlertState, AlertText, ExternalAlert, PublicAlert
from lifeline.alerts.templates import Hazard
from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.kernel.errors import Conflict

alerts = sa.Table(
    "alert",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("organisation_path", sa.String(1024), nullable=False, index=True),
    sa.Column("identifier", sa.String(64), nullable=False, unique=True),
    sa.Column("hazard", sa.String(32), nullable=False),
    sa.Column("colour", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("msg_type", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("references_alert_id", sa.String(36), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
    sa.Column("body", sa.JSON(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)


external_alerts = sa.Table(
    "alert_external",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("organisation_path", sa.String(1024), nullable=False, index=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("sender", sa.String(255), nullable=False),
    sa.Column("identifier", sa.String(255), nullable=False),
    sa.Column("sent", UtcDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("msg_type", sa.String(16), nullable=False),
    sa.Column("event", sa.Text(), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("colour", sa.String(16), nullable=True),
    sa.Column("expires", UtcDateTime(), nullable=True),
    sa.Column("warnings", sa.JSON(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("document", sa.LargeBinary(), nullable=False),
    sa.UniqueConstraint("organisation_id", "sender", "identifier"),
)

external_rejected = sa.Table(
    "alert_external_rejected",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.Column("reasons", sa.JSON(), nullable=False),
    sa.Column("document", sa.LargeBinary(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)


def _area_json(area: CapArea) -> dict[str, Any]:
    return {
        "area_desc": area.area_desc,
        "polygons": [[list(p) for p in ring] for ring in area.polygons],
        "circles": [[c.lat, c.lon, c.radius_km] for c in area.circles],
        "geocodes": [[g.value_name, g.value] for g in area.geocodes],
        "altitude_ft": area.altitude_ft,
        "ceiling_ft": area.ceiling_ft,
    }


def _area(data: dict[str, Any]) -> CapArea:
    return CapArea(
        area_desc=data["area_desc"],
        polygons=tuple(
            tuple((float(p[0]), float(p[1])) for p in ring) for ring in data["polygons"]
        ),
        circles=tuple(CapCircle(*c) for c in data["circles"]),
        geocodes=tuple(NamedValue(*g) for g in data["geocodes"]),
        altitude_ft=data["altitude_ft"],
        ceiling_ft=data["ceiling_ft"],
    )


def _row(alert: PublicAlert) -> dict[str, Any]:
    body = {
        "category": alert.category.value,
        "response_type": alert.response_type.value,
        "urgency": alert.urgency.value,
        "certainty": alert.certainty.value,
        "texts": [
            {
                "language": t.language,
                "event": t.event,
                "headline": t.headline,
                "description": t.description,
                "instruction": t.instruction,
                "area_desc": t.area_desc,
            }
            for t in alert.texts
        ],
        "areas": [_area_json(a) for a in alert.areas],
        "signal": alert.signal,
        "template_id": alert.template_id,
        "template_version": alert.template_version,
        "submitted_by": alert.submitted_by,
        "submitted_at": alert.submitted_at.isoformat() if alert.submitted_at else None,
        "approved_by": alert.approved_by,
        "approved_at": alert.approved_at.isoformat() if alert.approved_at else None,
        "note": alert.note,
    }
    return {
        "id": alert.id,
        "organisation_id": alert.organisation_id,
        "organisation_path": alert.organisation_path,
        "identifier": alert.identifier,
        "hazard": alert.hazard.value,
        "colour": alert.colour.value,
        "status": alert.status.value,
        "msg_type": alert.msg_type.value,
        "state": alert.state.value,
        "references_alert_id": alert.references_alert_id,
        "expires_at": alert.expires_at,
        "created_by": alert.created_by,
        "created_at": alert.created_at,
        "published_at": alert.published_at,
        "body": body,
        "version": alert.version,
    }


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _alert(row: sa.Row[Any]) -> PublicAlert:
    body = row.body
    return PublicAlert(
        id=row.id,
        organisation_id=row.organisation_id,
        organisation_path=row.organisation_path,
        identifier=row.identifier,
        hazard=Hazard(row.hazard),
        colour=Colour(row.colour),
        status=CapStatus(row.status),
        msg_type=CapMsgType(row.msg_type),
        category=CapCategory(body["category"]),
        response_type=CapResponseType(body["response_type"]),
        urgency=CapUrgency(body["urgency"]),
        certainty=CapCertainty(body["certainty"]),
        texts=tuple(AlertText(**t) for t in body["texts"]),
        areas=tuple(_area(a) for a in body["areas"]),
        expires_at=row.expires_at,
        created_by=row.created_by,
        created_at=row.created_at,
        state=AlertState(row.state),
        signal=body["signal"],
        template_id=body["template_id"],
        template_version=body["template_version"],
        references_alert_id=row.references_alert_id,
        submitted_by=body["submitted_by"],
        submitted_at=_when(body["submitted_at"]),
        approved_by=body["approved_by"],
        approved_at=_when(body["approved_at"]),
        published_at=row.published_at,
        note=body["note"],
        version=row.version,
    )


class SqlAlertRepository:
    """Public warnings on one connection."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def add(self, alert: PublicAlert) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(alerts.insert().values(**_row(alert)))
        except sa.exc.IntegrityError as exc:
            raise Conflict(f"alert {alert.identifier} conflicts with an existing one") from exc

    def get(self, alert_id: str) -> PublicAlert | None:
        row = self._conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).first()
        return None if row is None else _alert(row)

    def by_identifier(self, identifier: str) -> PublicAlert | None:
        row = self._conn.execute(sa.select(alerts).where(alerts.c.identifier == identifier)).first()
        return None if row is None else _alert(row)

    def update(self, alert: PublicAlert, expected_version: int) -> bool:
        values = _row(alert)
        del values["id"]
        result = self._conn.execute(
            alerts.update()
            .where(alerts.c.id == alert.id, alerts.c.version == expected_version)
            .values(**values)
        )
        return result.rowcount == 1

    def identifiers_with_prefix(self, prefix: str) -> list[str]:
        rows = self._conn.execute(
            sa.select(alerts.c.identifier).where(alerts.c.identifier.startswith(prefix))
        )
        return [str(r[0]) for r in rows]

    def list_alerts(
        self,
        *,
        scope_paths: tuple[str, ...],
        states: tuple[AlertState, ...] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[PublicAlert]:
        conds = [_in_scope(alerts.c.organisation_path, scope_paths)]
        if states:
            conds.append(alerts.c.state.in_([s.value for s in states]))
        rows = self._conn.execute(
            sa.select(alerts)
            .where(*conds)
            .order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_alert(r) for r in rows]

    def published(self, *, status: CapStatus) -> list[PublicAlert]:
        rows = self._conn.execute(
            sa.select(alerts)
            .where(alerts.c.state == AlertState.PUBLISHED.value, alerts.c.status == status.value)
            .order_by(alerts.c.published_at.desc())
        )
        return [_alert(r) for r in rows]


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


class SqlExternalAlertRepository:
    """Alerts received from other agencies' feeds, and the entries that could not be read."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def add_if_new(self, alert: ExternalAlert) -> bool:
        t = external_alerts
        exists = self._conn.execute(
            sa.select(t.c.id).where(
                t.c.organisation_id == alert.organisation_id,
                t.c.sender == alert.sender,
                t.c.identifier == alert.identifier,
            )
        ).first()
        if exists is not None:
            return False
        self._conn.execute(
            t.insert().values(
                id=alert.id,
                organisation_id=alert.organisation_id,
                organisation_path=alert.organisation_path,
                source=alert.source,
                sender=alert.sender,
                identifier=alert.identifier,
                sent=alert.sent,
                status=alert.status.value,
                msg_type=alert.msg_type.value,
                event=alert.event,
                severity=alert.severity,
                colour=alert.colour,
                expires=alert.expires,
                warnings=list(alert.warnings),
                received_at=alert.received_at,
                document=alert.document,
            )
        )
        return True

    def add_rejected(
        self,
        *,
        id: str,
        organisation_id: str,
        source: str,
        position: int,
        reasons: tuple[str, ...],
        document: bytes,
        received_at: datetime,
    ) -> None:
        self._conn.execute(
            external_rejected.insert().values(
                id=id,
                organisation_id=organisation_id,
                source=source,
                position=position,
                reasons=list(reasons),
                document=document,
                received_at=received_at,
            )
        )

    def list_external(
        self, *, scope_paths: tuple[str, ...], limit: int = 50, offset: int = 0
    ) -> list[ExternalAlert]:
        t = external_alerts
        rows = self._conn.execute(
            sa.select(t)
            .where(_in_scope(t.c.organisation_path, scope_paths))
            .order_by(t.c.received_at.desc(), t.c.sent.desc(), t.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [
            ExternalAlert(
                id=r.id,
                organisation_id=r.organisation_id,
                organisation_path=r.organisation_path,
                source=r.source,
                sender=r.sender,
                identifier=r.identifier,
                sent=r.sent,
                status=CapStatus(r.status),
                msg_type=CapMsgType(r.msg_type),
                event=r.event,
                severity=r.severity,
                colour=r.colour,
                expires=r.expires,
                warnings=tuple(r.warnings),
                received_at=r.received_at,
                document=bytes(r.document),
            )
            for r in rows
        ]
