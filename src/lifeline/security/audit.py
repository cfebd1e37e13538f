"""Audit queries: the event log (scoped), the access log, and verification of the hash chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.chain import ChainBreak
from lifeline.kernel.eventlog import AUDIT, AccessRecord
from lifeline.kernel.events import Query, StoredEvent
from lifeline.security.model import ORG_PATHS, Permission


@dataclass(frozen=True, kw_only=True)
class ListEvents(Query):
    """Events the caller may see: those owned by organisations in the caller's scope."""

    permission: ClassVar[str] = Permission.AUDIT_READ
    after_seq: int = 0
    limit: int = 100
    aggregate_type: str | None = None
    aggregate_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ListAccessLog(Query):
    permission: ClassVar[str] = Permission.AUDIT_VERIFY
    limit: int = 100
    before_id: int | None = None
    actor_id: str | None = None
    outcome: str | None = None


@dataclass(frozen=True, kw_only=True)
class VerifyChain(Query):
    permission: ClassVar[str] = Permission.AUDIT_VERIFY


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def list_events(query: ListEvents, ctx: HandlerContext) -> list[StoredEvent]:
    ctx.authorize(
        target_kind="event-collection",
        target_id="",
        target_path=ctx.scope_paths[0] if ctx.scope_paths else "/",
    )
    repo = ctx.uow.repo(AUDIT)
    paths = ctx.uow.repo(ORG_PATHS)
    out: list[StoredEvent] = []
    cursor = query.after_seq
    cache: dict[str | None, bool] = {}

    def visible(org_id: str | None) -> bool:
        if org_id not in cache:
            cache[org_id] = _org_visible(ctx, paths.path_of(org_id) if org_id else None)
        return cache[org_id]

    # Scan forward in batches until a page of visible events is filled (bounded scan).
    for _ in range(50):
        batch = repo.events(
            after_seq=cursor,
            limit=500,
            aggregate_type=query.aggregate_type,
            aggregate_id=query.aggregate_id,
        )
        if not batch:
            break
        for event in batch:
            if visible(event.organisation_id):
                out.append(event)
                if len(out) >= query.limit:
                    return out
        cursor = batch[-1].seq
    return out


def _org_visible(ctx: HandlerContext, path: str | None) -> bool:
    """Organisation-less records (sign-in failures, system work) are for root-scoped actors."""
    if path is None:
        return any(scope == "/" or scope.count("/") == 2 for scope in ctx.scope_paths)
    return any(path.startswith(scope) for scope in ctx.scope_paths)


def list_access_log(query: ListAccessLog, ctx: HandlerContext) -> list[AccessRecord]:
    """Access decisions made by actors of organisations in the caller's scope, newest first."""
    ctx.authorize(
        target_kind="access-log",
        target_id="",
        target_path=ctx.scope_paths[0] if ctx.scope_paths else "/",
    )
    repo = ctx.uow.repo(AUDIT)
    paths = ctx.uow.repo(ORG_PATHS)
    out: list[AccessRecord] = []
    before = query.before_id
    for _ in range(50):
        batch = repo.access(
            limit=500, before_id=before, actor_id=query.actor_id, outcome=query.outcome
        )
        if not batch:
            break
        for record in batch:
            org = record.actor_organisation_id
            if _org_visible(ctx, paths.path_of(org) if org else None):
                out.append(record)
                if len(out) >= query.limit:
                    return out
        before = batch[-1].id
    return out


def verify_chain(query: VerifyChain, ctx: HandlerContext) -> ChainReport:
    ctx.authorize(target_kind="event-log", target_id="", target_path=None)
    checked, broken = ctx.uow.repo(AUDIT).verify()
    return ChainReport(checked=checked, broken=broken)


def register_handlers(bus: MessageBus) -> None:
    bus.register(ListEvents, list_events)
    bus.register(ListAccessLog, list_access_log)
    bus.register(VerifyChain, verify_chain)
