"""The SQL repository for rules and their versions, alarms, comments and silences."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.eventlog import event_log, last_seq
from lifeline.kernel.events import StoredEvent
from lifeline.warning.model import (
    Alarm,
    AlarmComment,
    AlarmFilter,
    AlarmStatus,
    Rule,
    RuleVersion,
    Silence,
    SilenceKind,
)
from lifeline.warning.store.tables import (
    alarms,
    comments,
    rule_versions,
    rules,
    silences,
    snapshots,
)


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _rule(m: Any) -> Rule:
    return Rule(
        id=m["id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        name=m["name"],
        version=m["version"],
        enabled=bool(m["enabled"]),
        definition=json.loads(m["definition"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        created_by=m["created_by"],
    )


def _alarm_row(a: Alarm) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule_id": a.rule_id,
        "rule_version": a.rule_version,
        "rule_snapshot": json.dumps(a.rule_snapshot),
        "source_id": a.source_id,
        "thing_id": a.thing_id,
        "organisation_id": a.organisation_id,
        "path": a.path,
        "area_id": a.area_id,
        "lon": a.lon,
        "lat": a.lat,
        "scale": a.scale,
        "level": a.level,
        "rank": a.rank,
        "max_rank": a.max_rank,
        "hazard": a.hazard,
        "title": a.title,
        "status": a.status.value,
        "raised_at": a.raised_at,
        "updated_at": a.updated_at,
        "evidence": json.dumps(a.evidence),
        "exercise": a.exercise,
        "retrigger_count": a.retrigger_count,
        "acknowledged_at": a.acknowledged_at,
        "acknowledged_by": a.acknowledged_by,
        "assigned_to": a.assigned_to,
        "cleared_at": a.cleared_at,
        "clear_reason": a.clear_reason,
        "flapping": a.flapping,
        "clear_pending_since": a.clear_pending_since,
        "changes": json.dumps(a.changes),
        "incident_proposed": a.incident_proposed,
        "escalation_step": a.escalation_step,
        "next_step_at": a.next_step_at,
        "repeats_done": a.repeats_done,
    }


def _alarm(m: Any) -> Alarm:
    return Alarm(
        id=m["id"],
        rule_id=m["rule_id"],
        rule_version=m["rule_version"],
        rule_snapshot=json.loads(m["rule_snapshot"]),
        source_id=m["source_id"],
        thing_id=m["thing_id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        area_id=m["area_id"],
        lon=m["lon"],
        lat=m["lat"],
        scale=m["scale"],
        level=m["level"],
        rank=m["rank"],
        max_rank=m["max_rank"],
        hazard=m["hazard"],
        title=m["title"],
        status=AlarmStatus(m["status"]),
        raised_at=m["raised_at"],
        updated_at=m["updated_at"],
        evidence=json.loads(m["evidence"]),
        exercise=bool(m["exercise"]),
        retrigger_count=m["retrigger_count"],
        acknowledged_at=m["acknowledged_at"],
        acknowledged_by=m["acknowledged_by"],
        assigned_to=m["assigned_to"],
        cleared_at=m["cleared_at"],
        clear_reason=m["clear_reason"],
        flapping=bool(m["flapping"]),
        clear_pending_since=m["clear_pending_since"],
        changes=json.loads(m["changes"]),
        incident_proposed=bool(m["incident_proposed"]),
        escalation_step=m["escalation_step"],
        next_step_at=m["next_step_at"],
        repeats_done=m["repeats_done"],
    )


def _silence(m: Any) -> Silence:
    return Silence(
        id=m["id"],
        kind=SilenceKind(m["kind"]),
        organisation_id=m["organisation_id"],
        path=m["path"],
        starts_at=m["starts_at"],
        ends_at=m["ends_at"],
        reason=m["reason"],
        created_by=m["created_by"],
        created_at=m["created_at"],
        rule_id=m["rule_id"],
        source_id=m["source_id"],
        thing_id=m["thing_id"],
        ended_at=m["ended_at"],
    )


# one compiled statement for every alarm update (the evaluator saves alarms in bursts)
_UPDATE_ALARM = alarms.update().where(alarms.c.id == sa.bindparam("_id"))


class SqlWarningRepository:
    """Rules, alarms, comments and silences on one connection (the unit of work's)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    # --- rules ---------------------------------------------------------------------------------
    def _version_row(self, v: RuleVersion) -> dict[str, Any]:
        return {
            "rule_id": v.rule_id,
            "version": v.version,
            "definition": json.dumps(v.definition),
            "enabled": v.enabled,
            "created_at": v.created_at,
            "created_by": v.created_by,
            "note": v.note,
        }

    def _rule_row(self, r: Rule) -> dict[str, Any]:
        return {
            "id": r.id,
            "organisation_id": r.organisation_id,
            "path": r.path,
            "name": r.name,
            "version": r.version,
            "enabled": r.enabled,
            "definition": json.dumps(r.definition),
            "created_at": r.created_at,
            "updated_at": r.updated_at,
            "created_by": r.created_by,
        }

    def add_rule(self, rule: Rule, version: RuleVersion) -> None:
        self.conn.execute(rules.insert().values(**self._rule_row(rule)))
        self.conn.execute(rule_versions.insert().values(**self._version_row(version)))

    def update_rule(self, rule: Rule, version: RuleVersion) -> None:
        self.conn.execute(
            rules.update().where(rules.c.id == rule.id).values(**self._rule_row(rule))
        )
        self.conn.execute(rule_versions.insert().values(**self._version_row(version)))

    def get_rule(self, rule_id: str) -> Rule | None:
        row = self.conn.execute(sa.select(rules).where(rules.c.id == rule_id)).mappings().first()
        return _rule(row) if row else None

    def list_rules(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Rule], int]:
        where = _in_scope(rules.c.path, scope_paths)
        total = self.conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self.conn.execute(
            sa.select(rules)
            .where(where)
            .order_by(rules.c.created_at, rules.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [_rule(r) for r in rows], int(total)

    def enabled_rules(self) -> list[Rule]:
        rows = self.conn.execute(
            sa.select(rules).where(rules.c.enabled == sa.true()).order_by(rules.c.id)
        ).mappings()
        return [_rule(r) for r in rows]

    def rules_stamp(self) -> str:
        """Changes whenever any rule changes (count and latest version time)."""
        row = self.conn.execute(
            sa.select(sa.func.count(), sa.func.max(rule_versions.c.created_at))
        ).one()
        return f"{row[0]}:{row[1]}"

    def rule_versions(self, rule_id: str) -> list[RuleVersion]:
        rows = self.conn.execute(
            sa.select(rule_versions)
            .where(rule_versions.c.rule_id == rule_id)
            .order_by(rule_versions.c.version)
        ).mappings()
        return [
            RuleVersion(
                rule_id=r["rule_id"],
                version=r["version"],
                definition=json.loads(r["definition"]),
                enabled=bool(r["enabled"]),
                created_at=r["created_at"],
                created_by=r["created_by"],
                note=r["note"],
            )
            for r in rows
        ]

    # --- alarms --------------------------------------------------------------------------------
    def add_alarm(self, alarm: Alarm) -> None:
        self.conn.execute(alarms.insert(), _alarm_row(alarm))

    def save_alarm(self, alarm: Alarm) -> None:
        row = _alarm_row(alarm)
        row["_id"] = row.pop("id")
        self.conn.execute(_UPDATE_ALARM, row)

    def get_alarm(self, alarm_id: str) -> Alarm | None:
        row = self.conn.execute(sa.select(alarms).where(alarms.c.id == alarm_id)).mappings().first()
        return _alarm(row) if row else None

    def open_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None:
        row = (
            self.conn.execute(
                sa.select(alarms).where(
                    alarms.c.rule_id == rule_id,
                    alarms.c.source_id == source_id,
                    alarms.c.status == AlarmStatus.OPEN.value,
                )
            )
            .mappings()
            .first()
        )
        return _alarm(row) if row else None

    def latest_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None:
        row = (
            self.conn.execute(
                sa.select(alarms)
                .where(alarms.c.rule_id == rule_id, alarms.c.source_id == source_id)
                .order_by(alarms.c.raised_at.desc(), alarms.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return _alarm(row) if row else None

    def current_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None:
        row = (
            self.conn.execute(
                sa.select(alarms)
                .where(alarms.c.rule_id == rule_id, alarms.c.source_id == source_id)
                .order_by(
                    sa.case((alarms.c.status == AlarmStatus.OPEN.value, 0), else_=1),
                    alarms.c.raised_at.desc(),
                    alarms.c.id.desc(),
                )
                .limit(1)
            )
            .mappings()
            .first()
        )
        return _alarm(row) if row else None

    def open_alarms(self, scope_paths: Sequence[str] | None = None) -> list[Alarm]:
        query = sa.select(alarms).where(alarms.c.status == AlarmStatus.OPEN.value)
        if scope_paths is not None:
            query = query.where(_in_scope(alarms.c.path, scope_paths))
        return [_alarm(r) for r in self.conn.execute(query.order_by(alarms.c.id)).mappings()]

    def due_alarms(self, now: datetime) -> list[Alarm]:
        query = sa.select(alarms).where(
            alarms.c.status == AlarmStatus.OPEN.value,
            sa.or_(
                alarms.c.next_step_at <= now,
                alarms.c.clear_pending_since.is_not(None),
            ),
        )
        return [_alarm(r) for r in self.conn.execute(query.order_by(alarms.c.id)).mappings()]

    def list_alarms(
        self, scope_paths: Sequence[str], flt: AlarmFilter, limit: int, offset: int
    ) -> tuple[list[Alarm], int]:
        conds = [_in_scope(alarms.c.path, scope_paths)]
        if flt.status is not None:
            conds.append(alarms.c.status == flt.status.value)
        if flt.rule_id is not None:
            conds.append(alarms.c.rule_id == flt.rule_id)
        if flt.source_id is not None:
            conds.append(alarms.c.source_id == flt.source_id)
        if flt.min_rank is not None:
            conds.append(alarms.c.rank >= flt.min_rank)
        if flt.hazard is not None:
            conds.append(alarms.c.hazard == flt.hazard)
        if flt.acknowledged is not None:
            ack = alarms.c.acknowledged_at
            conds.append(ack.is_not(None) if flt.acknowledged else ack.is_(None))
        if flt.organisation_path is not None:
            conds.append(alarms.c.path.startswith(flt.organisation_path, autoescape=True))
        where = sa.and_(*conds)
        total = self.conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self.conn.execute(
            sa.select(alarms)
            .where(where)
            .order_by(alarms.c.raised_at.desc(), alarms.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        return [_alarm(r) for r in rows], int(total)

    def add_comment(self, comment: AlarmComment) -> None:
        self.conn.execute(
            comments.insert().values(
                id=comment.id,
                alarm_id=comment.alarm_id,
                author=comment.author,
                text=comment.text,
                at=comment.at,
            )
        )

    def comments(self, alarm_id: str) -> list[AlarmComment]:
        rows = self.conn.execute(
            sa.select(comments).where(comments.c.alarm_id == alarm_id).order_by(comments.c.at)
        ).mappings()
        return [AlarmComment(r["id"], r["alarm_id"], r["author"], r["text"], r["at"]) for r in rows]

    def last_event_seq(self) -> int:
        return last_seq(self.conn)

    def alarm_events_after(
        self, after_seq: int, scope_paths: Sequence[str], limit: int
    ) -> tuple[list[StoredEvent], int]:
        """Alarm events after ``after_seq`` on alarms in scope, and the last ``seq`` examined
        (so a reader skips events outside its scope without reading them again)."""
        window = self.conn.execute(
            sa.select(event_log.c.seq)
            .where(event_log.c.seq > after_seq)
            .order_by(event_log.c.seq)
            .limit(limit)
        ).all()
        if not window:
            return [], after_seq
        upto = int(window[-1][0])
        rows = self.conn.execute(
            sa.select(event_log)
            .join(alarms, alarms.c.id == event_log.c.aggregate_id)
            .where(
                event_log.c.seq > after_seq,
                event_log.c.seq <= upto,
                event_log.c.aggregate_type == "alarm",
                _in_scope(alarms.c.path, scope_paths),
            )
            .order_by(event_log.c.seq)
        ).mappings()
        events = [
            StoredEvent(
                seq=int(r["seq"]),
                id=r["id"],
                type=r["type"],
                aggregate_type=r["aggregate_type"],
                aggregate_id=r["aggregate_id"],
                actor_id=r["actor_id"],
                organisation_id=r["organisation_id"],
                occurred_at=r["occurred_at"],
                payload=json.loads(r["payload"]),
                prev_hash=r["prev_hash"],
                hash=r["hash"],
            )
            for r in rows
        ]
        return events, upto

    # --- silences ------------------------------------------------------------------------------
    def _silence_row(self, s: Silence) -> dict[str, Any]:
        return {
            "id": s.id,
            "kind": s.kind.value,
            "organisation_id": s.organisation_id,
            "path": s.path,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "reason": s.reason,
            "created_by": s.created_by,
            "created_at": s.created_at,
            "rule_id": s.rule_id,
            "source_id": s.source_id,
            "thing_id": s.thing_id,
            "ended_at": s.ended_at,
        }

    def add_silence(self, silence: Silence) -> None:
        self.conn.execute(silences.insert().values(**self._silence_row(silence)))

    def save_silence(self, silence: Silence) -> None:
        self.conn.execute(
            silences.update()
            .where(silences.c.id == silence.id)
            .values(**self._silence_row(silence))
        )

    def get_silence(self, silence_id: str) -> Silence | None:
        row = (
            self.conn.execute(sa.select(silences).where(silences.c.id == silence_id))
            .mappings()
            .first()
        )
        return _silence(row) if row else None

    def active_silences(self, at: datetime) -> list[Silence]:
        rows = self.conn.execute(
            sa.select(silences).where(
                silences.c.starts_at <= at, silences.c.ends_at > at, silences.c.ended_at.is_(None)
            )
        ).mappings()
        return [_silence(r) for r in rows]

    def current_silences(self, at: datetime) -> list[Silence]:
        rows = self.conn.execute(
            sa.select(silences)
            .where(silences.c.ends_at > at, silences.c.ended_at.is_(None))
            .order_by(silences.c.starts_at, silences.c.id)
        ).mappings()
        return [_silence(r) for r in rows]

    def list_silences(self, scope_paths: Sequence[str]) -> list[Silence]:
        rows = self.conn.execute(
            sa.select(silences)
            .where(_in_scope(silences.c.path, scope_paths))
            .order_by(silences.c.starts_at.desc())
        ).mappings()
        return [_silence(r) for r in rows]

    def load_snapshot(self, name: str, *, for_update: bool = False) -> bytes | None:
        query = sa.select(snapshots.c.payload).where(snapshots.c.name == name)
        if for_update:
            query = query.with_for_update()
        value = self.conn.execute(query).scalar()
        return None if value is None else bytes(value)

    def save_snapshot(self, name: str, payload: bytes, at: datetime) -> None:
        done = self.conn.execute(
            snapshots.update().where(snapshots.c.name == name).values(payload=payload, taken_at=at)
        )
        if done.rowcount == 0:
            self.conn.execute(snapshots.insert().values(name=name, payload=payload, taken_at=at))
