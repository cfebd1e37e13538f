"""``lifeline ingest``: preview a mapping against a sample, and run ingests with a progress bar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, handle_as_system, open_platform

ingest_app = typer.Typer(
    help="The data sharing hub: preview mappings and ingest files.", no_args_is_help=True
)


def _source(value: str) -> str:
    """A readable file, or an http(s) URL of a JSON API."""
    if value.startswith(("http://", "https://")) or Path(value).is_file():
        return value
    raise typer.BadParameter(f"no such file: {value}")


SourceFile = Annotated[
    str,
    typer.Argument(
        callback=_source,
        help="File to read (.csv, .ndjson, .json/.geojson, .xlsx, .xml) or an http(s) URL of a "
        "JSON API.",
    ),
]


def _mapping_text(mapping: str) -> str:
    """A mapping file's text, or a mapping shipped with Lifeline by name (``sf_fire_calls``)."""
    from lifeline.sharing import mappings

    path = Path(mapping)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    shipped = Path(mappings.__path__[0]) / f"{mapping}.yaml"
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    err.print(f"[red]no mapping file or shipped mapping named {mapping!r}")
    raise typer.Exit(2)


@ingest_app.command("preview")
def preview(
    file: SourceFile,
    mapping: Annotated[
        str, typer.Option(help="Mapping YAML file, or the name of a shipped mapping.")
    ],
    rows: Annotated[int, typer.Option(min=1, max=1000, help="Rows to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """Map the first rows of FILE with a mapping and show the records and problems.

    Nothing is stored; no database is needed.
    """
    from datetime import UTC, datetime

    from lifeline.kernel.errors import DomainError
    from lifeline.sharing.mapping import parse_mapping
    from lifeline.sharing.pipeline import process
    from lifeline.sharing.readers import open_rows

    now = datetime.now(UTC)
    try:
        parsed = parse_mapping(_mapping_text(mapping))
        with open_rows(file) as source:
            parsed.check_columns(source.header)
            results = []
            for number, row in enumerate(source.rows, start=1):
                results.append((number, process(parsed, row, now)))
                if number >= rows:
                    break
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        for number, outcome in results:
            problems = {p.field: p.reason for p in outcome.problems}
            line = {"row": number, "key": outcome.key, "record": outcome.record}
            console.print_json(json.dumps({**line, "problems": problems}, ensure_ascii=False))
        return
    table = Table(title=f"{Path(file).name} → {parsed.spec.type.value} ({source.encoding})")
    table.add_column("row", justify="right")
    table.add_column("key")
    table.add_column("record")
    table.add_column("problems", style="red")
    for number, outcome in results:
        table.add_row(
            str(number),
            outcome.key or "",
            json.dumps(outcome.record, ensure_ascii=False),
            "; ".join(f"{p.field}: {p.reason}" for p in outcome.problems),
        )
    console.print(table)


@ingest_app.command("run")
def run(
    file: SourceFile,
    dataset: Annotated[str, typer.Option(help="Id of the dataset to ingest into.")],
    version: Annotated[
        int | None, typer.Option(min=1, help="Mapping version; default the latest.")
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Ingest FILE into a dataset through its published mapping (as the system, audited)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from lifeline.bootstrap import build_platform
    from lifeline.config import Settings
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError
    from lifeline.sharing.messages import RunIngest

    settings = Settings(database_url=database_url) if database_url else Settings()
    platform = build_platform(settings)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=err,
        ) as bar:
            task = bar.add_task(f"ingesting {Path(file).name or file}", total=None)
            result = platform.bus.handle(
                RunIngest(
                    dataset_id=dataset,
                    path=file,
                    version=version,
                    progress=lambda n: bar.update(task, completed=n),
                ),
                SYSTEM_ACTOR,
            )
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        platform.close()
    console.print(
        f"[green]run {result.id}[/green] mapping v{result.mapping_version}: "
        f"read {result.read}, accepted {result.accepted}, merged {result.merged}, "
        f"quarantined {result.quarantined}"
    )


@ingest_app.command("refresh")
def refresh(
    every: Annotated[
        float | None,
        typer.Option(
            "--every", min=0.1, help="Repeat every S seconds until interrupted; default once."
        ),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Fetch every HTTP source and look into every file drop whose refresh is due, once (or
    every S seconds).

    Each due dataset is leased while it is fetched, so this is safe next to API processes
    (which do the same by themselves unless LIFELINE_SHARING_REFRESH_LOOP=false) and other
    copies of this command. A fetch that fails is recorded as a failed run and retried with
    backoff.
    """
    import signal

    from lifeline.bootstrap import refresh_worker
    from lifeline.sharing.model import RunStatus

    platform = open_platform(database_url)
    worker = refresh_worker(platform)

    def report() -> None:
        for run in worker.run_once():
            if run.status is RunStatus.COMPLETED:
                console.print(
                    f"[green]dataset {run.dataset_id}[/green] run {run.id} ({run.file_name}): "
                    f"read {run.read}, accepted {run.accepted}, merged {run.merged}, "
                    f"quarantined {run.quarantined}"
                )
            else:
                console.print(
                    f"[red]dataset {run.dataset_id}[/red] run {run.id} ({run.file_name}) "
                    f"failed: {run.error}"
                )

    try:
        if every is None:
            report()
            return
        signal.signal(signal.SIGTERM, lambda *_: worker.stop())
        err.print(f"refreshing due sources every {every:g} s; Ctrl-C stops")
        try:
            while True:
                report()
                if worker.wait(every):
                    break
        except KeyboardInterrupt:
            pass
    finally:
        platform.close()


@ingest_app.command("drop")
def drop(
    dataset: Annotated[str, typer.Option(help="Id of the dataset the files go into.")],
    directory: Annotated[
        str,
        typer.Option(help="Absolute path of the drop folder, inside LIFELINE_SHARING_DROP_ROOTS."),
    ],
    pattern: Annotated[str, typer.Option(help="Glob of the file names to pick up, e.g. *.csv.")],
    interval_s: Annotated[
        int | None,
        typer.Option("--interval-s", min=1, help="Seconds between looks; default the dataset's."),
    ] = None,
    settle_s: Annotated[
        int,
        typer.Option(
            "--settle-s",
            min=0,
            max=86_400,
            help="A file modified more recently than this is still being written and waits.",
        ),
    ] = 60,
    move_done: Annotated[
        bool, typer.Option("--move-done", help="Move picked-up files into done/ beside them.")
    ] = False,
    database_url: DbUrl = None,
) -> None:
    """Register a drop folder for a dataset (as the system, audited): on the dataset's schedule
    every new or changed file matching PATTERN is ingested through its published mapping, the
    format taken from the file's extension.

    The first look is due at once; `lifeline ingest refresh` (or a serving API process) does the
    looking. Replaces the dataset's HTTP refresh schedule, if it had one.
    """
    from lifeline.sharing.messages import RegisterDrop

    view = handle_as_system(
        database_url,
        RegisterDrop(
            dataset_id=dataset,
            directory=directory,
            pattern=pattern,
            interval_s=interval_s,
            settle_s=settle_s,
            move_done=move_done,
        ),
    )
    console.print(
        f"[green]dataset {dataset}[/green] picks up {view.drop.pattern} from "
        f"{view.drop.directory} every {view.interval_s} s (settle {view.drop.settle_s} s"
        f"{', then moved to done/' if view.drop.move_done else ''})"
    )


@ingest_app.command("drop-files")
def drop_files(
    dataset: Annotated[str, typer.Option(help="Id of the dataset.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per line.")
    ] = False,
    database_url: DbUrl = None,
) -> None:
    """List the files picked up from a dataset's drop folder, newest first: name, status
    (ingested, duplicate, failed), content hash, size and the run that read it."""
    from lifeline.sharing.messages import ListDroppedFiles

    found = handle_as_system(database_url, ListDroppedFiles(dataset_id=dataset))
    if as_json:
        for f in found:
            line = {
                "name": f.name,
                "status": f.status.value,
                "content_hash": f.content_hash,
                "size_bytes": f.size_bytes,
                "run_id": f.run_id,
                "picked_up_at": f.picked_up_at.isoformat(),
                "error": f.error,
            }
            console.print_json(json.dumps(line, ensure_ascii=False), indent=None)
        return
    if not found:
        console.print("no file has been picked up from this dataset's drop")
        return
    table = Table(title=f"files picked up for {dataset}")
    for column in ("file", "status", "sha-256", "bytes", "run", "picked up"):
        table.add_column(column)
    for f in found:
        table.add_row(
            f.name,
            f.status.value + (f": {f.error[:60]}" if f.error else ""),
            f.content_hash[:12],
            f"{f.size_bytes:,}",
            f.run_id or "",
            f.picked_up_at.isoformat(timespec="seconds"),
        )
    console.print(table)
