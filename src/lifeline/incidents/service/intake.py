"""Intake: calls, citizens' reports, department systems and alarms become reports, and each
report either opens an incident, joins the one it duplicates, or opens one and waits in the
merge queue for a person (see :mod:`lifeline.incidents.merging`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from lifeline.incidents import messages as msg
from lifeline.incidents.codes import code_list
from lifeline.incidents.events import (
    IncidentGraded,
    IncidentOpened,
    IntakeRejected,
    MergeCandidateQueued,
    ReportReceived,
)
from lifeline.incidents.grading import evaluate
from lifeline.incidents.merging import MergeDecision, Sighting, Verdict, bbox_around, decide
from lifeline.incidents.model import (
    CandidateStatus,
    Facts,
    Incident,
    IncidentType,
    MergeCandidate,
    Photo,
    Rejection,
    Report,
    Reporter,
    Source,
    Status,
    Step,
)
from lifeline.incidents.service._common import (
    IntakeSettings,
    Place,
    authorize_collection,
    check_jurisdiction,
    locate,
    repo_of,
)
from lifeline.kernel.access import ActorKind
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, Forbidden, InvalidInput, TooManyRequests
from lifeline.kernel.geo import Area, Point
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork

MAX_CANDIDATES = 5
"""At most this many merge candidates are queued for one ambiguous report."""

PHOTO_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """The report, the incident it belongs to now, and what duplicate detection decided."""

    report: Report
    incident: Incident
    verdict: Verdict
    candidates: tuple[MergeCandidate, ...] = ()
    replayed: bool = False  # the same department record again: the first report


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReport:
    """A validated report before it is placed: everything intake needs."""

    source: Source
    incident_type: IncidentType
    location: Point
    affected_area: Area | None
    reporter: Reporter
    description: str
    facts: Facts
    title: str
    exercise: bool
    received_at: datetime
    entered_by: str
    external_ref: str | None = None
    alarm_id: str | None = None
    ip_hash: str | None = None
    photo_id: str | None = None


def _sighting(
    at: datetime, location: Point, t: IncidentType, exercise: bool, phones: set[str], id_: str = ""
) -> Sighting:
    return Sighting(
        at=at,
        location=location,
        merge_group=t.merge_group,
        category=t.category.value,
        exercise=exercise,
        phones=frozenset(phones),
        id=id_,
    )


def _find_duplicates(
    uow: UnitOfWork, new: NewReport, settings: IntakeSettings
) -> tuple[MergeDecision, dict[str, Incident]]:
    rules = settings.merge
    repo = repo_of(uow)
    near = repo.open_near(
        bbox_around(new.location, rules.search_radius_m),
        new.received_at - timedelta(seconds=rules.search_window_s),
        new.exercise,
    )
    by_id = {i.id: i for i in near}
    phones = repo.caller_phones(list(by_id))
    codes = code_list()
    sightings = [  # an incident whose type left the code list matches nothing
        _sighting(i.last_report_at, i.location, t, i.exercise, phones.get(i.id, set()), i.id)
        for i in near
        if (t := codes.types.get(i.incident_type)) is not None
    ]
    me = _sighting(
        new.received_at,
        new.location,
        new.incident_type,
        new.exercise,
        {new.reporter.phone} if new.reporter.phone else set(),
    )
    return decide(me, sightings, rules), by_id


def intake(uow: UnitOfWork, new: NewReport, place: Place, settings: IntakeSettings) -> IntakeResult:
    """Record the report: merged into its one duplicate, or a new incident (queued for a
    person when duplicates are ambiguous). Emits the events in the same unit of work."""
    repo = repo_of(uow)
    decision, near = _find_duplicates(uow, new, settings)
    report_id = new_id()
    t = new.incident_type
    if decision.verdict is Verdict.MERGE and decision.main_id is not None:
        main = near[decision.main_id]
        report = _report(new, report_id, main.id)
        repo.add_report(report)
        updated = dataclasses.replace(
            main,
            last_report_at=max(main.last_report_at, new.received_at),
            report_count=main.report_count + 1,
            updated_at=uow.clock.now(),
            version=main.version + 1,
        )
        if not repo.update_incident(updated, main.version):
            raise Conflict("the incident was changed concurrently; retry")
        uow.record(
            _received(new, report, updated, duplicate=True, reason=decision.matches[0].reason)
        )
        return IntakeResult(report, updated, Verdict.MERGE)

    now = uow.clock.now()
    graded = evaluate(new.facts, code_list().criteria_for(t))
    incident = Incident(
        id=new_id(),
        title=new.title or f"{t.name} {t.name_en}",
        category=t.category,
        incident_type=t.code,
        status=Status.REPORTED,
        grade=graded.grade,
        computed_grade=graded.grade,
        grade_reason=graded.reason,
        grade_overridden=False,
        location=new.location,
        affected_area=new.affected_area,
        area_id=place.area_id,
        organisation_id=place.organisation_id,
        path=place.path,
        source=new.source,
        facts=new.facts,
        description=new.description,
        exercise=new.exercise,
        group_id=None,
        merged_into=None,
        opened_at=now,
        updated_at=now,
        last_report_at=new.received_at,
        report_count=1,
        steps=(Step(Status.REPORTED, now, new.entered_by, f"opened from a {new.source.value}"),),
    )
    repo.add_incident(incident)
    report = _report(new, report_id, incident.id)
    repo.add_report(report)
    uow.record(
        IncidentOpened(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            title=incident.title,
            category=incident.category.value,
            incident_type=incident.incident_type,
            source=incident.source.value,
            lon=incident.location.lon,
            lat=incident.location.lat,
            area_id=incident.area_id,
            exercise=incident.exercise,
        ),
        _received(new, report, incident, duplicate=False),
        IncidentGraded(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            grade=incident.grade.value,
            previous_grade=None,
            reason=incident.grade_reason,
            overridden=False,
            category=incident.category.value,
            incident_type=incident.incident_type,
            lon=incident.location.lon,
            lat=incident.location.lat,
            exercise=incident.exercise,
        ),
    )
    candidates: list[MergeCandidate] = []
    if decision.verdict is Verdict.ASK:
        for m in decision.matches[:MAX_CANDIDATES]:
            candidate = MergeCandidate(
                id=new_id(),
                incident_id=incident.id,
                main_id=m.incident_id,
                path=_common_path(incident.path, near[m.incident_id].path),
                distance_m=m.distance_m,
                gap_s=m.gap_s,
                reason=m.reason,
                status=CandidateStatus.PENDING,
                created_at=now,
            )
            repo.add_candidate(candidate)
            candidates.append(candidate)
            uow.record(
                MergeCandidateQueued(
                    aggregate_id=incident.id,
                    organisation_id=incident.organisation_id,
                    candidate_id=candidate.id,
                    main_id=candidate.main_id,
                    distance_m=round(m.distance_m, 1),
                    gap_s=round(m.gap_s, 1),
                    reason=m.reason,
                )
            )
    return IntakeResult(report, incident, decision.verdict, tuple(candidates))


def _common_path(a: str, b: str) -> str:
    """The deepest organisation path containing both (who may decide a merge across them)."""
    parts_a, parts_b = a.strip("/").split("/"), b.strip("/").split("/")
    common: list[str] = []
    for x, y in zip(parts_a, parts_b, strict=False):
        if x != y:
            break
        common.append(x)
    return "/" + "".join(f"{p}/" for p in common) if common else "/"


def _report(new: NewReport, report_id: str, incident_id: str) -> Report:
    return Report(
        id=report_id,
        incident_id=incident_id,
        source=new.source,
        incident_type=new.incident_type.code,
        location=new.location,
        affected_area=new.affected_area,
        reporter=new.reporter,
        description=new.description,
        facts=new.facts,
        received_at=new.received_at,
        entered_by=new.entered_by,
        external_ref=new.external_ref,
        ip_hash=new.ip_hash,
        photo_id=new.photo_id,
        exercise=new.exercise,
    )


def _received(
    new: NewReport, report: Report, incident: Incident, *, duplicate: bool, reason: str = ""
) -> ReportReceived:
    return ReportReceived(
        aggregate_id=incident.id,
        organisation_id=incident.organisation_id,
        report_id=report.id,
        source=report.source.value,
        incident_type=report.incident_type,
        lon=report.location.lon,
        lat=report.location.lat,
        duplicate=duplicate,
        reason=reason,
        alarm_id=new.alarm_id,
        external_ref=new.external_ref,
        has_photo=report.photo_id is not None,
    )


# --- the intake commands ---------------------------------------------------------------------


def _validated(
    cmd: msg.Intake, ctx: HandlerContext, received_at: datetime | None
) -> tuple[IncidentType, datetime]:
    t = code_list().type(cmd.incident_type)
    now = ctx.uow.clock.now()
    at = received_at or now
    if at.tzinfo is None:
        raise InvalidInput("received_at", "must carry a time zone")
    if at > now + timedelta(seconds=5):
        raise InvalidInput("received_at", "lies in the future")
    if len(cmd.description) > 4000:
        raise InvalidInput("description", "at most 4,000 characters")
    return t, at


def _new(
    cmd: msg.Intake,
    ctx: HandlerContext,
    source: Source,
    t: IncidentType,
    at: datetime,
    **extra: str | None,
) -> NewReport:
    return NewReport(
        source=source,
        incident_type=t,
        location=cmd.location,
        affected_area=cmd.affected_area,
        reporter=Reporter(cmd.reporter.name.strip(), cmd.reporter.phone.strip()),
        description=cmd.description.strip(),
        facts=cmd.facts,
        title=cmd.title.strip(),
        exercise=cmd.exercise,
        received_at=at,
        entered_by=ctx.actor.ref,
        **extra,
    )


def receive_call(
    cmd: msg.ReceiveCall, ctx: HandlerContext, *, settings: IntakeSettings
) -> IntakeResult:
    t, at = _validated(cmd, ctx, cmd.received_at)
    place = locate(ctx.uow, cmd.location)
    check_jurisdiction(ctx, place, cmd.permission)
    return intake(ctx.uow, _new(cmd, ctx, Source.CALL, t, at), place, settings)


def receive_department_report(
    cmd: msg.ReceiveDepartmentReport, ctx: HandlerContext, *, settings: IntakeSettings
) -> IntakeResult:
    if ctx.actor.kind not in (ActorKind.SERVICE, ActorKind.SYSTEM):
        raise Forbidden("department reports come from a service account; people enter calls")
    ref = cmd.external_ref.strip()
    if not ref or len(ref) > 120:
        raise InvalidInput("external_ref", "is required (at most 120 characters)")
    repo = repo_of(ctx.uow)
    earlier = repo.report_by_external_ref(ctx.actor.ref, ref)
    if earlier is not None:  # the same record sent again: answer the first report
        incident = repo.get_incident(earlier.incident_id)
        assert incident is not None
        ctx.authorize(target_kind="incident", target_id=incident.id, target_path=incident.path)
        return IntakeResult(earlier, incident, Verdict.NEW, replayed=True)
    t, at = _validated(cmd, ctx, None)
    place = locate(ctx.uow, cmd.location)
    check_jurisdiction(ctx, place, cmd.permission)
    return intake(
        ctx.uow, _new(cmd, ctx, Source.DEPARTMENT, t, at, external_ref=ref), place, settings
    )


def ip_hash(client_ip: str) -> str:
    """Addresses are kept only as a SHA-256 digest, enough to count reports per address."""
    return hashlib.sha256(f"lifeline-public-report:{client_ip}".encode()).hexdigest()


def _photo_type(declared: str, data: bytes, settings: IntakeSettings) -> str:
    if not data:
        raise InvalidInput("photo", "is empty")
    if len(data) > settings.photo_max_bytes:
        raise InvalidInput("photo", f"larger than {settings.photo_max_bytes:,} bytes")
    for magic, content_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            if declared and declared != content_type:
                raise InvalidInput("photo", f"declared {declared} but the bytes are {content_type}")
            return content_type
    raise InvalidInput("photo", "must be a JPEG or PNG image")


def receive_public_report(
    cmd: msg.ReceivePublicReport, ctx: HandlerContext, *, settings: IntakeSettings
) -> IntakeResult:
    t, at = _validated(cmd, ctx, None)
    phone = cmd.reporter.phone.strip()
    if not phone:
        raise InvalidInput("reporter.phone", "a phone number is needed so the centre can call back")
    digest = ip_hash(cmd.client_ip)
    by_ip, by_phone = repo_of(ctx.uow).recent_public_reports(
        ip_hash=digest, phone=phone, since=at - timedelta(seconds=settings.public_window_s)
    )
    window_min = settings.public_window_s / 60
    if by_ip >= settings.public_per_ip:
        raise TooManyRequests(
            f"at most {settings.public_per_ip} reports per {window_min:g} min from one address",
            retry_after_s=int(settings.public_window_s),
        )
    if by_phone >= settings.public_per_phone:
        raise TooManyRequests(
            f"at most {settings.public_per_phone} reports per {window_min:g} min from one phone",
            retry_after_s=int(settings.public_window_s),
        )
    content_type = _photo_type(*cmd.photo, settings) if cmd.photo is not None else None
    place = locate(ctx.uow, cmd.location)
    check_jurisdiction(ctx, place, cmd.permission)
    photo_id = new_id() if cmd.photo is not None else None
    new = _new(cmd, ctx, Source.CITIZEN, t, at, ip_hash=digest, photo_id=photo_id)
    result = intake(ctx.uow, new, place, settings)
    if cmd.photo is not None and photo_id is not None and content_type is not None:
        repo_of(ctx.uow).add_photo(
            Photo(
                id=photo_id,
                report_id=result.report.id,
                content_type=content_type,
                data=cmd.photo[1],
                received_at=at,
            )
        )
    return result


def quarantine(
    uow: UnitOfWork,
    *,
    source: Source,
    reasons: tuple[tuple[str, str], ...],
    record: dict[str, object],
    actor_id: str,
    path: str = "/",
) -> Rejection:
    """Keep a refused intake (nothing is dropped silently) and chain an ``IntakeRejected``."""
    rejection = Rejection(
        id=new_id(),
        source=source,
        received_at=uow.clock.now(),
        actor_id=actor_id,
        reasons=reasons,
        record=record,
        path=path,
    )
    repo_of(uow).add_rejection(rejection)
    uow.record(IntakeRejected(aggregate_id=rejection.id, source=source.value, reasons=reasons))
    return rejection


def quarantine_intake(cmd: msg.QuarantineIntake, ctx: HandlerContext) -> Rejection:
    return quarantine(
        ctx.uow,
        source=Source(cmd.source),
        reasons=cmd.reasons,
        record=cmd.record,
        actor_id=cmd.refused_actor,
        path=cmd.refused_path,
    )


def list_rejections(query: msg.ListRejections, ctx: HandlerContext) -> list[Rejection]:
    """Rejections of callers in scope; a top-level organisation (the city) or the platform
    also sees the refused reports of the public and of alarms."""
    authorize_collection(ctx, "incident_intake")
    top = any(p == "/" or p.count("/") == 2 for p in ctx.scope_paths)
    return repo_of(ctx.uow).list_rejections(ctx.scope_paths, top, max(1, min(query.limit, 500)))
