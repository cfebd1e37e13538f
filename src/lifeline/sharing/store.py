"""Tables and the SQL repository of the data sharing hub."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.sharing.model import (
    Agreement,
    CanonicalRecord,
    Dataset,
    IngestRun,
    MappingVersion,
    QuarantinedRecord,
    QuarantineStatus,
    RunStatus,
    Source,
)

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
    sa.Column("run_id", ID, nullable=False, index=True),
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
)


def _agreement(m: Any) -> Agreement:
    values = {k: m[k] for k in _names(agreements)}
    values["fields"] = tuple(values["fields"])
    return Agreement(**values)


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


class SqlSharingRepository:
    """The data hub's repository on one connection (inside a unit of work)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def _first(self, query: sa.Select[Any]) -> Any:
        row = self._conn.execute(query).first()
        return None if row is None else row._mapping

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
        rows = self._conn.execute(
            sa.select(records.c.record_key, records.c.id, records.c.created_at, records.c.run_id)
            .where(records.c.dataset_id == dataset_id)
            .where(records.c.record_key.in_(keys))
        ).all()
        return {r.record_key: (r.id, r.created_at, r.run_id) for r in rows}

    def insert_records(self, items: list[CanonicalRecord]) -> None:
        if items:
            self._conn.execute(records.insert(), [_row(r, records) for r in items])

    def update_records(self, items: list[CanonicalRecord]) -> None:
        if not items:
            return
        statement = (
            records.update()
            .where(records.c.id == sa.bindparam("b_id"))
            .values(
                data=sa.bindparam("b_data"),
                run_id=sa.bindparam("b_run_id"),
                mapping_version=sa.bindparam("b_mapping_version"),
                original=sa.bindparam("b_original"),
                updated_at=sa.bindparam("b_updated_at"),
            )
        )
        self._conn.execute(
            statement,
            [
                {
                    "b_id": r.id,
                    "b_data": r.data,
                    "b_run_id": r.run_id,
                    "b_mapping_version": r.mapping_version,
                    "b_original": r.original,
                    "b_updated_at": r.updated_at,
                }
                for r in items
            ],
        )

    def get_record(self, record_id: str) -> CanonicalRecord | None:
        m = self._first(sa.select(records).where(records.c.id == record_id))
        return None if m is None else _record(m)

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
        return [_record(r._mapping) for r in rows], int(total)

    # quarantine --------------------------------------------------------------------------
    def add_quarantined(self, items: list[QuarantinedRecord]) -> None:
        if items:
            self._conn.execute(quarantine.insert(), [_row(q, quarantine) for q in items])

    def get_quarantined(self, record_id: str) -> QuarantinedRecord | None:
        m = self._first(sa.select(quarantine).where(quarantine.c.id == record_id))
        return None if m is None else _quarantined(m)

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
        return [_quarantined(r._mapping) for r in rows], int(total)

    # agreements --------------------------------------------------------------------------
    def add_agreement(self, agreement: Agreement) -> None:
        self._conn.execute(agreements.insert().values(**_row(agreement, agreements)))

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
