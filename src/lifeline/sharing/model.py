"""Sources, datasets, mapping versions, ingest runs, canonical records and quarantine (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from lifeline.kernel.ports import RepoKey
from lifeline.sharing.row_filter import RowFilter

RAGGED = "__ragged__"  # a reader sets it on a row that does not fit the header, with why


class RunStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"  # the source could not be read at all (a scheduled fetch); see ``error``


class QuarantineStatus(StrEnum):
    OPEN = "open"
    REPLAYED = "replayed"


@dataclass(frozen=True, slots=True)
class Source:
    """A department, enterprise or social organisation that supplies data."""

    id: str
    organisation_id: str  # the owner inside Lifeline's organisation tree
    name: str
    kind: str  # government | enterprise | social
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Dataset:
    """One feed of a source, mapped onto one canonical record type."""

    id: str
    source_id: str
    organisation_id: str
    name: str
    record_type: str
    personal_fields: tuple[str, ...]
    refresh_interval_s: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MappingVersion:
    id: str
    dataset_id: str
    version: int
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IngestRun:
    """Counts always reconcile: ``read == accepted + merged + quarantined``."""

    id: str
    dataset_id: str
    organisation_id: str
    mapping_version: int
    file_name: str
    encoding: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    read: int
    accepted: int
    merged: int
    quarantined: int
    quality: dict[str, Any]
    error: str | None = None  # why a failed run read nothing


class RefreshKind(StrEnum):
    """What a refresh schedule fetches: an HTTP JSON API, or the new files of a drop folder."""

    HTTP = "http"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class RefreshSchedule:
    """A dataset's HTTP JSON source (or file drop), fetched every ``refresh_interval_s`` of the
    dataset by whichever worker holds the lease; failures are retried with backoff. For a drop,
    ``url`` is the drop's directory."""

    dataset_id: str
    url: str
    next_run_at: datetime
    attempts: int  # consecutive failures
    updated_at: datetime
    last_error: str | None = None
    last_run_id: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    kind: RefreshKind = RefreshKind.HTTP


@dataclass(frozen=True, slots=True)
class FileDrop:
    """A directory where a source delivers files: on the dataset's schedule every settled file
    matching ``pattern`` that was not ingested before (by content hash) is ingested, its format
    taken from its extension; with ``move_done`` it is then moved to ``done/`` beside it."""

    dataset_id: str
    directory: str  # absolute, resolved, inside one of the configured drop roots
    pattern: str  # a glob of file names in the directory (not in sub-directories)
    settle_s: int  # a file modified more recently than this is still being written: it waits
    move_done: bool
    created_at: datetime
    updated_at: datetime


class DropFileStatus(StrEnum):
    """ingested (a run read it) · duplicate (its content was ingested under another name) ·
    failed (its run failed; tried again with the schedule's backoff)."""

    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DroppedFile:
    """A file of a drop that was picked up: its name, content hash and the run that read it."""

    id: str
    dataset_id: str
    name: str
    content_hash: str  # SHA-256, hex
    size_bytes: int
    modified_at: datetime  # the file's modification time when it was read
    status: DropFileStatus
    run_id: str | None
    picked_up_at: datetime
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RecordBatch:
    """Records one run writes to one dataset, column by column — what a chunk of an ingest run
    inserts or merges — so that thousands of rows cost no object each: the run's constants
    once, then parallel lists. Every row is stamped ``at`` (``created_at`` of a new record,
    ``updated_at`` of all); a merge keeps the record's id, key and ``created_at``."""

    dataset_id: str
    organisation_id: str
    record_type: str
    run_id: str
    mapping_version: int
    at: datetime
    ids: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    originals: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CanonicalRecord:
    """A record in the standard; ``original`` and the run/mapping ids are its lineage."""

    id: str
    dataset_id: str
    organisation_id: str
    record_type: str
    record_key: str
    data: dict[str, Any]
    run_id: str
    mapping_version: int
    original: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    id: str
    run_id: str
    dataset_id: str
    organisation_id: str
    row_number: int
    original: dict[str, Any]
    problems: dict[str, str]  # canonical field (or "row") → reason
    status: QuarantineStatus
    created_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Agreement:
    """The owner lets ``grantee_organisation_id`` read ``fields`` of a dataset, for a purpose,
    until ``expires_at``, optionally only the records its ``row_filter`` keeps (an area, a time
    window); personal fields are always masked for the grantee."""

    id: str
    dataset_id: str
    organisation_id: str  # the owner
    grantee_organisation_id: str
    fields: tuple[str, ...]
    purpose: str
    granted_by: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    row_filter: RowFilter | None = None  # which records; None: all of them

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


@dataclass(frozen=True, slots=True)
class SharedDataset:
    """What a grantee sees of a dataset shared with it: the dataset's identity and the terms."""

    dataset_id: str
    dataset_name: str
    record_type: str
    agreement: Agreement
    masked_fields: tuple[str, ...]  # the agreed fields that are personal, always masked


@dataclass(frozen=True, slots=True)
class DataKeyState:
    """A dataset's data keys: the live versions (oldest first; two while a rotation runs) and
    how many records and quarantined rows are still sealed under an old one."""

    dataset_id: str
    versions: tuple[int, ...]
    records_under_old_key: int = 0
    quarantined_under_old_key: int = 0

    @property
    def rotating(self) -> bool:
        return len(self.versions) > 1


class RotationPart(StrEnum):
    """What a re-encryption batch works through."""

    RECORDS = "records"
    QUARANTINE = "quarantine"


@dataclass(frozen=True, slots=True)
class ReencryptedBatch:
    """One batch of a rotation: how many rows were sealed again, and the last id (the cursor)."""

    part: RotationPart
    count: int
    last_id: str | None


class LinkStatus(StrEnum):
    """merged (automatically or confirmed) · pending (waits for a person) · rejected · undone."""

    MERGED = "merged"
    PENDING = "pending"
    REJECTED = "rejected"
    UNDONE = "undone"


@dataclass(frozen=True, slots=True)
class RecordLink:
    """Two canonical records found to describe one entity. Both records stay as they are (their
    lineage intact); the link is the merge, so undoing it loses nothing."""

    id: str
    dataset_id: str
    left_record_id: str
    right_record_id: str
    right_dataset_id: str
    score: float
    features: dict[str, float | None]
    status: LinkStatus
    automatic: bool
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None


class SharingRepository(Protocol):
    """Port for the data hub's tables (implemented in ``store``)."""

    def add_source(self, source: Source) -> None: ...

    def get_source(self, source_id: str) -> Source | None: ...

    def list_sources(self) -> list[Source]: ...

    def add_dataset(self, dataset: Dataset) -> None: ...

    def get_dataset(self, dataset_id: str) -> Dataset | None: ...

    def list_datasets(self) -> list[Dataset]: ...

    def set_refresh_interval(self, dataset_id: str, interval_s: int) -> None: ...

    def add_mapping(self, mapping: MappingVersion) -> None: ...

    def get_mapping(self, dataset_id: str, version: int | None) -> MappingVersion | None: ...

    def add_run(self, run: IngestRun) -> None: ...

    def get_run(self, run_id: str) -> IngestRun | None: ...

    def list_runs(self, dataset_id: str) -> list[IngestRun]: ...

    def existing_keys(
        self, dataset_id: str, keys: list[str]
    ) -> dict[str, tuple[str, datetime, str]]:
        """key → (record id, created_at, run id) for the keys already in the dataset."""
        ...

    def blind_key(self, dataset_id: str, key: str) -> str:
        """The blind index stored in place of an exact key built from personal columns."""
        ...

    def insert_records(self, records: list[CanonicalRecord]) -> None: ...

    def update_records(self, records: list[CanonicalRecord]) -> None: ...

    def insert_batch(self, batch: RecordBatch) -> None:
        """Insert the batch's records (ids, keys, data, originals) as new records."""
        ...

    def update_batch(self, batch: RecordBatch) -> None:
        """Merge the batch into the records with its ids: data, original, run and mapping
        version replaced, ``updated_at`` set to ``batch.at`` (the keys are not read)."""
        ...

    def get_record(self, record_id: str) -> CanonicalRecord | None: ...

    def list_records(
        self, dataset_id: str, limit: int, offset: int
    ) -> tuple[list[CanonicalRecord], int]: ...

    def add_quarantined(self, records: list[QuarantinedRecord]) -> None: ...

    def get_quarantined(self, record_id: str) -> QuarantinedRecord | None: ...

    def resolve_quarantined(self, record_id: str, at: datetime) -> None: ...

    def list_quarantined(
        self, dataset_id: str, status: QuarantineStatus | None, limit: int, offset: int
    ) -> tuple[list[QuarantinedRecord], int]: ...

    def add_agreement(self, agreement: Agreement) -> None: ...

    def get_agreement(self, agreement_id: str) -> Agreement | None: ...

    def revoke_agreement(self, agreement_id: str, at: datetime) -> None: ...

    def agreements_for(self, dataset_id: str) -> list[Agreement]: ...

    def agreements_with(self, grantee_organisation_id: str) -> list[Agreement]:
        """Every agreement (active or not) granted to ``grantee_organisation_id``."""
        ...

    def all_records(self, dataset_id: str) -> Iterator[CanonicalRecord]: ...

    # refresh schedules
    def put_refresh(self, schedule: RefreshSchedule) -> None:
        """Insert or replace the dataset's schedule."""
        ...

    def get_refresh(self, dataset_id: str) -> RefreshSchedule | None: ...

    def delete_refresh(self, dataset_id: str) -> None: ...

    def claim_refreshes(
        self, now: datetime, limit: int, *, owner: str, lease_until: datetime
    ) -> list[RefreshSchedule]:
        """Lease up to ``limit`` due schedules not leased by another live worker."""
        ...

    def settle_refresh(self, schedule: RefreshSchedule, *, owner: str) -> bool:
        """Store the outcome and release the lease, if ``owner`` still holds it."""
        ...

    # file drops
    def put_drop(self, drop: FileDrop) -> None:
        """Insert or replace the dataset's drop."""
        ...

    def get_drop(self, dataset_id: str) -> FileDrop | None: ...

    def delete_drop(self, dataset_id: str) -> None: ...

    def put_dropped_file(self, item: DroppedFile) -> None:
        """Record a picked-up file, replacing an earlier record of the same name and content."""
        ...

    def dropped_files(self, dataset_id: str) -> list[DroppedFile]:
        """Every file picked up from the dataset's drop, newest first."""
        ...

    # data-key rotation
    def key_versions(self, dataset_id: str) -> list[int]:
        """The dataset's live data key versions, oldest first (two while a rotation runs)."""
        ...

    def start_key_rotation(self, dataset_id: str, at: datetime) -> tuple[int, int]: ...

    def count_under_old_keys(self, dataset_id: str) -> tuple[int, int]: ...

    def records_under_old_keys(
        self, dataset_id: str, after_id: str | None, limit: int
    ) -> list[CanonicalRecord]: ...

    def quarantined_under_old_keys(
        self, dataset_id: str, after_id: str | None, limit: int
    ) -> list[QuarantinedRecord]: ...

    def reseal(self, items: list[CanonicalRecord], held: list[QuarantinedRecord]) -> None: ...

    def destroy_old_keys(self, dataset_id: str) -> list[int]: ...

    def add_links(self, links: list[RecordLink]) -> None: ...

    def linked_pairs(self, dataset_id: str) -> set[tuple[str, str]]: ...

    def get_link(self, link_id: str) -> RecordLink | None: ...

    def set_link_status(
        self, link_id: str, expected: LinkStatus, status: LinkStatus, actor: str, at: datetime
    ) -> bool: ...

    def list_links(self, dataset_id: str, status: LinkStatus | None) -> list[RecordLink]: ...


SHARING: RepoKey[SharingRepository] = RepoKey("sharing")
