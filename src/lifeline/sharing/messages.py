"""Commands and queries of the data sharing hub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.security.model import Permission
from lifeline.sharing.model import QuarantineStatus, RotationPart

Progress = Callable[[int], None]


@dataclass(frozen=True, kw_only=True)
class RegisterSource(Command):
    permission: ClassVar[str] = Permission.SHARING_WRITE
    organisation_id: str
    name: str
    kind: str = "government"
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class ListSources(Query):
    permission: ClassVar[str] = Permission.SHARING_READ


@dataclass(frozen=True, kw_only=True)
class RegisterDataset(Command):
    permission: ClassVar[str] = Permission.SHARING_WRITE
    source_id: str
    name: str
    record_type: str
    personal_fields: tuple[str, ...] | None = None  # None: the standard's personal fields
    refresh_interval_s: int | None = None


@dataclass(frozen=True, kw_only=True)
class GetDataset(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ListDatasets(Query):
    permission: ClassVar[str] = Permission.SHARING_READ


@dataclass(frozen=True, kw_only=True)
class PublishMapping(Command):
    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    text: str  # the YAML document


@dataclass(frozen=True, kw_only=True)
class PreviewMapping(Query):
    """Map the first ``limit`` rows of a sample without storing anything."""

    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str
    path: str
    version: int | None = None  # None: the latest published version
    text: str | None = None  # an unpublished draft instead of a version
    limit: int = 20


@dataclass(frozen=True, kw_only=True)
class RunIngest(Command):
    """Stream ``path`` through the dataset's mapping into canonical records."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    path: str
    file_name: str | None = None
    version: int | None = None
    progress: Progress | None = field(default=None, compare=False)


@dataclass(frozen=True, kw_only=True)
class GetRun(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    run_id: str


@dataclass(frozen=True, kw_only=True)
class ListRuns(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class DatasetQuality(Query):
    """The dataset's quality: freshness against its schedule, totals, and every run's report."""

    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ListQuarantine(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str
    status: QuarantineStatus | None = QuarantineStatus.OPEN
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ReplayQuarantined(Command):
    """Apply corrections (source column → value) and run the record through its mapping again."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    quarantine_id: str
    corrections: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ListRecords(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class GetLineage(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    record_id: str


@dataclass(frozen=True, kw_only=True)
class GrantAgreement(Command):
    permission: ClassVar[str] = Permission.SHARING_GRANT
    dataset_id: str
    grantee_organisation_id: str
    fields: tuple[str, ...]
    purpose: str
    expires_at: datetime | None = None
    area: dict[str, Any] | None = None  # row filter: a GeoJSON Polygon the records lie in
    time_field: str | None = None  # row filter: a time field of the records …
    since: datetime | None = None  # … at or after this
    until: datetime | None = None  # … and before this


@dataclass(frozen=True, kw_only=True)
class RevokeAgreement(Command):
    permission: ClassVar[str] = Permission.SHARING_GRANT
    agreement_id: str


@dataclass(frozen=True, kw_only=True)
class ListAgreements(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ListSharedWith(Query):
    """The datasets other organisations share with ``organisation_id`` (default: the caller's
    own organisation) through active agreements."""

    permission: ClassVar[str] = Permission.SHARING_READ
    organisation_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class LinkRecords(Command):
    """Find records describing one entity: within the dataset, or between it and another
    dataset of the same record type. Strong pairs merge, the rest wait for a person."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    other_dataset_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class DecideLink(Command):
    """``confirm`` a pending link (merge), ``reject`` it, or ``undo`` a merge."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    link_id: str
    decision: str  # "confirm" | "reject" | "undo"


@dataclass(frozen=True, kw_only=True)
class ListLinks(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str
    status: str | None = None


@dataclass(frozen=True, kw_only=True)
class GetDataKeyState(Query):
    """The dataset's live data key versions and what is still sealed under an old one."""

    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class StartDataKeyRotation(Command):
    """Make a new data key version for the dataset; new values are sealed with it, old ones
    still decrypt until every batch is re-encrypted. Writes to the dataset wait until the end."""

    permission: ClassVar[str] = Permission.SHARING_GRANT
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ReencryptDataBatch(Command):
    """Seal the next ``limit`` rows of ``part`` (after ``after_id``) under the newest key."""

    permission: ClassVar[str] = Permission.SHARING_GRANT
    dataset_id: str
    part: RotationPart = RotationPart.RECORDS
    after_id: str | None = None
    limit: int = 500


@dataclass(frozen=True, kw_only=True)
class FinishDataKeyRotation(Command):
    """Destroy the old data key versions once nothing is sealed under them."""

    permission: ClassVar[str] = Permission.SHARING_GRANT
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ScheduleRefresh(Command):
    """Fetch the dataset's HTTP JSON source at ``url`` every ``interval_s`` (default: the
    dataset's refresh interval, which this sets when given); the first fetch is due now."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    url: str
    interval_s: int | None = None


@dataclass(frozen=True, kw_only=True)
class CancelRefresh(Command):
    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class GetRefresh(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class RegisterDrop(Command):
    """Ingest the new files of ``directory`` matching ``pattern`` every ``interval_s`` (default:
    the dataset's refresh interval, which this sets when given); the first look is due now.
    Replaces the dataset's refresh schedule, HTTP or drop."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    directory: str
    pattern: str
    interval_s: int | None = None
    settle_s: int = 60
    move_done: bool = False


@dataclass(frozen=True, kw_only=True)
class GetDrop(Query):
    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class CancelDrop(Command):
    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class ListDroppedFiles(Query):
    """Every file picked up from the dataset's drop (newest first): ingested, duplicates of
    content ingested before, and failed ones."""

    permission: ClassVar[str] = Permission.SHARING_READ
    dataset_id: str


@dataclass(frozen=True, kw_only=True)
class PickUpDroppedFile(Command):
    """Ingest one settled file of the dataset's drop and record it — or, with
    ``duplicate_of_run``, only record it as a duplicate of content that run ingested."""

    permission: ClassVar[str] = Permission.SHARING_WRITE
    dataset_id: str
    name: str  # of a file in the drop's directory
    content_hash: str
    size_bytes: int
    modified_at: datetime
    duplicate_of_run: str | None = None
