"""Helpers shared by the sharing use cases: scope paths and authorised look-ups."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.security.model import ORG_PATHS
from lifeline.security.policy import path_within
from lifeline.sharing.mapping import Mapping, parse_mapping
from lifeline.sharing.model import SHARING, Agreement, Dataset, MappingVersion


def org_path(ctx: HandlerContext, organisation_id: str, field: str) -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def in_scope(ctx: HandlerContext, organisation_id: str) -> bool:
    """Whether the actor's scope covers ``organisation_id`` (for filtering lists)."""
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    return path is not None and any(path_within(path, scope) for scope in ctx.scope_paths)


def dataset_for(ctx: HandlerContext, dataset_id: str, *, personal: tuple[str, ...] = ()) -> Dataset:
    """The dataset, after authorising the actor on its owner's path (404 outside scope)."""
    dataset = ctx.uow.repo(SHARING).get_dataset(dataset_id)
    if dataset is None:
        raise NotFound("dataset", dataset_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(dataset.organisation_id) or "/"
    ctx.authorize(
        target_kind="sharing_dataset",
        target_id=dataset.id,
        target_path=path,
        personal_fields=personal,
    )
    return dataset


def mapping_for(
    ctx: HandlerContext, dataset: Dataset, version: int | None
) -> tuple[MappingVersion, Mapping]:
    stored = ctx.uow.repo(SHARING).get_mapping(dataset.id, version)
    if stored is None:
        what = "no mapping is published" if version is None else f"no mapping version {version}"
        raise InvalidInput("version", f"{what} for dataset {dataset.id}")
    return stored, parse_mapping(stored.text)


def personal_columns(mapping: Mapping, personal: tuple[str, ...]) -> set[str]:
    """The source columns feeding the personal fields ``personal``."""
    return {c for rule in mapping.rules if rule.target in personal for c in rule.columns}


def stored_key(ctx: HandlerContext, dataset: Dataset, mapping: Mapping, key: str) -> str:
    """The record key as stored: a blind index when a key column feeds a personal field."""
    if set(mapping.key) & personal_columns(mapping, dataset.personal_fields):
        return ctx.uow.repo(SHARING).blind_key(dataset.id, key)
    return key


def dataset_view(ctx: HandlerContext, dataset_id: str) -> tuple[Dataset, Agreement | None]:
    """The dataset for a reader: in scope (no agreement), or through an active agreement of the
    reader's organisation (logged against the agreement); otherwise refused as not found."""
    dataset = ctx.uow.repo(SHARING).get_dataset(dataset_id)
    if dataset is None:
        raise NotFound("dataset", dataset_id)
    paths = ctx.uow.repo(ORG_PATHS)
    path = paths.path_of(dataset.organisation_id) or "/"
    own_scope = any(path_within(path, scope) for scope in ctx.scope_paths)
    if not own_scope and ctx.actor.organisation_id:
        now = ctx.uow.clock.now()
        for agreement in ctx.uow.repo(SHARING).agreements_for(dataset.id):
            if agreement.grantee_organisation_id == ctx.actor.organisation_id and agreement.active(
                now
            ):
                grantee_path = paths.path_of(agreement.grantee_organisation_id) or "/"
                ctx.authorize(
                    target_kind="sharing_agreement",
                    target_id=agreement.id,
                    target_path=grantee_path,
                )
                return dataset, agreement
    ctx.authorize(target_kind="sharing_dataset", target_id=dataset.id, target_path=path)
    return dataset, None


def refresh_interval(ctx: HandlerContext, dataset: Dataset, interval_s: int | None) -> int:
    """The interval a refresh source (HTTP or a file drop) runs at: ``interval_s`` if given,
    else the dataset's own; a new one is stored on the dataset."""
    if interval_s is not None and interval_s <= 0:
        raise InvalidInput("interval_s", "must be positive")
    interval = interval_s or dataset.refresh_interval_s
    if interval is None:
        raise InvalidInput("interval_s", "the dataset has no refresh interval: give one")
    if interval != dataset.refresh_interval_s:
        ctx.uow.repo(SHARING).set_refresh_interval(dataset.id, interval)
    return interval
