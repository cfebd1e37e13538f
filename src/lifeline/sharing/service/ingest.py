"""Ingest runs: stream a file through a dataset's mapping into canonical records.

Each row is mapped, cleaned and validated (``pipeline``, compiled once per run); good rows are
inserted or, when their exact key already exists in the dataset, merged into the existing record;
bad rows go to the quarantine with a reason per field. ``read == accepted + merged + quarantined``
always holds. Rows are read, converted (a column at a time, see ``columns``) and written in
chunks of ``CHUNK_ROWS``: one look-up of the chunk's keys, one bulk insert, one bulk update and
one quarantine write per chunk, so memory stays flat and the database sees a few statements per
thousands of rows. A chunk is written in key order (inserts) and id order (merges), so the
database walks its indexes from one end to the other; while the run lasts, the rest of the
process's heap is frozen for the garbage collector (``kernel.heap``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, cast

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.heap import frozen_heap
from lifeline.kernel.ids import new_id, new_ids
from lifeline.sharing.events import IngestRunCompleted
from lifeline.sharing.mapping import Mapping, parse_mapping
from lifeline.sharing.messages import PreviewMapping, Progress, RunIngest
from lifeline.sharing.model import (
    SHARING,
    Dataset,
    IngestRun,
    QuarantinedRecord,
    QuarantineStatus,
    RecordBatch,
    RunStatus,
    SharingRepository,
)
from lifeline.sharing.pipeline import Chunk, Pipeline, process
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
    """The state of one run in flight: counts and the quality tally."""

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

    def take_chunk(self, first_number: int, chunk: Chunk) -> None:
        """Quarantine the chunk's rejected rows (numbered from ``first_number``), then insert
        its kept rows or merge them into the records that have their keys."""
        self.tally.read += len(chunk.keys)
        # a blank key is a problem, so every kept row has one
        keys = cast(list[str], chunk.keys)
        records, originals = chunk.records, chunk.originals
        if chunk.problems:
            self._quarantine(first_number, chunk)
            kept = [i for i in range(len(keys)) if i not in chunk.problems]
            keys = [keys[i] for i in kept]
            records = [records[i] for i in kept]
            originals = [originals[i] for i in kept]
        if keys:
            self._keep(keys, records, originals)

    def _quarantine(self, first_number: int, chunk: Chunk) -> None:
        bad: list[QuarantinedRecord] = []
        for i, problems in chunk.problems.items():
            self.tally.rejected(list(problems))
            bad.append(
                QuarantinedRecord(
                    id=new_id(),
                    run_id=self.run_id,
                    dataset_id=self.dataset.id,
                    organisation_id=self.dataset.organisation_id,
                    row_number=first_number + i,
                    original=chunk.originals[i],
                    problems=_problem_map(problems),
                    status=QuarantineStatus.OPEN,
                    created_at=self.now,
                )
            )
        self.quarantined += len(bad)
        self.repo.add_quarantined(bad)

    def _batch(
        self,
        ids: list[str],
        keys: list[str],
        rows: list[int],
        records: list[dict[str, Any]],
        originals: list[dict[str, Any]],
    ) -> RecordBatch:
        """A batch of this run: the records and originals at ``rows``, with ids and keys."""
        dataset = self.dataset
        return RecordBatch(
            dataset_id=dataset.id,
            organisation_id=dataset.organisation_id,
            record_type=dataset.record_type,
            run_id=self.run_id,
            mapping_version=self.version,
            at=self.now,
            ids=ids,
            keys=keys,
            data=[records[i] for i in rows],
            originals=[originals[i] for i in rows],
        )

    def _keep(
        self, keys: list[str], records: list[dict[str, Any]], originals: list[dict[str, Any]]
    ) -> None:
        """Insert the rows whose key is new; merge the others into the record with their key —
        one already stored (earlier runs or chunks) or one earlier in this chunk."""
        self.tally.kept_records(records)
        if self.blind_keys:  # the stored key is a blind index when it comes from personal data
            keys = [self.repo.blind_key(self.dataset.id, k) for k in keys]
        # each key once, holding its last row: a repeat of a key within the chunk is one
        # write, and the later row wins
        last = {key: i for i, key in enumerate(keys)}
        # in key order, so the look-up and the inserts walk the key index from one end to the
        # other instead of hopping about it (the ids are sorted too, for the primary key)
        ordered = sorted(last)
        existing = self.repo.existing_keys(self.dataset.id, ordered)
        duplicates = len(keys) - len(last)
        if existing:
            run_id = self.run_id
            new_keys = [k for k in ordered if k not in existing]
            # merges in the order of the records' ids, the order they are stored in
            merged = sorted((existing[k][0], k) for k in ordered if k in existing)
            merged_ids, merged_keys = [m[0] for m in merged], [m[1] for m in merged]
            # a key an earlier chunk of this run wrote is a repeat within the file too
            duplicates += sum(existing[k][2] == run_id for k in merged_keys)
        else:
            new_keys, merged_keys, merged_ids = ordered, [], []
        inserts = self._batch(
            sorted(new_ids(len(new_keys))),
            new_keys,
            [last[k] for k in new_keys],
            records,
            originals,
        )
        merges = self._batch(
            merged_ids, merged_keys, [last[k] for k in merged_keys], records, originals
        )
        self.accepted += len(new_keys)
        self.merged += len(keys) - len(new_keys)
        self.tally.in_file_duplicates += duplicates
        self.repo.insert_batch(inserts)
        self.repo.update_batch(merges)


def _problem_map(problems: tuple[FieldProblem, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for problem in problems:
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
    # the run allocates a chunk's rows and records again and again: the collector's full
    # passes need not walk the rest of the process meanwhile (see kernel.heap)
    with source, frozen_heap():
        mapping.check_columns(source.header)
        rows = iter(source.rows)
        try:
            while chunk := list(islice(rows, CHUNK_ROWS)):
                done = run.tally.read
                run.take_chunk(done + 1, pipeline.process_chunk(chunk, started))
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
