"""Probabilistic de-duplication: run a linkage pass, list links, confirm, reject or undo.

A merge is a link between two records, both kept with their lineage: reads of the dataset stay
as ingested, ``GET /sharing/datasets/{id}/links`` says which records are one entity, and undoing
a merge only changes the link's status (an event records who and when). Pairs already linked —
in whatever status, undone and rejected included — are never proposed again, so a person's
decision sticks.
"""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.sharing.events import LinkDecided, RecordsLinked
from lifeline.sharing.linkage import LINKAGE, link
from lifeline.sharing.messages import DecideLink, LinkRecords, ListLinks
from lifeline.sharing.model import SHARING, LinkStatus, RecordLink
from lifeline.sharing.service._common import dataset_for
from lifeline.sharing.standard import RecordType

_DECISIONS = {
    "confirm": (LinkStatus.PENDING, LinkStatus.MERGED),
    "reject": (LinkStatus.PENDING, LinkStatus.REJECTED),
    "undo": (LinkStatus.MERGED, LinkStatus.UNDONE),
}


def link_records(cmd: LinkRecords, ctx: HandlerContext) -> RecordsLinked:
    dataset = dataset_for(ctx, cmd.dataset_id)
    spec = LINKAGE.get(RecordType(dataset.record_type))
    if spec is None:
        raise InvalidInput(
            "dataset_id",
            f"{dataset.record_type} records are not linked probabilistically "
            f"(supported: {', '.join(t.value for t in LINKAGE)})",
        )
    other = None
    if cmd.other_dataset_id is not None:
        if cmd.other_dataset_id == dataset.id:
            raise InvalidInput("other_dataset_id", "leave it out to link within the dataset")
        other = dataset_for(ctx, cmd.other_dataset_id)
        if other.record_type != dataset.record_type:
            raise InvalidInput("other_dataset_id", f"holds {other.record_type} records")
    repo = ctx.uow.repo(SHARING)
    left = [(r.id, r.data) for r in repo.all_records(dataset.id)]
    right = None if other is None else [(r.id, r.data) for r in repo.all_records(other.id)]
    known = repo.linked_pairs(dataset.id)
    if other is not None:
        known |= {(b, a) for a, b in repo.linked_pairs(other.id)}
    now = ctx.uow.clock.now()
    made: list[RecordLink] = []
    candidates = link(left, right, spec)
    for c in candidates:
        pair = (c.left_id, c.right_id)
        if pair in known or pair[::-1] in known:
            continue
        known.add(pair)
        made.append(
            RecordLink(
                id=new_id(),
                dataset_id=dataset.id,
                left_record_id=c.left_id,
                right_record_id=c.right_id,
                right_dataset_id=(other or dataset).id,
                score=c.score,
                features=c.features,
                status=LinkStatus.MERGED if c.decision == "merge" else LinkStatus.PENDING,
                automatic=c.decision == "merge",
                created_at=now,
            )
        )
    repo.add_links(made)
    event = RecordsLinked(
        aggregate_id=dataset.id,
        organisation_id=dataset.organisation_id,
        other_dataset_id=other.id if other else None,
        compared=len(candidates),
        merged=sum(1 for x in made if x.status is LinkStatus.MERGED),
        pending=sum(1 for x in made if x.status is LinkStatus.PENDING),
    )
    ctx.uow.record(event)
    return event


def decide_link(cmd: DecideLink, ctx: HandlerContext) -> RecordLink:
    if cmd.decision not in _DECISIONS:
        raise InvalidInput("decision", "must be confirm, reject or undo")
    repo = ctx.uow.repo(SHARING)
    found = repo.get_link(cmd.link_id)
    if found is None:
        raise NotFound("link", cmd.link_id)
    dataset = dataset_for(ctx, found.dataset_id)
    expected, status = _DECISIONS[cmd.decision]
    now = ctx.uow.clock.now()
    if not repo.set_link_status(found.id, expected, status, ctx.actor.ref, now):
        raise Conflict(f"link {found.id} is {found.status.value}; {cmd.decision} needs {expected}")
    ctx.uow.record(
        LinkDecided(
            aggregate_id=found.id,
            organisation_id=dataset.organisation_id,
            dataset_id=dataset.id,
            left_record_id=found.left_record_id,
            right_record_id=found.right_record_id,
            from_status=expected.value,
            to_status=status.value,
        )
    )
    return repo.get_link(found.id) or found


def list_links(query: ListLinks, ctx: HandlerContext) -> list[RecordLink]:
    dataset = dataset_for(ctx, query.dataset_id)
    try:
        status = LinkStatus(query.status) if query.status else None
    except ValueError as exc:
        raise InvalidInput("status", "must be merged, pending, rejected or undone") from exc
    return ctx.uow.repo(SHARING).list_links(dataset.id, status)
