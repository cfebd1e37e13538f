"""Rows ↔ responders (skills, certifications, equipment and training as JSON text)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.geo import Point
from lifeline.reserves.personnel import (
    Certification,
    Leave,
    PersonnelKind,
    Responder,
    Roster,
    Shift,
    TrainingRecord,
)
from lifeline.reserves.store.tables import responders


def roster_json(roster: Roster | None) -> str | None:
    if roster is None:
        return None
    return json.dumps(
        {
            "utc_offset_min": roster.utc_offset_min,
            "shifts": [
                [s.weekday, s.start.isoformat("minutes"), s.end.isoformat("minutes")]
                for s in roster.shifts
            ],
            "leave": [
                [x.starts_at.isoformat(), x.ends_at.isoformat(), x.reason] for x in roster.leave
            ],
        }
    )


def roster_of(text: str | None) -> Roster | None:
    if text is None:
        return None
    data = json.loads(text)
    return Roster(
        shifts=tuple(
            Shift(int(wd), time.fromisoformat(start), time.fromisoformat(end))
            for wd, start, end in data["shifts"]
        ),
        leave=tuple(
            Leave(datetime.fromisoformat(a), datetime.fromisoformat(b), reason)
            for a, b, reason in data["leave"]
        ),
        utc_offset_min=int(data["utc_offset_min"]),
    )


def responder_row(r: Responder) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "organisation_id": r.organisation_id,
        "path": r.path,
        "kind": r.kind.value,
        "team": r.team,
        "skills": json.dumps(list(r.skills)),
        "certifications": json.dumps(
            [[c.name, c.expires_on.isoformat() if c.expires_on else None] for c in r.certifications]
        ),
        "equipment": json.dumps(list(r.equipment)),
        "lon": r.home_base.lon,
        "lat": r.home_base.lat,
        "available": r.available,
        "training": json.dumps([[t.on.isoformat(), t.title, t.hours, t.drill] for t in r.training]),
        "created_at": r.created_at,
        "roster": roster_json(r.roster),
    }


def responder_of(m: Any) -> Responder:
    return Responder(
        id=m["id"],
        name=m["name"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        kind=PersonnelKind(m["kind"]),
        team=m["team"],
        skills=tuple(json.loads(m["skills"])),
        certifications=tuple(
            Certification(name, date.fromisoformat(exp) if exp else None)
            for name, exp in json.loads(m["certifications"])
        ),
        equipment=tuple(json.loads(m["equipment"])),
        home_base=Point(m["lon"], m["lat"]),
        available=bool(m["available"]),
        created_at=m["created_at"],
        training=tuple(
            TrainingRecord(date.fromisoformat(on), title, hours, bool(drill))
            for on, title, hours, drill in json.loads(m["training"])
        ),
        roster=roster_of(m["roster"]),
    )


class ResponderRows:
    """Responder persistence on one connection; mixed into the reserves repository."""

    _conn: sa.Connection

    def add_responder(self, responder: Responder) -> None:
        self._conn.execute(responders.insert().values(**responder_row(responder)))

    def get_responder(self, responder_id: str) -> Responder | None:
        row = self._conn.execute(
            sa.select(responders).where(responders.c.id == responder_id)
        ).first()
        return responder_of(row._mapping) if row else None

    def update_responder(self, responder: Responder) -> None:
        self._conn.execute(
            responders.update()
            .where(responders.c.id == responder.id)
            .values(**responder_row(responder))
        )

    def list_responders(self, scope_paths: tuple[str, ...]) -> list[Responder]:
        if not scope_paths:
            return []
        cond = sa.or_(*(responders.c.path.startswith(p, autoescape=True) for p in scope_paths))
        rows = self._conn.execute(
            sa.select(responders).where(cond).order_by(responders.c.team, responders.c.name)
        ).all()
        return [responder_of(r._mapping) for r in rows]
