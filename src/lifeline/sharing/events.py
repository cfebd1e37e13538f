"""Events of the data sharing hub (past tense)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class SourceRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_source"
    name: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class DatasetRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_dataset"
    source_id: str
    name: str
    record_type: str
    personal_fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MappingPublished(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_dataset"
    version: int


@dataclass(frozen=True, kw_only=True)
class IngestRunCompleted(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_run"
    dataset_id: str
    mapping_version: int
    read: int
    accepted: int
    merged: int
    quarantined: int


@dataclass(frozen=True, kw_only=True)
class QuarantinedRecordReplayed(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_quarantine"
    dataset_id: str
    record_id: str
    merged: bool


@dataclass(frozen=True, kw_only=True)
class AgreementGranted(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_agreement"
    dataset_id: str
    grantee_organisation_id: str
    fields: tuple[str, ...]
    purpose: str
    expires_at: str | None
    row_filter: str | None = None  # JSON of the filter, when records are restricted


@dataclass(frozen=True, kw_only=True)
class AgreementRevoked(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_agreement"
    dataset_id: str
    grantee_organisation_id: str


@dataclass(frozen=True, kw_only=True)
class RecordsLinked(DomainEvent):
    """A linkage pass: how many pairs were compared, merged and queued for review."""

    aggregate_type: ClassVar[str] = "sharing_dataset"
    other_dataset_id: str | None
    compared: int
    merged: int
    pending: int


@dataclass(frozen=True, kw_only=True)
class LinkDecided(DomainEvent):
    """A person confirmed, rejected or undid a link (record ids only, never values)."""

    aggregate_type: ClassVar[str] = "sharing_link"
    dataset_id: str
    left_record_id: str
    right_record_id: str
    from_status: str
    to_status: str


@dataclass(frozen=True, kw_only=True)
class DataKeyRotationStarted(DomainEvent):
    """A new data key version; ``records`` and ``quarantined`` rows are to be sealed again."""

    aggregate_type: ClassVar[str] = "sharing_dataset"
    from_version: int
    to_version: int
    records: int
    quarantined: int


@dataclass(frozen=True, kw_only=True)
class DataKeyRotated(DomainEvent):
    """Every value is sealed under ``version``; the ``destroyed`` versions are deleted."""

    aggregate_type: ClassVar[str] = "sharing_dataset"
    version: int
    destroyed: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class RefreshScheduled(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_dataset"
    url: str
    interval_s: int


@dataclass(frozen=True, kw_only=True)
class RefreshCancelled(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_dataset"


@dataclass(frozen=True, kw_only=True)
class IngestRunFailed(DomainEvent):
    """A scheduled fetch read nothing; it is tried again at ``retry_at``."""

    aggregate_type: ClassVar[str] = "sharing_run"
    dataset_id: str
    error: str
    attempt: int
    retry_at: str


@dataclass(frozen=True, kw_only=True)
class DropRegistered(DomainEvent):
    """The dataset's files are picked up from a drop folder on its schedule."""

    aggregate_type: ClassVar[str] = "sharing_dataset"
    directory: str
    pattern: str
    interval_s: int
    settle_s: int
    move_done: bool


@dataclass(frozen=True, kw_only=True)
class DropCancelled(DomainEvent):
    aggregate_type: ClassVar[str] = "sharing_dataset"
    directory: str


@dataclass(frozen=True, kw_only=True)
class DroppedFilePickedUp(DomainEvent):
    """A file of a drop was ingested by ``run_id`` — or, as a ``duplicate``, recorded without a
    run because the same content was ingested before (``run_id`` names that run)."""

    aggregate_type: ClassVar[str] = "sharing_dataset"
    name: str
    content_hash: str
    size_bytes: int
    status: str
    run_id: str | None
