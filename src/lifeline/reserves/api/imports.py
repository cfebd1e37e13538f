"""HTTP route for bulk import of depots, stock and responders from a data hub dataset."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.reserves.api._common import Strict
from lifeline.reserves.hub_import import import_from_hub
from lifeline.reserves.imports import DepotDefaults, ImportKind
from lifeline.reserves.model import DepotLevel

router = APIRouter()


class ImportIn(Strict):
    dataset_id: str = Field(min_length=1, max_length=36, description="a data hub dataset")
    kind: ImportKind
    organisation_id: str = Field(
        min_length=1, max_length=36, description="owner of the depots or responders created"
    )
    depot_level: DepotLevel = DepotLevel.DISTRICT
    default_capacity_volume_m3: float = Field(1_000.0, gt=0)
    default_capacity_weight_kg: float = Field(200_000.0, gt=0)


class ImportProblemOut(BaseModel):
    record_id: str
    record_key: str
    field: str
    reason: str


class ImportOut(BaseModel):
    dataset_id: str
    kind: ImportKind
    read: int
    imported: int
    skipped: int
    problems: list[ImportProblemOut]


@router.post(
    "/imports",
    summary="Import depots, stock or responders from a data hub dataset (mapped records)",
)
async def import_records(body: ImportIn, bus: BusDep, actor: CurrentActor) -> ImportOut:
    defaults = DepotDefaults(
        level=body.depot_level,
        capacity_volume_m3=body.default_capacity_volume_m3,
        capacity_weight_kg=body.default_capacity_weight_kg,
    )
    report = await run_in_threadpool(
        lambda: import_from_hub(
            bus,
            actor,
            dataset_id=body.dataset_id,
            kind=body.kind,
            organisation_id=body.organisation_id,
            depot_defaults=defaults,
        )
    )
    return ImportOut(
        dataset_id=report.dataset_id,
        kind=report.kind,
        read=report.read,
        imported=report.imported,
        skipped=report.skipped,
        problems=[ImportProblemOut(**asdict(p)) for p in report.problems],
    )
