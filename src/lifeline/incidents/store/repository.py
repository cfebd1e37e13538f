"""The SQL repository of the incidents context.

Incident updates are conditional on the stored ``version`` (optimistic concurrency): two
officers changing one incident at once cannot both win. Duplicate detection asks
:meth:`SqlIncidentsRepository.open_near`, an index range scan on (active, latitude) filtered
by longitude and the latest report time inside the same index, so it reads only a narrow band
around a report.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.incidents.model import (
    ACTIVE,
    CandidateStatus,
    Category,
    EventGroup,
    Facts,
    Grade,
    Incident,
    IncidentFilter,
    MergeCandidate,
    Photo,
    Rejection,
    Report,
    Reporter,
    SituationReport,
    Source,
    Status,
    Step,
)
from lifeline.incidents.store.tables import (
    groups,
    incidents,
    merge_candidates,
    photos,
    rejections,
    reports,
    sitreps,
    timeline_refs,
)
from lifeline.kernel import eventlog
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.geo import Area, Point


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _facts_json(f: Facts) -> str:
    return json.dumps(dataclasses.asdict(f), sort_keys=True)


def _facts(text: str) -> Facts:
    return Facts(**json.loads(text))


def _area_json(area: Area | None) -> str | None:
    return None if area is None else json.dumps(area.to_geojson())


def _area(text: str | None) -> Area | None:
    return None if text is None else Area(json.loads(text))


def _incident_row(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "category": i.category.value,
        "incident_type": i.incident_type,
        "status": i.status.value,
        "grade": i.grade.value,
        "computed_grade": i.computed_grade.value,
        "grade_reason": i.grade_reason,
        "grade_overridden": i.grade_overridden,
        "lon": i.location.lon,
        "lat": i.location.lat,
        "affected_area": _area_json(i.affected_area),
        "area_id": i.area_id,
        "organisation_id": i.organisation_id,
        "path": i.path,
        "source": i.source.value,
        "facts": _facts_json(i.facts),
        "description": i.description,
        "exercise": i.exercise,
        "group_id": i.group_id,
        "merged_into": i.merged_into,
        "opened_at": i.opened_at,
        "updated_at": i.updated_at,
        "last_report_at": i.last_report_at,
        "report_count": i.report_count,
        "steps": json.dumps([[s.status.value, s.at.isoformat(), s.by, s.note] for s in i.steps]),
        "last_sitrep_at": i.last_sitrep_at,
        "sitrep_reminded_at": i.sitrep_reminded_at,
        "version": i.version,
        "active": i.status in ACTIVE,
    }


def _incident(m: Any) -> Incident:
    return Incident(
        id=m["id"],
        title=m["title"],
        category=Category(m["category"]),
        incident_type=m["incident_type"],
        status=Status(m["status"]),
        grade=Grade(m["grade"]),
        computed_grade=Grade(m["computed_grade"]),
        grade_reason=m["grade_reason"],
        grade_overridden=bool(m["grade_overridden"]),
        location=Point(m["lon"], m["lat"]),
        affected_area=_area(m["affected_area"]),
        area_id=m["area_id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        source=Source(m["source"]),
        facts=_facts(m["facts"]),
        description=m["description"],
        exercise=bool(m["exercise"]),
        group_id=m["group_id"],
        merged_into=m["merged_into"],
        opened_at=m["opened_at"],
        updated_at=m["updated_at"],
        last_report_at=m["last_report_at"],
        report_count=int(m["report_count"]),
        steps=tuple(
            Step(Status(s), datetime.fromisoformat(at), by, note)
            for s, at, by, note in json.loads(m["steps"])
        ),
        last_sitrep_at=m["last_sitrep_at"],
        sitrep_reminded_at=m["sitrep_reminded_at"],
        version=int(m["version"]),
    )


def _report_row(r: Report) -> dict[str, Any]:
    return {
        "id": r.id,
        "incident_id": r.incident_id,
        "source": r.source.value,
        "incident_type": r.incident_type,
        "lon": r.location.lon,
        "lat": r.location.lat,
        "affected_area": _area_json(r.affected_area),
        "reporter_name": r.reporter.name,
        "reporter_phone": r.reporter.phone,
        "description": r.description,
        "facts": _facts_json(r.facts),
        "received_at": r.received_at,
        "entered_by": r.entered_by,
        "external_ref": r.external_ref,
        "photo_id": r.photo_id,
        "ip_hash": r.ip_hash,
        "exercise": r.exercise,
    }


def _report(m: Any) -> Report:
    return Report(
        id=m["id"],
        incident_id=m["incident_id"],
        source=Source(m["source"]),
        incident_type=m["incident_type"],
        location=Point(m["lon"], m["lat"]),
        affected_area=_area(m["affected_area"]),
        reporter=Reporter(m["reporter_name"], m["reporter_phone"]),
        description=m["description"],
        facts=_facts(m["facts"]),
        received_at=m["received_at"],
        entered_by=m["entered_by"],
        external_ref=m["external_ref"],
        photo_id=m["photo_id"],
        ip_hash=m["ip_hash"],
        exercise=bool(m["exercise"]),
    )


def _candidate_row(c: MergeCandidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "incident_id": c.incident_id,
        "main_id": c.main_id,
        "path": c.path,
        "distance_m": c.distance_m,
        "gap_s": c.gap_s,
        "reason": c.reason,
        "status": c.status.value,
        "created_at": c.created_at,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at,
        "note": c.note,
    }


def _candidate(m: Any) -> MergeCandidate:
    return MergeCandidate(
        id=m["id"],
        incident_id=m["incident_id"],
        main_id=m["main_id"],
        path=m["path"],
        distance_m=m["distance_m"],
        gap_s=m["gap_s"],
        reason=m["reason"],
        status=CandidateStatus(m["status"]),
        created_at=m["created_at"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        note=m["note"],
    )


def _group(m: Any) -> EventGroup:
    return EventGroup(
        id=m["id"],
        name=m["name"],
        hazard=m["hazard"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        exercise=bool(m["exercise"]),
        started_at=m["started_at"],
        created_by=m["created_by"],
    )


def _sitrep(m: Any) -> SituationReport:
    return SituationReport(
        id=m["id"],
        incident_id=m["incident_id"],
        number=int(m["number"]),
        summary=m["summary"],
        facts=_facts(m["facts"]),
        grade=Grade(m["grade"]),
        status=Status(m["status"]),
        filed_by=m["filed_by"],
        filed_at=m["filed_at"],
    )


class SqlIncidentsRepository:
    """:class:`lifeline.incidents.model.IncidentsRepository` on SQLAlchemy Core."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # --- incidents ----------------------------------------------------------------------------

    def add_incident(self, incident: Incident) -> None:
        self._conn.execute(incidents.insert().values(**_incident_row(incident)))

    def get_incident(self, incident_id: str) -> Incident | None:
        row = self._conn.execute(sa.select(incidents).where(incidents.c.id == incident_id)).first()
        return None if row is None else _incident(row._mapping)

    def update_incident(self, incident: Incident, expected_version: int) -> bool:
        values = _incident_row(incident)
        del values["id"]
        result = self._conn.execute(
            incidents.update()
            .where(incidents.c.id == incident.id, incidents.c.version == expected_version)
            .values(**values)
        )
        return result.rowcount == 1

    def list_incidents(
        self, where: IncidentFilter, limit: int, offset: int
    ) -> tuple[list[Incident], int]:
        conds = [_in_scope(incidents.c.path, where.scope_paths)]
        if where.statuses:
            conds.append(incidents.c.status.in_([s.value for s in where.statuses]))
        if where.group_id is not None:
            conds.append(incidents.c.group_id == where.group_id)
        if where.exercise is not None:
            conds.append(incidents.c.exercise == where.exercise)
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(incidents).where(*conds)
        ).scalar_one()
        rows = self._conn.execute(
            sa.select(incidents)
            .where(*conds)
            .order_by(incidents.c.opened_at.desc(), incidents.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return [_incident(r._mapping) for r in rows], int(total)

    def open_near(
        self, bbox: tuple[float, float, float, float], since: datetime, exercise: bool
    ) -> list[Incident]:
        min_lon, min_lat, max_lon, max_lat = bbox
        rows = self._conn.execute(
            sa.select(incidents).where(
                incidents.c.active.is_(True),
                incidents.c.last_report_at >= since,
                incidents.c.lat.between(min_lat, max_lat),
                incidents.c.lon.between(min_lon, max_lon),
                incidents.c.exercise == exercise,
            )
        ).all()
        return [_incident(r._mapping) for r in rows]

    def active_incidents(self) -> list[Incident]:
        rows = self._conn.execute(
            sa.select(incidents).where(incidents.c.active.is_(True)).order_by(incidents.c.id)
        ).all()
        return [_incident(r._mapping) for r in rows]

    # --- reports and photos -------------------------------------------------------------------

    def add_report(self, report: Report) -> None:
        self._conn.execute(reports.insert().values(**_report_row(report)))

    def get_report(self, report_id: str) -> Report | None:
        row = self._conn.execute(sa.select(reports).where(reports.c.id == report_id)).first()
        return None if row is None else _report(row._mapping)

    def reports_of(self, incident_id: str) -> list[Report]:
        rows = self._conn.execute(
            sa.select(reports)
            .where(reports.c.incident_id == incident_id)
            .order_by(reports.c.received_at, reports.c.id)
        ).all()
        return [_report(r._mapping) for r in rows]

    def move_reports(self, from_incident: str, to_incident: str) -> int:
        result = self._conn.execute(
            reports.update()
            .where(reports.c.incident_id == from_incident)
            .values(incident_id=to_incident)
        )
        return int(result.rowcount)

    def report_by_external_ref(self, entered_by: str, external_ref: str) -> Report | None:
        row = self._conn.execute(
            sa.select(reports).where(
                reports.c.entered_by == entered_by, reports.c.external_ref == external_ref
            )
        ).first()
        return None if row is None else _report(row._mapping)

    def recent_public_reports(
        self, *, ip_hash: str | None, phone: str | None, since: datetime
    ) -> tuple[int, int]:
        def count(cond: sa.ColumnElement[bool]) -> int:
            return int(
                self._conn.execute(
                    sa.select(sa.func.count())
                    .select_from(reports)
                    .where(
                        cond,
                        reports.c.source == Source.CITIZEN.value,
                        reports.c.received_at >= since,
                    )
                ).scalar_one()
            )

        by_ip = count(reports.c.ip_hash == ip_hash) if ip_hash else 0
        by_phone = count(reports.c.reporter_phone == phone) if phone else 0
        return by_ip, by_phone

    def caller_phones(self, incident_ids: Sequence[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {i: set() for i in incident_ids}
        if not incident_ids:
            return out
        rows = self._conn.execute(
            sa.select(reports.c.incident_id, reports.c.reporter_phone).where(
                reports.c.incident_id.in_(list(incident_ids)), reports.c.reporter_phone != ""
            )
        ).all()
        for incident_id, phone in rows:
            out[incident_id].add(phone)
        return out

    def add_photo(self, photo: Photo) -> None:
        self._conn.execute(
            photos.insert().values(
                id=photo.id,
                report_id=photo.report_id,
                content_type=photo.content_type,
                data=photo.data,
                received_at=photo.received_at,
            )
        )

    def get_photo(self, photo_id: str) -> Photo | None:
        row = self._conn.execute(sa.select(photos).where(photos.c.id == photo_id)).first()
        if row is None:
            return None
        m = row._mapping
        return Photo(
            id=m["id"],
            report_id=m["report_id"],
            content_type=m["content_type"],
            data=bytes(m["data"]),
            received_at=m["received_at"],
        )

    # --- merge candidates ---------------------------------------------------------------------

    def add_candidate(self, candidate: MergeCandidate) -> None:
        self._conn.execute(merge_candidates.insert().values(**_candidate_row(candidate)))

    def get_candidate(self, candidate_id: str) -> MergeCandidate | None:
        row = self._conn.execute(
            sa.select(merge_candidates).where(merge_candidates.c.id == candidate_id)
        ).first()
        return None if row is None else _candidate(row._mapping)

    def decide_candidate(self, candidate: MergeCandidate) -> bool:
        result = self._conn.execute(
            merge_candidates.update()
            .where(
                merge_candidates.c.id == candidate.id,
                merge_candidates.c.status == CandidateStatus.PENDING.value,
            )
            .values(
                status=candidate.status.value,
                decided_by=candidate.decided_by,
                decided_at=candidate.decided_at,
                note=candidate.note,
            )
        )
        return result.rowcount == 1

    def pending_candidates(
        self, scope_paths: tuple[str, ...], incident_id: str | None = None
    ) -> list[MergeCandidate]:
        conds = [
            merge_candidates.c.status == CandidateStatus.PENDING.value,
            _in_scope(merge_candidates.c.path, scope_paths),
        ]
        if incident_id is not None:
            conds.append(
                sa.or_(
                    merge_candidates.c.incident_id == incident_id,
                    merge_candidates.c.main_id == incident_id,
                )
            )
        rows = self._conn.execute(
            sa.select(merge_candidates)
            .where(*conds)
            .order_by(merge_candidates.c.created_at, merge_candidates.c.id)
        ).all()
        return [_candidate(r._mapping) for r in rows]

    # --- event groups and situation reports ---------------------------------------------------

    def add_group(self, group: EventGroup) -> None:
        self._conn.execute(
            groups.insert().values(
                id=group.id,
                name=group.name,
                hazard=group.hazard,
                organisation_id=group.organisation_id,
                path=group.path,
                exercise=group.exercise,
                started_at=group.started_at,
                created_by=group.created_by,
            )
        )

    def get_group(self, group_id: str) -> EventGroup | None:
        row = self._conn.execute(sa.select(groups).where(groups.c.id == group_id)).first()
        return None if row is None else _group(row._mapping)

    def list_groups(self, scope_paths: tuple[str, ...]) -> list[EventGroup]:
        rows = self._conn.execute(
            sa.select(groups)
            .where(_in_scope(groups.c.path, scope_paths))
            .order_by(groups.c.started_at.desc(), groups.c.id)
        ).all()
        return [_group(r._mapping) for r in rows]

    def add_sitrep(self, sitrep: SituationReport) -> None:
        self._conn.execute(
            sitreps.insert().values(
                id=sitrep.id,
                incident_id=sitrep.incident_id,
                number=sitrep.number,
                summary=sitrep.summary,
                facts=_facts_json(sitrep.facts),
                grade=sitrep.grade.value,
                status=sitrep.status.value,
                filed_by=sitrep.filed_by,
                filed_at=sitrep.filed_at,
            )
        )

    def sitreps_of(self, incident_id: str) -> list[SituationReport]:
        rows = self._conn.execute(
            sa.select(sitreps)
            .where(sitreps.c.incident_id == incident_id)
            .order_by(sitreps.c.number)
        ).all()
        return [_sitrep(r._mapping) for r in rows]

    # --- timeline and quarantine --------------------------------------------------------------

    def add_timeline_ref(self, incident_id: str, seq: int) -> None:
        exists = self._conn.execute(
            sa.select(timeline_refs.c.seq).where(
                timeline_refs.c.incident_id == incident_id, timeline_refs.c.seq == seq
            )
        ).first()
        if exists is None:
            self._conn.execute(timeline_refs.insert().values(incident_id=incident_id, seq=seq))

    def merged_children(self, incident_id: str) -> list[str]:
        rows = self._conn.execute(
            sa.select(incidents.c.id).where(incidents.c.merged_into == incident_id)
        ).all()
        return [r.id for r in rows]

    def timeline(self, incident_ids: Sequence[str]) -> list[StoredEvent]:
        ids = list(incident_ids)
        log = eventlog.event_log
        named = sa.select(timeline_refs.c.seq).where(timeline_refs.c.incident_id.in_(ids))
        return eventlog.read_where(
            self._conn,
            sa.or_(
                sa.and_(log.c.aggregate_type == "incident", log.c.aggregate_id.in_(ids)),
                log.c.seq.in_(named),
            ),
        )

    def add_rejection(self, rejection: Rejection) -> None:
        self._conn.execute(
            rejections.insert().values(
                id=rejection.id,
                source=rejection.source.value,
                received_at=rejection.received_at,
                actor_id=rejection.actor_id,
                reasons=json.dumps([list(r) for r in rejection.reasons]),
                record=json.dumps(rejection.record, default=str),
                path=rejection.path,
            )
        )

    def list_rejections(
        self, scope_paths: tuple[str, ...], include_unowned: bool, limit: int
    ) -> list[Rejection]:
        visible = _in_scope(rejections.c.path, scope_paths)
        if include_unowned:
            visible = sa.or_(visible, rejections.c.path == "/")
        rows = self._conn.execute(
            sa.select(rejections)
            .where(visible)
            .order_by(rejections.c.received_at.desc(), rejections.c.id.desc())
            .limit(limit)
        ).all()
        return [
            Rejection(
                id=r.id,
                source=Source(r.source),
                received_at=r.received_at,
                actor_id=r.actor_id,
                reasons=tuple((f, why) for f, why in json.loads(r.reasons)),
                record=json.loads(r.record),
                path=r.path,
            )
            for r in rows
        ]
