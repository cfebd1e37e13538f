"""Sources, datasets and mapping versions: what a data steward registers."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security.model import ORG_PATHS
from lifeline.sharing.events import DatasetRegistered, MappingPublished, SourceRegistered
from lifeline.sharing.mapping import parse_mapping
from lifeline.sharing.messages import (
    GetDataset,
    ListDatasets,
    ListSources,
    PublishMapping,
    RegisterDataset,
    RegisterSource,
)
from lifeline.sharing.model import SHARING, Dataset, MappingVersion, Source
from lifeline.sharing.service._common import dataset_for, dataset_view, in_scope, org_path
from lifeline.sharing.standard import ORGANISATION_KINDS, record_spec

MAX_MAPPING_CHARS = 200_000


def register_source(cmd: RegisterSource, ctx: HandlerContext) -> Source:
    name = cmd.name.strip()
    if not name:
        raise InvalidInput("name", "required")
    if cmd.kind not in ORGANISATION_KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(ORGANISATION_KINDS)}")
    path = org_path(ctx, cmd.organisation_id, "organisation_id")
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    source = Source(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        name=name,
        kind=cmd.kind,
        description=cmd.description.strip(),
        created_at=ctx.uow.clock.now(),
    )
    ctx.uow.repo(SHARING).add_source(source)
    ctx.uow.record(
        SourceRegistered(
            aggregate_id=source.id,
            organisation_id=source.organisation_id,
            name=name,
            kind=source.kind,
        )
    )
    return source


def list_sources(query: ListSources, ctx: HandlerContext) -> list[Source]:
    return [s for s in ctx.uow.repo(SHARING).list_sources() if in_scope(ctx, s.organisation_id)]


def register_dataset(cmd: RegisterDataset, ctx: HandlerContext) -> Dataset:
    repo = ctx.uow.repo(SHARING)
    source = repo.get_source(cmd.source_id)
    if source is None:
        raise NotFound("source", cmd.source_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(source.organisation_id) or "/"
    ctx.authorize(target_kind="sharing_source", target_id=source.id, target_path=path)
    name = cmd.name.strip()
    if not name:
        raise InvalidInput("name", "required")
    spec = record_spec(cmd.record_type)
    if spec is None:
        raise InvalidInput("record_type", f"unknown record type {cmd.record_type!r}")
    personal = spec.personal_fields if cmd.personal_fields is None else cmd.personal_fields
    unknown = [f for f in personal if spec.field(f) is None]
    if unknown:
        raise InvalidInput("personal_fields", f"not fields of {spec.type}: {', '.join(unknown)}")
    if cmd.refresh_interval_s is not None and cmd.refresh_interval_s <= 0:
        raise InvalidInput("refresh_interval_s", "must be positive")
    dataset = Dataset(
        id=new_id(),
        source_id=source.id,
        organisation_id=source.organisation_id,
        name=name,
        record_type=spec.type.value,
        personal_fields=tuple(personal),
        refresh_interval_s=cmd.refresh_interval_s,
        created_at=ctx.uow.clock.now(),
    )
    repo.add_dataset(dataset)
    ctx.uow.record(
        DatasetRegistered(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            source_id=source.id,
            name=name,
            record_type=dataset.record_type,
            personal_fields=dataset.personal_fields,
        )
    )
    return dataset


def get_dataset(query: GetDataset, ctx: HandlerContext) -> Dataset:
    return dataset_view(ctx, query.dataset_id)[0]


def list_datasets(query: ListDatasets, ctx: HandlerContext) -> list[Dataset]:
    return [d for d in ctx.uow.repo(SHARING).list_datasets() if in_scope(ctx, d.organisation_id)]


def publish_mapping(cmd: PublishMapping, ctx: HandlerContext) -> MappingVersion:
    dataset = dataset_for(ctx, cmd.dataset_id)
    if len(cmd.text) > MAX_MAPPING_CHARS:
        raise InvalidInput("text", f"a mapping is at most {MAX_MAPPING_CHARS} characters")
    mapping = parse_mapping(cmd.text)
    if mapping.spec.type.value != dataset.record_type:
        raise InvalidInput(
            "record_type",
            f"the mapping makes {mapping.spec.type} records; the dataset holds "
            f"{dataset.record_type}",
        )
    repo = ctx.uow.repo(SHARING)
    latest = repo.get_mapping(dataset.id, None)
    stored = MappingVersion(
        id=new_id(),
        dataset_id=dataset.id,
        version=1 if latest is None else latest.version + 1,
        text=cmd.text,
        created_at=ctx.uow.clock.now(),
    )
    repo.add_mapping(stored)
    ctx.uow.record(
        MappingPublished(
            aggregate_id=dataset.id,
            organisation_id=dataset.organisation_id,
            version=stored.version,
        )
    )
    return stored
