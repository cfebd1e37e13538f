"""Tables and the SQL repository of the data sharing hub."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import repeat
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.kernel.errors import Conflict
from lifeline.sharing.bulk import (
    binder,
    insert_rows,
    reader,
    rows_with_keys,
    to_json,
    to_json_each,
    update_rows,
)
from lifeline.sharing.crypto import (
    PREFIX,
    CryptoError,
    DataKey,
    is_token,
    new_data_key,
    token_version,
    unwrap_key,
    wrap_key,
)
from lifeline.sharing.model import (
    Agreement,
    CanonicalRecord,
    Dataset,
    DropFileStatus,
    DroppedFile,
    FileDrop,
    IngestRun,
    LinkStatus,
    MappingVersion,
    QuarantinedRecord,
    QuarantineStatus,
    RecordBatch,
    RecordLink,
    RefreshKind,
    RefreshSchedule,
    RunStatus,
    Source,
)
from lifeline.sharing.row_filter import RowFilter

ID = sa.String(36)

sources = sa.Table(
    "sharing_source",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("organisation_id", ID, nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

datasets = sa.Table(
    "sharing_dataset",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("source_id", ID, sa.ForeignKey("sharing_source.id"), nullable=False, index=True),
    sa.Column("organisation_id", ID, nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("personal_fields", sa.JSON(), nullable=False),
    sa.Column("refresh_interval_s", sa.Integer(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

mappings = sa.Table(
    "sharing_mapping",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("dataset_id", "version"),
)

runs = sa.Table(
    "sharing_run",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False, index=True),
    sa.Column("organisation_id", ID, nullable=False),
    sa.Column("mapping_version", sa.Integer(), nullable=False),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("encoding", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=False),
    sa.Column("read", sa.Integer(), nullable=False),
    sa.Column("accepted", sa.Integer(), nullable=False),
    sa.Column("merged", sa.Integer(), nullable=False),
    sa.Column("quarantined", sa.Integer(), nullable=False),
    sa.Column("quality", sa.JSON(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
)

refreshes = sa.Table(
    "sharing_refresh",
    metadata,
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("next_run_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("last_run_id", ID, nullable=True),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False, server_default=RefreshKind.HTTP.value),
)

drops = sa.Table(
    "sharing_drop",
    metadata,
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), primary_key=True),
    sa.Column("directory", sa.String(2000), nullable=False),
    sa.Column("pattern", sa.String(200), nullable=False),
    sa.Column("settle_s", sa.Integer(), nullable=False),
    sa.Column("move_done", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

dropped_files = sa.Table(
    "sharing_drop_file",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False, index=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("size_bytes", sa.BigInteger(), nullable=False),
    sa.Column("modified_at", UtcDateTime(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("run_id", ID, nullable=True),
    sa.Column("picked_up_at", UtcDateTime(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
    sa.UniqueConstraint("dataset_id", "name", "content_hash"),
)

records = sa.Table(
    "sharing_record",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False),
    sa.Column("organisation_id", ID, nullable=False),
    sa.Column("record_type", sa.String(40), nullable=False),
    sa.Column("record_key", sa.String(500), nullable=False),
    sa.Column("data", sa.JSON(), nullable=False),
    # the run that last wrote the record (lineage); no index: nothing looks records up by run
    sa.Column("run_id", ID, nullable=False),
    sa.Column("mapping_version", sa.Integer(), nullable=False),
    sa.Column("original", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("dataset_id", "record_key"),
)

quarantine = sa.Table(
    "sharing_quarantine",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("run_id", ID, nullable=False, index=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False, index=True),
    sa.Column("organisation_id", ID, nullable=False),
    sa.Column("row_number", sa.Integer(), nullable=False),
    sa.Column("original", sa.JSON(), nullable=False),
    sa.Column("problems", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("resolved_at", UtcDateTime(), nullable=True),
)

links = sa.Table(
    "sharing_link",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False, index=True),
    sa.Column("left_record_id", ID, nullable=False),
    sa.Column("right_record_id", ID, nullable=False),
    sa.Column("right_dataset_id", ID, nullable=False),
    sa.Column("score", sa.Float(), nullable=False),
    sa.Column("features", sa.JSON(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("automatic", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("left_record_id", "right_record_id"),
)

data_keys = sa.Table(
    "sharing_data_key",
    metadata,
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), primary_key=True),
    sa.Column("version", sa.Integer(), primary_key=True),
    sa.Column("wrapped", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

agreements = sa.Table(
    "sharing_agreement",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("dataset_id", ID, sa.ForeignKey("sharing_dataset.id"), nullable=False, index=True),
    sa.Column("organisation_id", ID, nullable=False),
    sa.Column("grantee_organisation_id", ID, nullable=False, index=True),
    sa.Column("fields", sa.JSON(), nullable=False),
    sa.Column("purpose", sa.Text(), nullable=False),
    sa.Column("granted_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("row_filter", sa.JSON(), nullable=True),
)


def _agreement(m: Any) -> Agreement:
    values = {k: m[k] for k in _names(agreements)}
    values["fields"] = tuple(values["fields"])
    values["row_filter"] = RowFilter.from_json(m["row_filter"]) if m["row_filter"] else None
    return Agreement(**values)


def _link(m: Any) -> RecordLink:
    values = {k: m[k] for k in _names(links)}
    values["status"] = LinkStatus(values["status"])
    values["features"] = dict(values["features"])
    return RecordLink(**values)


def _names(table: sa.Table) -> list[str]:
    return [column.name for column in table.columns]


def _source(m: Any) -> Source:
    return Source(**{k: m[k] for k in _names(sources)})


def _dataset(m: Any) -> Dataset:
    values = {k: m[k] for k in _names(datasets)}
    values["personal_fields"] = tuple(values["personal_fields"])
    return Dataset(**values)


def _run(m: Any) -> IngestRun:
    values = {k: m[k] for k in _names(runs)}
    values["status"] = RunStatus(values["status"])
    return IngestRun(**values)


def _schedule(m: Any) -> RefreshSchedule:
    values = {k: m[k] for k in _names(refreshes)}
    values["kind"] = RefreshKind(values["kind"])
    return RefreshSchedule(**values)


def _dropped(m: Any) -> DroppedFile:
    values = {k: m[k] for k in _names(dropped_files)}
    values["status"] = DropFileStatus(values["status"])
    return DroppedFile(**values)


def _record(m: Any) -> CanonicalRecord:
    return CanonicalRecord(**{k: m[k] for k in _names(records)})


def _quarantined(m: Any) -> QuarantinedRecord:
    values = {k: m[k] for k in _names(quarantine)}
    values["status"] = QuarantineStatus(values["status"])
    return QuarantinedRecord(**values)


def _row(obj: Any, table: sa.Table) -> dict[str, Any]:
    row = {k: getattr(obj, k) for k in _names(table)}
    for key, value in row.items():
        if isinstance(value, tuple):
            row[key] = list(value)
    return row


ORIGINAL = "original"
DATA = "data."
_RECORD_COLUMNS = (
    "id",
    "dataset_id",
    "organisation_id",
    "record_type",
    "record_key",
    "data",
    "run_id",
    "mapping_version",
    "original",
    "created_at",
    "updated_at",
)
_MERGED_COLUMNS = ("data", "run_id", "mapping_version", "original", "updated_at")


def _time_binder(conn: sa.Connection) -> Callable[[datetime], Any]:
    """Binds the records' timestamps as the column type does, once per distinct value (a run
    writes a handful of distinct timestamps across thousands of rows)."""
    bind = binder(conn, records.c.created_at)
    seen: dict[datetime, Any] = {}

    def when(value: datetime) -> Any:
        out = seen.get(value)
        if out is None:
            out = seen[value] = bind(value)
        return out

    return when


def rewrap_data_keys(conn: sa.Connection, old_master: bytes, new_master: bytes) -> int:
    """Re-wrap every dataset's data key under ``new_master`` (on ``conn``'s transaction);
    raises CryptoError, changing nothing, when ``old_master`` does not unwrap one of them."""
    rows = conn.execute(sa.select(data_keys)).all()
    rewrapped = [
        {
            "b_dataset_id": r.dataset_id,
            "b_version": r.version,
            "b_wrapped": wrap_key(
                new_master, r.dataset_id, unwrap_key(old_master, r.dataset_id, r.wrapped)
            ),
        }
        for r in rows
    ]
    if rewrapped:
        conn.execute(
            data_keys.update()
            .where(data_keys.c.dataset_id == sa.bindparam("b_dataset_id"))
            .where(data_keys.c.version == sa.bindparam("b_version"))
            .values(wrapped=sa.bindparam("b_wrapped")),
            rewrapped,
        )
    return len(rewrapped)


class SqlSharingRepository:
    """The data hub's repository on one connection (inside a unit of work).

    With a master key, the dataset's personal fields in ``sharing_record.data`` and the whole
    original row (``sharing_record.original``, ``sharing_quarantine.original``) of a dataset
    with personal fields are encrypted on write and decrypted on read (see ``crypto``).
    """

    def __init__(self, conn: sa.Connection, master_key: bytes | None = None) -> None:
        self._conn = conn
        self._master = master_key
        self._rings: dict[str, dict[int, DataKey]] = {}
        self._writable: set[str] = set()
        self._personal: dict[str, tuple[str, ...]] = {}

    # encryption at rest -----------------------------------------------------------------
    def _personal_fields(self, dataset_id: str) -> tuple[str, ...]:
        if dataset_id not in self._personal:
            row = self._conn.execute(
                sa.select(datasets.c.personal_fields).where(datasets.c.id == dataset_id)
            ).first()
            self._personal[dataset_id] = tuple(row.personal_fields) if row else ()
        return self._personal[dataset_id]

    def _ring(self, dataset_id: str) -> dict[int, DataKey]:
        """The dataset's live data keys by version — one, or two while a rotation runs — the
        first made (and stored wrapped) on first use."""
        if dataset_id in self._rings:
            return self._rings[dataset_id]
        if self._master is None:
            raise RuntimeError("the sharing repository has no master key")
        rows = self._conn.execute(
            sa.select(data_keys)
            .where(data_keys.c.dataset_id == dataset_id)
            .order_by(data_keys.c.version)
        ).all()
        if not rows:
            key = DataKey(new_data_key(), 1)
            self._conn.execute(
                data_keys.insert().values(
                    dataset_id=dataset_id,
                    version=key.version,
                    wrapped=wrap_key(self._master, dataset_id, key.key),
                    created_at=datetime.now(UTC),
                )
            )
            ring = {key.version: key}
        else:
            ring = {
                r.version: DataKey(unwrap_key(self._master, dataset_id, r.wrapped), r.version)
                for r in rows
            }
        self._rings[dataset_id] = ring
        return ring

    def _data_key(self, dataset_id: str) -> DataKey:
        """The dataset's newest data key: what values are encrypted with."""
        ring = self._ring(dataset_id)
        return ring[max(ring)]

    def _key_for(self, dataset_id: str, token: str) -> DataKey:
        """The data key a token was sealed with (old versions decrypt until a rotation ends)."""
        version = token_version(token)
        key = self._ring(dataset_id).get(version)
        if key is None:
            raise CryptoError(f"dataset {dataset_id} has no data key version {version}")
        return key

    def _decrypt(self, dataset_id: str, item_id: str, field: str, token: str) -> Any:
        return self._key_for(dataset_id, token).decrypt(item_id, field, token)

    def _writable_key(self, dataset_id: str) -> DataKey:
        """The key new values are sealed with, once no rotation of the dataset's key is in
        progress (Conflict otherwise). The share lock makes a rotation that starts wait for this
        transaction; the second read sees a rotation that committed while we waited."""
        if dataset_id not in self._writable:
            self._conn.execute(
                sa.select(data_keys.c.version)
                .where(data_keys.c.dataset_id == dataset_id)
                .with_for_update(read=True)
            ).all()
            live = self._conn.execute(
                sa.select(sa.func.count())
                .select_from(data_keys)
                .where(data_keys.c.dataset_id == dataset_id)
            ).scalar_one()
            if live > 1:
                raise Conflict(
                    f"the data key of dataset {dataset_id} is being rotated; writes to it "
                    "resume when the rotation finishes"
                )
            self._rings.pop(dataset_id, None)
            self._writable.add(dataset_id)
        return self._data_key(dataset_id)

    def _encrypts(self, dataset_id: str) -> bool:
        return self._master is not None and bool(self._personal_fields(dataset_id))

    def _seal_with(
        self,
        key: DataKey,
        dataset_id: str,
        item_id: str,
        data: dict[str, Any] | None,
        original: Any,
    ) -> tuple[dict[str, Any] | None, Any]:
        if data is not None:
            data = key.seal_fields(item_id, data, self._personal_fields(dataset_id), DATA)
        return data, key.encrypt(item_id, ORIGINAL, original)

    def _seal(
        self, dataset_id: str, item_id: str, data: dict[str, Any] | None, original: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, Any]:
        if not self._encrypts(dataset_id):
            return data, original
        return self._seal_with(self._writable_key(dataset_id), dataset_id, item_id, data, original)

    def _open_record(self, record: CanonicalRecord) -> CanonicalRecord:
        original: Any = record.original
        personal = self._personal_fields(record.dataset_id)
        if not is_token(original) and not any(is_token(record.data.get(f)) for f in personal):
            return record
        if is_token(original):
            original = self._decrypt(record.dataset_id, record.id, ORIGINAL, original)
        data = dict(record.data)
        for name in personal:
            if is_token(data.get(name)):
                data[name] = self._decrypt(record.dataset_id, record.id, DATA + name, data[name])
        return replace(record, data=data, original=original)

    def _open_quarantined(self, item: QuarantinedRecord) -> QuarantinedRecord:
        original: Any = item.original
        if not is_token(original):
            return item
        return replace(item, original=self._decrypt(item.dataset_id, item.id, ORIGINAL, original))

    def blind_key(self, dataset_id: str, key: str) -> str:
        if self._master is None:
            return key
        return self._data_key(dataset_id).blind(key)

    def _first(self, query: sa.Select[Any]) -> Any:
        row = self._conn.execute(query).first()
        return None if row is None else row._mapping

    # refresh schedules ------------------------------------------------------------------
    def put_refresh(self, schedule: RefreshSchedule) -> None:
        self.delete_refresh(schedule.dataset_id)
        self._conn.execute(refreshes.insert().values(**_row(schedule, refreshes)))

    def get_refresh(self, dataset_id: str) -> RefreshSchedule | None:
        m = self._first(sa.select(refreshes).where(refreshes.c.dataset_id == dataset_id))
        return None if m is None else _schedule(m)

    def delete_refresh(self, dataset_id: str) -> None:
        self._conn.execute(refreshes.delete().where(refreshes.c.dataset_id == dataset_id))

    def claim_refreshes(
        self, now: datetime, limit: int, *, owner: str, lease_until: datetime
    ) -> list[RefreshSchedule]:
        r = refreshes
        free = sa.and_(
            r.c.next_run_at <= now,
            sa.or_(r.c.lease_expires_at.is_(None), r.c.lease_expires_at <= now),
        )
        due = list(
            self._conn.execute(
                sa.select(r.c.dataset_id).where(free).order_by(r.c.next_run_at).limit(limit)
            ).scalars()
        )
        if not due:
            return []
        # the conditions again: a schedule another worker leased meanwhile is not taken over
        self._conn.execute(
            r.update()
            .where(r.c.dataset_id.in_(due), free)
            .values(lease_owner=owner, lease_expires_at=lease_until)
        )
        rows = self._conn.execute(
            sa.select(r)
            .where(r.c.dataset_id.in_(due), r.c.lease_owner == owner)
            .where(r.c.lease_expires_at == lease_until)
            .order_by(r.c.next_run_at)
        ).all()
        return [_schedule(row._mapping) for row in rows]

    def settle_refresh(self, schedule: RefreshSchedule, *, owner: str) -> bool:
        result = self._conn.execute(
            refreshes.update()
            .where(refreshes.c.dataset_id == schedule.dataset_id)
            .where(refreshes.c.lease_owner == owner)
            .values(
                next_run_at=schedule.next_run_at,
                attempts=schedule.attempts,
                last_error=schedule.last_error,
                last_run_id=schedule.last_run_id,
                lease_owner=None,
                lease_expires_at=None,
                updated_at=schedule.updated_at,
            )
        )
        return bool(result.rowcount == 1)

    # file drops --------------------------------------------------------------------------
    def put_drop(self, drop: FileDrop) -> None:
        self.delete_drop(drop.dataset_id)
        self._conn.execute(drops.insert().values(**_row(drop, drops)))

    def get_drop(self, dataset_id: str) -> FileDrop | None:
        m = self._first(sa.select(drops).where(drops.c.dataset_id == dataset_id))
        return None if m is None else FileDrop(**{k: m[k] for k in _names(drops)})

    def delete_drop(self, dataset_id: str) -> None:
        self._conn.execute(drops.delete().where(drops.c.dataset_id == dataset_id))

    def put_dropped_file(self, item: DroppedFile) -> None:
        f = dropped_files.c
        self._conn.execute(
            dropped_files.delete().where(
                f.dataset_id == item.dataset_id,
                f.name == item.name,
                f.content_hash == item.content_hash,
            )
        )
        row = _row(item, dropped_files)
        row["status"] = item.status.value
        self._conn.execute(dropped_files.insert().values(**row))

    def dropped_files(self, dataset_id: str) -> list[DroppedFile]:
        rows = self._conn.execute(
            sa.select(dropped_files)
            .where(dropped_files.c.dataset_id == dataset_id)
            .order_by(dropped_files.c.picked_up_at.desc(), dropped_files.c.name)
        ).all()
        return [_dropped(r._mapping) for r in rows]

    # data-key rotation ------------------------------------------------------------------
    def key_versions(self, dataset_id: str) -> list[int]:
        return list(
            self._conn.execute(
                sa.select(data_keys.c.version)
                .where(data_keys.c.dataset_id == dataset_id)
                .order_by(data_keys.c.version)
            ).scalars()
        )

    def start_key_rotation(self, dataset_id: str, at: datetime) -> tuple[int, int]:
        """Add a new data key version after locking the current one (so writers in flight
        finish first); returns (the current version, the new one)."""
        if self._master is None:
            raise RuntimeError("the sharing repository has no master key")
        versions = list(
            self._conn.execute(
                sa.select(data_keys.c.version)
                .where(data_keys.c.dataset_id == dataset_id)
                .order_by(data_keys.c.version)
                .with_for_update()
            ).scalars()
        )
        if not versions:
            raise Conflict(f"dataset {dataset_id} has no data key yet: nothing of it is encrypted")
        if len(versions) > 1:
            raise Conflict(f"a rotation of dataset {dataset_id}'s data key is already running")
        new = versions[-1] + 1
        self._conn.execute(
            data_keys.insert().values(
                dataset_id=dataset_id,
                version=new,
                wrapped=wrap_key(self._master, dataset_id, new_data_key()),
                created_at=at,
            )
        )
        self._rings.pop(dataset_id, None)
        return versions[-1], new

    def _under_old_key(self, column: Any, dataset_id: str) -> Any:
        """``column`` (a JSON original) holds a token of a version older than the newest."""
        text = sa.cast(column, sa.Text)
        newest = max(self._ring(dataset_id))
        return sa.and_(text.like(f'"{PREFIX}%'), ~text.like(f'"{PREFIX}{newest}:%'))

    def count_under_old_keys(self, dataset_id: str) -> tuple[int, int]:
        """(records, quarantined rows) still encrypted under an old data key version."""
        counts = []
        for table in (records, quarantine):
            counts.append(
                self._conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(table.c.dataset_id == dataset_id)
                    .where(self._under_old_key(table.c.original, dataset_id))
                ).scalar_one()
            )
        return int(counts[0]), int(counts[1])

    def records_under_old_keys(
        self, dataset_id: str, after_id: str | None, limit: int
    ) -> list[CanonicalRecord]:
        """The next ``limit`` records (by id, after ``after_id``) under an old key, decrypted."""
        rows = self._under_old_keys(records, dataset_id, after_id, limit)
        return [self._open_record(_record(r._mapping)) for r in rows]

    def quarantined_under_old_keys(
        self, dataset_id: str, after_id: str | None, limit: int
    ) -> list[QuarantinedRecord]:
        """The next ``limit`` quarantined rows under an old key, decrypted."""
        rows = self._under_old_keys(quarantine, dataset_id, after_id, limit)
        return [self._open_quarantined(_quarantined(r._mapping)) for r in rows]

    def _under_old_keys(
        self, table: sa.Table, dataset_id: str, after_id: str | None, limit: int
    ) -> Sequence[sa.Row[Any]]:
        """The next ``limit`` rows of ``table`` (by id, after ``after_id``) sealed under an old
        key, locked against a concurrent rotation pass (others skip them)."""
        query = (
            sa.select(table)
            .where(table.c.dataset_id == dataset_id)
            .where(self._under_old_key(table.c.original, dataset_id))
            .order_by(table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if after_id is not None:
            query = query.where(table.c.id > after_id)
        return self._conn.execute(query).all()

    def reseal(self, items: list[CanonicalRecord], held: list[QuarantinedRecord]) -> None:
        """Encrypt again under the newest key (with each record's ``record_key`` as given);
        ``updated_at`` is left alone: the values did not change."""
        if items:
            key = self._data_key(items[0].dataset_id)
            rows = []
            for r in items:
                data, original = self._seal_with(key, r.dataset_id, r.id, r.data, r.original)
                rows.append(
                    {"b_id": r.id, "b_data": data, "b_original": original, "b_key": r.record_key}
                )
            self._conn.execute(
                records.update()
                .where(records.c.id == sa.bindparam("b_id"))
                .values(
                    data=sa.bindparam("b_data"),
                    original=sa.bindparam("b_original"),
                    record_key=sa.bindparam("b_key"),
                ),
                rows,
            )
        if held:
            key = self._data_key(held[0].dataset_id)
            self._conn.execute(
                quarantine.update()
                .where(quarantine.c.id == sa.bindparam("b_id"))
                .values(original=sa.bindparam("b_original")),
                [
                    {
                        "b_id": q.id,
                        "b_original": self._seal_with(key, q.dataset_id, q.id, None, q.original)[1],
                    }
                    for q in held
                ],
            )

    def destroy_old_keys(self, dataset_id: str) -> list[int]:
        """Delete every data key version but the newest, once no value is sealed under one
        (Conflict otherwise); returns the versions destroyed."""
        remaining = sum(self.count_under_old_keys(dataset_id))
        if remaining:
            raise Conflict(f"{remaining} value(s) of dataset {dataset_id} are under an old key")
        versions = self.key_versions(dataset_id)
        old = versions[:-1]
        if old:
            self._conn.execute(
                data_keys.delete()
                .where(data_keys.c.dataset_id == dataset_id)
                .where(data_keys.c.version.in_(old))
            )
        self._rings.pop(dataset_id, None)
        return old

    # sources and datasets ----------------------------------------------------------------
    def add_source(self, source: Source) -> None:
        self._conn.execute(sources.insert().values(**_row(source, sources)))

    def get_source(self, source_id: str) -> Source | None:
        m = self._first(sa.select(sources).where(sources.c.id == source_id))
        return None if m is None else _source(m)

    def list_sources(self) -> list[Source]:
        rows = self._conn.execute(sa.select(sources).order_by(sources.c.name)).all()
        return [_source(r._mapping) for r in rows]

    def add_dataset(self, dataset: Dataset) -> None:
        self._conn.execute(datasets.insert().values(**_row(dataset, datasets)))

    def get_dataset(self, dataset_id: str) -> Dataset | None:
        m = self._first(sa.select(datasets).where(datasets.c.id == dataset_id))
        return None if m is None else _dataset(m)

    def list_datasets(self) -> list[Dataset]:
        rows = self._conn.execute(sa.select(datasets).order_by(datasets.c.name)).all()
        return [_dataset(r._mapping) for r in rows]

    def set_refresh_interval(self, dataset_id: str, interval_s: int) -> None:
        self._conn.execute(
            datasets.update()
            .where(datasets.c.id == dataset_id)
            .values(refresh_interval_s=interval_s)
        )

    # mappings ----------------------------------------------------------------------------
    def add_mapping(self, mapping: MappingVersion) -> None:
        self._conn.execute(mappings.insert().values(**_row(mapping, mappings)))

    def get_mapping(self, dataset_id: str, version: int | None) -> MappingVersion | None:
        query = sa.select(mappings).where(mappings.c.dataset_id == dataset_id)
        if version is None:
            query = query.order_by(mappings.c.version.desc()).limit(1)
        else:
            query = query.where(mappings.c.version == version)
        m = self._first(query)
        return None if m is None else MappingVersion(**{k: m[k] for k in _names(mappings)})

    # runs --------------------------------------------------------------------------------
    def add_run(self, run: IngestRun) -> None:
        self._conn.execute(runs.insert().values(**_row(run, runs)))

    def get_run(self, run_id: str) -> IngestRun | None:
        m = self._first(sa.select(runs).where(runs.c.id == run_id))
        return None if m is None else _run(m)

    def list_runs(self, dataset_id: str) -> list[IngestRun]:
        rows = self._conn.execute(
            sa.select(runs).where(runs.c.dataset_id == dataset_id).order_by(runs.c.started_at)
        ).all()
        return [_run(r._mapping) for r in rows]

    # canonical records -------------------------------------------------------------------
    def existing_keys(
        self, dataset_id: str, keys: list[str]
    ) -> dict[str, tuple[str, datetime, str]]:
        if not keys:
            return {}
        # created_at comes back as the driver gives it and is converted once per distinct
        # value: a chunk's records share the few timestamps of the runs that made them
        rows = rows_with_keys(
            self._conn,
            records,
            ("record_key", "id", "created_at", "run_id"),
            ("dataset_id", dataset_id),
            "record_key",
            keys,
        )
        convert = reader(self._conn, records.c.created_at)
        times: dict[Any, datetime] = {}
        out: dict[str, tuple[str, datetime, str]] = {}
        for key, record_id, created, run_id in rows:
            when = times.get(created)
            if when is None:
                when = times[created] = convert(created)
            out[key] = (record_id, when, run_id)
        return out

    def _sealed_values(self, record: CanonicalRecord) -> tuple[Any, Any]:
        """The record's data and original as stored (encrypted where the dataset says so)."""
        if not self._encrypts(record.dataset_id):
            return record.data, record.original
        return self._seal(record.dataset_id, record.id, record.data, record.original)

    def insert_records(self, items: list[CanonicalRecord]) -> None:
        if not items:
            return
        when = _time_binder(self._conn)
        rows = []
        for r in items:
            data, original = self._sealed_values(r)
            rows.append(
                (
                    r.id,
                    r.dataset_id,
                    r.organisation_id,
                    r.record_type,
                    r.record_key,
                    to_json(data),
                    r.run_id,
                    r.mapping_version,
                    to_json(original),
                    when(r.created_at),
                    when(r.updated_at),
                )
            )
        insert_rows(self._conn, records, _RECORD_COLUMNS, rows)

    def update_records(self, items: list[CanonicalRecord]) -> None:
        if not items:
            return
        when = _time_binder(self._conn)
        rows = []
        for r in items:
            data, original = self._sealed_values(r)
            rows.append(
                (
                    to_json(data),
                    r.run_id,
                    r.mapping_version,
                    to_json(original),
                    when(r.updated_at),
                    r.id,
                )
            )
        update_rows(self._conn, records, "id", _MERGED_COLUMNS, rows)

    def _batch_json(self, batch: RecordBatch) -> tuple[list[str], list[str]]:
        """The JSON text of the batch's data and originals as stored (sealed where the dataset
        says so)."""
        if not self._encrypts(batch.dataset_id):
            return to_json_each(batch.data), to_json_each(batch.originals)
        sealed = [
            self._seal(batch.dataset_id, record_id, data, original)
            for record_id, data, original in zip(
                batch.ids, batch.data, batch.originals, strict=True
            )
        ]
        return to_json_each([d for d, _ in sealed]), to_json_each([o for _, o in sealed])

    def insert_batch(self, batch: RecordBatch) -> None:
        if not batch.ids:
            return
        data, originals = self._batch_json(batch)
        at = _time_binder(self._conn)(batch.at)
        rows = list(
            zip(
                batch.ids,
                repeat(batch.dataset_id),
                repeat(batch.organisation_id),
                repeat(batch.record_type),
                batch.keys,
                data,
                repeat(batch.run_id),
                repeat(batch.mapping_version),
                originals,
                repeat(at),
                repeat(at),
                strict=False,  # the repeats are endless; the lists are of one length
            )
        )
        insert_rows(self._conn, records, _RECORD_COLUMNS, rows)

    def update_batch(self, batch: RecordBatch) -> None:
        if not batch.ids:
            return
        data, originals = self._batch_json(batch)
        rows = list(
            zip(
                data,
                repeat(batch.run_id),
                repeat(batch.mapping_version),
                originals,
                repeat(_time_binder(self._conn)(batch.at)),
                batch.ids,
                strict=False,  # the repeats are endless; the lists are of one length
            )
        )
        update_rows(self._conn, records, "id", _MERGED_COLUMNS, rows)

    def get_record(self, record_id: str) -> CanonicalRecord | None:
        m = self._first(sa.select(records).where(records.c.id == record_id))
        return None if m is None else self._open_record(_record(m))

    def list_records(
        self, dataset_id: str, limit: int, offset: int
    ) -> tuple[list[CanonicalRecord], int]:
        where = records.c.dataset_id == dataset_id
        rows = self._conn.execute(
            sa.select(records)
            .where(where)
            .order_by(records.c.record_key)
            .limit(limit)
            .offset(offset)
        ).all()
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(records).where(where)
        ).scalar_one()
        return [self._open_record(_record(r._mapping)) for r in rows], int(total)

    # quarantine --------------------------------------------------------------------------
    def add_quarantined(self, items: list[QuarantinedRecord]) -> None:
        if items:
            rows = []
            for q in items:
                row = _row(q, quarantine)
                row["original"] = self._seal(q.dataset_id, q.id, None, q.original)[1]
                rows.append(row)
            self._conn.execute(quarantine.insert(), rows)

    def get_quarantined(self, record_id: str) -> QuarantinedRecord | None:
        m = self._first(sa.select(quarantine).where(quarantine.c.id == record_id))
        return None if m is None else self._open_quarantined(_quarantined(m))

    def resolve_quarantined(self, record_id: str, at: datetime) -> None:
        self._conn.execute(
            quarantine.update()
            .where(quarantine.c.id == record_id)
            .values(status=QuarantineStatus.REPLAYED.value, resolved_at=at)
        )

    def list_quarantined(
        self, dataset_id: str, status: QuarantineStatus | None, limit: int, offset: int
    ) -> tuple[list[QuarantinedRecord], int]:
        where = quarantine.c.dataset_id == dataset_id
        if status is not None:
            where = sa.and_(where, quarantine.c.status == status.value)
        rows = self._conn.execute(
            sa.select(quarantine)
            .where(where)
            .order_by(quarantine.c.created_at, quarantine.c.row_number)
            .limit(limit)
            .offset(offset)
        ).all()
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(quarantine).where(where)
        ).scalar_one()
        return [self._open_quarantined(_quarantined(r._mapping)) for r in rows], int(total)

    # agreements --------------------------------------------------------------------------
    def add_agreement(self, agreement: Agreement) -> None:
        row = _row(agreement, agreements)
        row["row_filter"] = agreement.row_filter.to_json() if agreement.row_filter else None
        self._conn.execute(agreements.insert().values(**row))

    def get_agreement(self, agreement_id: str) -> Agreement | None:
        m = self._first(sa.select(agreements).where(agreements.c.id == agreement_id))
        return None if m is None else _agreement(m)

    def revoke_agreement(self, agreement_id: str, at: datetime) -> None:
        self._conn.execute(
            agreements.update().where(agreements.c.id == agreement_id).values(revoked_at=at)
        )

    def agreements_for(self, dataset_id: str) -> list[Agreement]:
        rows = self._conn.execute(
            sa.select(agreements)
            .where(agreements.c.dataset_id == dataset_id)
            .order_by(agreements.c.created_at)
        ).all()
        return [_agreement(r._mapping) for r in rows]

    def agreements_with(self, grantee_organisation_id: str) -> list[Agreement]:
        rows = self._conn.execute(
            sa.select(agreements)
            .where(agreements.c.grantee_organisation_id == grantee_organisation_id)
            .order_by(agreements.c.created_at, agreements.c.id)
        ).all()
        return [_agreement(r._mapping) for r in rows]

    # records, whole ---------------------------------------------------------------------
    def all_records(self, dataset_id: str) -> Iterator[CanonicalRecord]:
        """Every record of a dataset, decrypted, in key order, read in pages of 1,000."""
        offset = 0
        while True:
            page, _ = self.list_records(dataset_id, 1000, offset)
            yield from page
            if len(page) < 1000:
                return
            offset += len(page)

    # links -------------------------------------------------------------------------------
    def add_links(self, items: list[RecordLink]) -> None:
        if items:
            rows = []
            for link in items:
                row = _row(link, links)
                row["status"] = link.status.value
                rows.append(row)
            self._conn.execute(links.insert(), rows)

    def linked_pairs(self, dataset_id: str) -> set[tuple[str, str]]:
        rows = self._conn.execute(
            sa.select(links.c.left_record_id, links.c.right_record_id).where(
                links.c.dataset_id == dataset_id
            )
        ).all()
        return {(str(a), str(b)) for a, b in rows}

    def get_link(self, link_id: str) -> RecordLink | None:
        m = self._first(sa.select(links).where(links.c.id == link_id))
        return None if m is None else _link(m)

    def set_link_status(
        self, link_id: str, expected: LinkStatus, status: LinkStatus, actor: str, at: datetime
    ) -> bool:
        result = self._conn.execute(
            links.update()
            .where(links.c.id == link_id, links.c.status == expected.value)
            .values(status=status.value, decided_by=actor, decided_at=at)
        )
        return bool(result.rowcount == 1)

    def list_links(self, dataset_id: str, status: LinkStatus | None) -> list[RecordLink]:
        where = links.c.dataset_id == dataset_id
        if status is not None:
            where = sa.and_(where, links.c.status == status.value)
        rows = self._conn.execute(
            sa.select(links).where(where).order_by(links.c.score.desc(), links.c.id)
        ).all()
        return [_link(r._mapping) for r in rows]
