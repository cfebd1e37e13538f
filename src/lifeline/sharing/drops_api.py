"""HTTP routes of file drops: register a dataset's drop folder, look at it, list what was
picked up, and stop it (mounted under ``/sharing`` by the hub's router)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.sharing.drops import MAX_PATTERN, MAX_SETTLE_S
from lifeline.sharing.messages import CancelDrop, GetDrop, ListDroppedFiles, RegisterDrop
from lifeline.sharing.model import DroppedFile
from lifeline.sharing.service import DropView

router = APIRouter()


class DropIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    directory: str = Field(
        min_length=1, max_length=2000, description="absolute path inside a configured drop root"
    )
    pattern: str = Field(
        min_length=1, max_length=MAX_PATTERN, description="glob of file names, e.g. *.csv"
    )
    interval_s: int | None = Field(
        default=None, gt=0, description="seconds between looks; default the dataset's"
    )
    settle_s: int = Field(
        default=60,
        ge=0,
        le=MAX_SETTLE_S,
        description="a file modified more recently than this is still being written and waits",
    )
    move_done: bool = Field(default=False, description="move picked-up files into done/")


class DropOut(BaseModel):
    dataset_id: str
    directory: str
    pattern: str
    settle_s: int
    move_done: bool
    interval_s: int | None
    next_run_at: datetime
    attempts: int
    last_error: str | None
    last_run_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, view: DropView) -> DropOut:
        d, s = view.drop, view.schedule
        return cls(
            dataset_id=d.dataset_id,
            directory=d.directory,
            pattern=d.pattern,
            settle_s=d.settle_s,
            move_done=d.move_done,
            interval_s=view.interval_s,
            next_run_at=s.next_run_at,
            attempts=s.attempts,
            last_error=s.last_error,
            last_run_id=s.last_run_id,
            created_at=d.created_at,
        )


class DroppedFileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    content_hash: str
    size_bytes: int
    modified_at: datetime
    status: str
    run_id: str | None
    picked_up_at: datetime
    error: str | None


@router.put(
    "/datasets/{dataset_id}/drop",
    summary="Pick up the new files of a drop folder on the dataset's schedule (first look now)",
)
def register_drop(dataset_id: str, body: DropIn, actor: CurrentActor, bus: BusDep) -> DropOut:
    view: DropView = bus.handle(RegisterDrop(dataset_id=dataset_id, **body.model_dump()), actor)
    return DropOut.of(view)


@router.get("/datasets/{dataset_id}/drop", summary="The dataset's drop folder and its schedule")
def get_drop(dataset_id: str, actor: CurrentActor, bus: BusDep) -> DropOut:
    return DropOut.of(bus.handle(GetDrop(dataset_id=dataset_id), actor))


@router.get(
    "/datasets/{dataset_id}/drop/files",
    summary="Files picked up from the drop, newest first (ingested, duplicate or failed)",
)
def list_dropped_files(dataset_id: str, actor: CurrentActor, bus: BusDep) -> list[DroppedFileOut]:
    found: list[DroppedFile] = bus.handle(ListDroppedFiles(dataset_id=dataset_id), actor)
    return [DroppedFileOut.model_validate(f) for f in found]


@router.delete(
    "/datasets/{dataset_id}/drop",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop picking up the drop's files (what was picked up stays recorded)",
)
def cancel_drop(dataset_id: str, actor: CurrentActor, bus: BusDep) -> None:
    bus.handle(CancelDrop(dataset_id=dataset_id), actor)
