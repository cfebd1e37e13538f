"""The merge queue: a person confirms or rejects what duplicate detection could not decide."""

from __future__ import annotations

import dataclasses

from lifeline.incidents import messages as msg
from lifeline.incidents.events import IncidentsMerged, IncidentStatusChanged, MergeRejected
from lifeline.incidents.model import (
    ACTIVE,
    CandidateStatus,
    Incident,
    MergeCandidate,
    Status,
)
from lifeline.incidents.service._common import load_incident, repo_of, save
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.uow import UnitOfWork


def _load(ctx: HandlerContext, candidate_id: str) -> MergeCandidate:
    candidate = repo_of(ctx.uow).get_candidate(candidate_id)
    if candidate is None:
        raise NotFound("merge candidate", candidate_id)
    ctx.authorize(target_kind="merge_candidate", target_id=candidate.id, target_path=candidate.path)
    if candidate.status is not CandidateStatus.PENDING:
        raise Conflict(f"the candidate was already {candidate.status.value}")
    return candidate


def _decide(
    ctx: HandlerContext, candidate: MergeCandidate, status: CandidateStatus, note: str
) -> MergeCandidate:
    decided = dataclasses.replace(
        candidate,
        status=status,
        decided_by=ctx.actor.ref,
        decided_at=ctx.uow.clock.now(),
        note=note,
    )
    if not repo_of(ctx.uow).decide_candidate(decided):
        raise Conflict("the candidate was decided concurrently")
    return decided


def merge_into(
    uow: UnitOfWork,
    child: Incident,
    main: Incident,
    *,
    by: str,
    candidate_id: str | None,
    note: str = "",
) -> Incident:
    """Merge ``child`` into ``main``: its reports move to ``main``; ``child`` ends ``merged``."""
    repo = repo_of(uow)
    moved = repo.move_reports(child.id, main.id)
    now = uow.clock.now()
    ended = dataclasses.replace(child.advanced(Status.MERGED, now, by, note), merged_into=main.id)
    save(uow, ended, child.version)
    grown = dataclasses.replace(
        main,
        report_count=main.report_count + moved,
        last_report_at=max(main.last_report_at, child.last_report_at),
        updated_at=now,
        version=main.version + 1,
    )
    save(uow, grown, main.version)
    uow.record(
        IncidentStatusChanged(
            aggregate_id=child.id,
            organisation_id=child.organisation_id,
            status=Status.MERGED.value,
            previous_status=child.status.value,
            note=f"merged into {main.id}" + (f": {note}" if note else ""),
            exercise=child.exercise,
        ),
        IncidentsMerged(
            aggregate_id=main.id,
            organisation_id=main.organisation_id,
            merged_id=child.id,
            reports=moved,
            automatic=False,
            candidate_id=candidate_id,
        ),
    )
    for other in repo.pending_candidates(("/",), child.id):
        superseded = dataclasses.replace(
            other,
            status=CandidateStatus.SUPERSEDED,
            decided_by=by,
            decided_at=now,
            note=f"{child.id} was merged into {main.id}",
        )
        repo.decide_candidate(superseded)
    return grown


def confirm_merge(cmd: msg.ConfirmMerge, ctx: HandlerContext) -> Incident:
    candidate = _load(ctx, cmd.candidate_id)
    child = load_incident(ctx, candidate.incident_id)
    main = load_incident(ctx, candidate.main_id)
    for which in (child, main):
        if which.status not in ACTIVE:
            raise Conflict(f"incident {which.id} is {which.status.value}; it cannot be merged")
    _decide(ctx, candidate, CandidateStatus.CONFIRMED, cmd.note.strip())
    return merge_into(
        ctx.uow, child, main, by=ctx.actor.ref, candidate_id=candidate.id, note=cmd.note.strip()
    )


def merge_incidents(cmd: msg.MergeIncidents, ctx: HandlerContext) -> Incident:
    note = cmd.note.strip()
    if not note:
        raise InvalidInput("note", "say why these are one emergency")
    if cmd.incident_id == cmd.into_id:
        raise InvalidInput("into_id", "an incident cannot be merged into itself")
    child = load_incident(ctx, cmd.incident_id)
    main = load_incident(ctx, cmd.into_id)
    for which in (child, main):
        if which.status not in ACTIVE:
            raise Conflict(f"incident {which.id} is {which.status.value}; it cannot be merged")
    if child.exercise != main.exercise:
        raise InvalidInput("into_id", "exercise and real incidents are never merged")
    return merge_into(ctx.uow, child, main, by=ctx.actor.ref, candidate_id=None, note=note)


def reject_merge(cmd: msg.RejectMerge, ctx: HandlerContext) -> MergeCandidate:
    candidate = _load(ctx, cmd.candidate_id)
    child = load_incident(ctx, candidate.incident_id)
    decided = _decide(ctx, candidate, CandidateStatus.REJECTED, cmd.note.strip())
    ctx.uow.record(
        MergeRejected(
            aggregate_id=child.id,
            organisation_id=child.organisation_id,
            candidate_id=candidate.id,
            main_id=candidate.main_id,
            note=cmd.note.strip(),
        )
    )
    return decided


def list_merge_candidates(
    query: msg.ListMergeCandidates, ctx: HandlerContext
) -> list[MergeCandidate]:
    if query.incident_id is not None:
        load_incident(ctx, query.incident_id)
    else:
        scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
        ctx.authorize(target_kind="merge_candidate-collection", target_id="", target_path=scope)
    return repo_of(ctx.uow).pending_candidates(ctx.scope_paths, query.incident_id)
