"""Ingest runs: stream a file through a dataset's mapping into canonical records.

Each row is mapped, cleaned and validated (``pipeline``, compiled once per run); good rows are
inserted or, when their exact key already exists in the dataset, merged into the existing record;
bad rows go to the quarantine with a reason per field. ``read == accepted + merged + quarantined``
always holds. Rows are read, converted (a column at a time, see ``columns``) and written in
chunks of ``CHUNK_ROWS``: one look-up of the chunk's keys, one bulk insert, one bulk update and
one quarantine write per chunk, so memory stays flat and the database sees a few statements per
thousands of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ids import new_id, new_ids
from lifeline.sharing.events import IngestRunCompleted
from lifeline.sharing.mapping import Mapping, parse_mapping
from lifeline.sharing.messages import PreviewMapping, Progress, RunIngest
from lifeline.sharing.model import (
    SHARING,
    CanonicalRecord,
    Dataset,
    IngestRun,
    QuarantinedRecord,
    QuarantineStatus,
    RunStatus,
    SharingRepository,
)
from lifeline.sharing.pipeline import Outcome, Pipeline, process
from lifeline.sharing.quality import QualityTally
from lifeline.sharing.readers import is_url, open_rows
from lifeline.sharing.service._common import dataset_for, mapping_for, personal_columns

CHUNK_ROWS = 5000
PROGRESS_ROWS = 1000
PREVIEW_MAX = 200


def _source_path(path: str) -> Path | str:
    """A file path, or an http(s) URL of a JSON API, kept as text."""
    if is_url(path):
        return path
    file = Path(path)
    if not file.is_file():
        raise InvalidInput("path", f"no such file: {path}")
    return file


def preview_mapping(query: PreviewMapping, ctx: HandlerContext) -> list[dict[str, Any]]:
    dataset = dataset_for(ctx, query.dataset_id)
    if query.text is not None:
        mapping = parse_mapping(query.text)
    else:
        mapping = mapping_for(ctx, dataset, query.version)[1]
    limit = max(1, min(query.limit, PREVIEW_MAX))
    source = open_rows(_source_path(query.path))
    now = ctx.uow.clock.now()
    out: list[dict[str, Any]] = []
    with source:
        mapping.check_columns(source.header)
        for number, row in enumerate(source.rows, start=1):
            result = process(mapping, row, now)
            out.append(
                {
                    "row_number": number,
                    "key": result.key,
                    "record": result.record,
                    "problems": {p.field: p.reason for p in result.problems},
                    "original": result.original,
                }
            )
            if number >= limit:
                break
    return out


@dataclass
class _Run:
    """The state of one run in flight: counts, the current batch and the quality tally."""

    ctx: HandlerContext
    repo: SharingRepository
    dataset: Dataset
    mapping: Mapping
    version: int
    run_id: str
    now: datetime
    tally: QualityTally
    blind_keys: bool
    accepted: int = 0
    merged: int = 0
    quarantined: int = 0
    good: list[Outcome] = field(default_factory=list)
    bad: list[QuarantinedRecord] = field(default_factory=list)

    def take(self, number: int, outcome: Outcome) -> None:
        self.tally.read += 1
        if outcome.ok:
            self.good.append(outcome)
        else:
            self.tally.rejected(list(outcome.problems))
            self.quarantined += 1
            self.bad.append(
                QuarantinedRecord(
                    id=new_id(),
                    run_id=self.run_id,
                    dataset_id=self.dataset.id,
                    organisation_id=self.dataset.organisation_id,
                    row_number=number,
                    original=outcome.original,
                    problems=_problem_map(outcome),
                    status=QuarantineStatus.OPEN,
                    created_at=self.now,
                )
            )
        if len(self.good) + len(self.bad) >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.bad:
            self.repo.add_quarantined(self.bad)
            self.bad = []
        if not self.good:
            return
        self.tally.kept_records([o.record for o in self.good])
        ids = iter(new_ids(len(self.good)))
        keyed = [(self._stored_key(o), o) for o in self.good]
        existing = self.repo.existing_keys(self.dataset.id, list({k for k, _ in keyed}))
        inserts: dict[str, CanonicalRecord] = {}
        updates: dict[str, CanonicalRecord] = {}
        for key, outcome in keyed:
            if key in inserts:
                inserts[key] = replace(inserts[key], data=outcome.record, original=outcome.original)
                self.merged += 1
                self.tally.in_file_duplicates += 1
                continue
            if key in existing:
                record_id, created_at, run_id = existing[key]
                if run_id == self.run_id or key in updates:
                    self.tally.in_file_duplicates += 1
                updates[key] = self._record(outcome, key, record_id, created_at)
                self.merged += 1
                continue
            inserts[key] = self._record(outcome, key, next(ids), self.now)
            self.accepted += 1
        self.repo.insert_records(list(inserts.values()))
        self.repo.update_records(list(updates.values()))
        self.good = []

    def _stored_key(self, outcome: Outcome) -> str:
        """The record key as stored: a blind index when a key column feeds a personal field."""
        key = outcome.key
        assert key is not None  # a blank key is a problem, so good outcomes have one
        return self.repo.blind_key(self.dataset.id, key) if self.blind_keys else key

    def _record(
        self, outcome: Outcome, key: str, record_id: str, created_at: datetime
    ) -> CanonicalRecord:
        return CanonicalRecord(
            id=record_id,
            dataset_id=self.dataset.id,
            organisation_id=self.dataset.organisation_id,
            record_type=self.dataset.record_type,
            record_key=key,
            data=outcome.record,
            run_id=self.run_id,
            mapping_version=self.version,
            original=outcome.original,
            created_at=created_at,
            updated_at=self.now,
        )


def _problem_map(outcome: Outcome) -> dict[str, str]:
    out: dict[str, str] = {}
    for problem in outcome.problems:
        out[problem.field] = (
            f"{out[problem.field]}; {problem.reason}" if problem.field in out else problem.reason
        )
    return out


def run_ingest(cmd: RunIngest, ctx: HandlerContext) -> IngestRun:
    dataset = dataset_for(ctx, cmd.dataset_id)
    stored, mapping = mapping_for(ctx, dataset, cmd.version)
    path = _source_path(cmd.path)
    started = ctx.uow.clock.now()
    run = _Run(
        ctx=ctx,
        repo=ctx.uow.repo(SHARING),
        dataset=dataset,
        mapping=mapping,
        version=stored.version,
        run_id=new_id(),
        now=started,
        tally=QualityTally(mapping.spec, region=mapping.region),
        blind_keys=bool(set(mapping.key) & personal_columns(mapping, dataset.personal_fields)),
    )
    pipeline = Pipeline(mapping)
    source = open_rows(path)
    progress: Progress | None = cmd.progress
    with source:
        mapping.check_columns(source.header)
        rows = iter(source.rows)
        try:
            while chunk := list(islice(rows, CHUNK_ROWS)):
                done = run.tally.read
                for number, outcome in enumerate(
                    pipeline.process_chunk(chunk, started), start=done + 1
                ):
                    run.take(number, outcome)
                if progress is not None:
                    for number in range(
                        done + PROGRESS_ROWS - done % PROGRESS_ROWS,
                        run.tally.read + 1,
                        PROGRESS_ROWS,
                    ):
                        progress(number)
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                "file", f"cannot decode byte {exc.start} as {source.encoding}"
            ) from exc
        run.flush()
    if progress is not None:
        progress(run.tally.read)
    result = IngestRun(
        id=run.run_id,
        dataset_id=dataset.id,
        organisation_id=dataset.organisation_id,
        mapping_version=stored.version,
        file_name=cmd.file_name or (path if isinstance(path, str) else path.name),
        encoding=source.encoding,
        status=RunStatus.COMPLETED,
        started_at=started,
        finished_at=ctx.uow.clock.now(),
        read=run.tally.read,
        accepted=run.accepted,
        merged=run.merged,
        quarantined=run.quarantined,
        quality=run.tally.report(),
    )
    run.repo.add_run(result)
    ctx.uow.record(
        IngestRunCompleted(
            aggregate_id=result.id,
            organisation_id=dataset.organisation_id,
            dataset_id=dataset.id,
            mapping_version=result.mapping_version,
            read=result.read,
            accepted=result.accepted,
            merged=result.merged,
            quarantined=result.quarantined,
        )
    )
    return result
