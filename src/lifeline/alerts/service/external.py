"""Other agencies' CAP feeds taken in as warning signals for monitoring."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lifeline.alerts.cap.model import CapInfo
from lifeline.alerts.events import ExternalAlertReceived, ExternalAlertRejected
from lifeline.alerts.feeds import read_feed
from lifeline.alerts.levels import colour_of
from lifeline.alerts.messages import IngestCapFeed, ListExternalAlerts
from lifeline.alerts.model import EXTERNAL_ALERTS, ExternalAlert
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.security.model import ORG_PATHS


@dataclass(frozen=True, slots=True)
class RejectedEntry:
    position: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedReport:
    received: int
    accepted: int
    duplicates: int
    warnings: int
    rejected: tuple[RejectedEntry, ...]
    accepted_ids: tuple[str, ...]


def ingest_cap_feed(cmd: IngestCapFeed, ctx: HandlerContext) -> FeedReport:
    if not cmd.source.strip():
        raise InvalidInput("source", "name the feed the document came from")
    path = ctx.uow.repo(ORG_PATHS).path_of(cmd.organisation_id)
    if path is None:
        raise InvalidInput(
            "organisation_id", f"organisation {cmd.organisation_id!r} does not exist"
        )
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    entries = read_feed(cmd.document)
    repo = ctx.uow.repo(EXTERNAL_ALERTS)
    now = ctx.uow.clock.now()
    accepted: list[str] = []
    duplicates = warnings = 0
    rejected: list[RejectedEntry] = []
    for entry in entries:
        if entry.alert is None:
            reasons = tuple(f"{e.path}: {e.reason}" for e in entry.errors)
            repo.add_rejected(
                id=new_id(),
                organisation_id=cmd.organisation_id,
                source=cmd.source,
                position=entry.position,
                reasons=reasons,
                document=entry.document,
                received_at=now,
            )
            ctx.uow.record(
                ExternalAlertRejected(
                    aggregate_id=cmd.source,
                    organisation_id=cmd.organisation_id,
                    source=cmd.source,
                    position=entry.position,
                    reasons=reasons,
                    document_sha256=hashlib.sha256(entry.document).hexdigest(),
                )
            )
            rejected.append(RejectedEntry(entry.position, reasons))
            continue
        cap = entry.alert
        info = cap.infos[0] if cap.infos else None
        colour = _colour(info)
        expires = max((i.expires for i in cap.infos if i.expires), default=None)
        record = ExternalAlert(
            id=new_id(),
            organisation_id=cmd.organisation_id,
            organisation_path=path,
            source=cmd.source,
            sender=cap.sender,
            identifier=cap.identifier,
            sent=cap.sent,
            status=cap.status,
            msg_type=cap.msg_type,
            event=info.event if info else "",
            severity=info.severity.value if info else "Unknown",
            colour=colour,
            expires=expires,
            warnings=tuple(f"{w.path}: {w.reason}" for w in entry.warnings),
            received_at=now,
            document=entry.document,
        )
        if not repo.add_if_new(record):
            duplicates += 1
            continue
        warnings += len(record.warnings)
        accepted.append(record.id)
        ctx.uow.record(
            ExternalAlertReceived(
                aggregate_id=record.id,
                organisation_id=cmd.organisation_id,
                source=cmd.source,
                sender=record.sender,
                identifier=record.identifier,
                msg_type=record.msg_type,
                status=record.status,
                event=record.event,
                severity=record.severity,
                colour=colour,
                expires=expires.isoformat() if expires else None,
                warnings=len(record.warnings),
            )
        )
    return FeedReport(
        received=len(entries),
        accepted=len(accepted),
        duplicates=duplicates,
        warnings=warnings,
        rejected=tuple(rejected),
        accepted_ids=tuple(accepted),
    )


def _colour(info: CapInfo | None) -> str | None:
    """The native or severity-derived colour; an unknown native colour gives none (and the
    message is still kept: it is the agency's signal, not ours)."""
    if info is None:
        return None
    try:
        found = colour_of(info)
    except InvalidInput:
        return None
    return found.value if found else None


def list_external_alerts(query: ListExternalAlerts, ctx: HandlerContext) -> list[ExternalAlert]:
    if not ctx.scope_paths:
        return []
    ctx.authorize(
        target_kind="external-alert-collection", target_id="", target_path=ctx.scope_paths[0]
    )
    return ctx.uow.repo(EXTERNAL_ALERTS).list_external(
        scope_paths=ctx.scope_paths, limit=query.limit, offset=query.offset
    )
