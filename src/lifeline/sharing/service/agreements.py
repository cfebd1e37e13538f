"""Sharing agreements: an owner lets another organisation read chosen fields of a dataset."""

from __future__ import annotations

import json

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security.model import ORG_PATHS
from lifeline.sharing.events import AgreementGranted, AgreementRevoked
from lifeline.sharing.messages import (
    GrantAgreement,
    ListAgreements,
    ListSharedWith,
    RevokeAgreement,
)
from lifeline.sharing.model import SHARING, Agreement, SharedDataset
from lifeline.sharing.row_filter import checked_filter
from lifeline.sharing.service._common import dataset_for, org_path
from lifeline.sharing.standard import STANDARD, RecordType


def grant_agreement(cmd: GrantAgreement, ctx: HandlerContext) -> Agreement:
    dataset = dataset_for(ctx, cmd.dataset_id)
    grantee_path = org_path(ctx, cmd.grantee_organisation_id, "grantee_organisation_id")
    owner_path = ctx.uow.repo(ORG_PATHS).path_of(dataset.organisation_id) or "/"
    if grantee_path.startswith(owner_path):
        raise InvalidInput("grantee_organisation_id", "the grantee already sees this dataset")
    spec = STANDARD[RecordType(dataset.record_type)]
    if not cmd.fields:
        raise InvalidInput("fields", "name at least one field to share")
    unknown = [f for f in cmd.fields if spec.field(f) is None]
    if unknown:
        raise InvalidInput("fields", f"not fields of {spec.type}: {', '.join(unknown)}")
    if not cmd.purpose.strip():
        raise InvalidInput("purpose", "an agreement needs a stated purpose")
    now = ctx.uow.clock.now()
    if cmd.expires_at is not None and cmd.expires_at <= now:
        raise InvalidInput("expires_at", "must be in the future")
    row_filter = checked_filter(
        spec, area=cmd.area, time_field=cmd.time_field, since=cmd.since, until=cmd.until
    )
    agreement = Agreement(
        id=new_id(),
        dataset_id=dataset.id,
        organisation_id=dataset.organisation_id,
        grantee_organisation_id=cmd.grantee_organisation_id,
        fields=tuple(dict.fromkeys(cmd.fields)),
        purpose=cmd.purpose.strip(),
        granted_by=ctx.actor.ref,
        created_at=now,
        expires_at=cmd.expires_at,
        row_filter=row_filter,
    )
    ctx.uow.repo(SHARING).add_agreement(agreement)
    ctx.uow.record(
        AgreementGranted(
            aggregate_id=agreement.id,
            organisation_id=dataset.organisation_id,
            dataset_id=dataset.id,
            grantee_organisation_id=agreement.grantee_organisation_id,
            fields=agreement.fields,
            purpose=agreement.purpose,
            expires_at=agreement.expires_at.isoformat() if agreement.expires_at else None,
            row_filter=json.dumps(row_filter.to_json()) if row_filter else None,
        )
    )
    return agreement


def revoke_agreement(cmd: RevokeAgreement, ctx: HandlerContext) -> Agreement:
    repo = ctx.uow.repo(SHARING)
    agreement = repo.get_agreement(cmd.agreement_id)
    if agreement is None:
        raise NotFound("agreement", cmd.agreement_id)
    dataset_for(ctx, agreement.dataset_id)
    if agreement.revoked_at is not None:
        raise Conflict(f"agreement {agreement.id} is already revoked")
    now = ctx.uow.clock.now()
    repo.revoke_agreement(agreement.id, now)
    ctx.uow.record(
        AgreementRevoked(
            aggregate_id=agreement.id,
            organisation_id=agreement.organisation_id,
            dataset_id=agreement.dataset_id,
            grantee_organisation_id=agreement.grantee_organisation_id,
        )
    )
    return repo.get_agreement(agreement.id) or agreement


def list_agreements(query: ListAgreements, ctx: HandlerContext) -> list[Agreement]:
    dataset = dataset_for(ctx, query.dataset_id)
    return ctx.uow.repo(SHARING).agreements_for(dataset.id)


def list_shared_with(query: ListSharedWith, ctx: HandlerContext) -> list[SharedDataset]:
    """The datasets shared with an organisation through its active agreements: the caller's own
    organisation, or one in the caller's scope. Expired and revoked agreements are left out; an
    organisation without an agreement gets an empty list."""
    organisation_id = query.organisation_id or ctx.actor.organisation_id
    if not organisation_id:
        raise InvalidInput("organisation_id", "name the organisation whose shares to list")
    path = org_path(ctx, organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=organisation_id, target_path=path)
    repo = ctx.uow.repo(SHARING)
    now = ctx.uow.clock.now()
    out: list[SharedDataset] = []
    for agreement in repo.agreements_with(organisation_id):
        dataset = repo.get_dataset(agreement.dataset_id) if agreement.active(now) else None
        if dataset is None:
            continue
        out.append(
            SharedDataset(
                dataset_id=dataset.id,
                dataset_name=dataset.name,
                record_type=dataset.record_type,
                agreement=agreement,
                masked_fields=tuple(f for f in agreement.fields if f in dataset.personal_fields),
            )
        )
    return out
