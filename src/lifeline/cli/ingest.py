"""``lifeline ingest``: preview a mapping against a sample, and run ingests with a progress bar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl

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
    """Fetch every HTTP source whose refresh is due, once (or every S seconds).

    Each due dataset is leased while it is fetched, so this is safe next to API processes
    (which do the same by themselves unless LIFELINE_SHARING_REFRESH_LOOP=false) and other
    copies of this command. A fetch that fails is recorded as a failed run and retried with
    backoff.
    """
    import signal

    from lifeline.bootstrap import refresh_worker
    from lifeline.cli.options import open_platform
    from lifeline.sharing.model import RunStatus

    platform = open_platform(database_url)
    worker = refresh_worker(platform)

    def report() -> None:
        for run in worker.run_once():
            if run.status is RunStatus.COMPLETED:
                console.print(
                    f"[green]dataset {run.dataset_id}[/green] run {run.id}: read {run.read}, "
                    f"accepted {run.accepted}, merged {run.merged}, "
                    f"quarantined {run.quarantined}"
                )
            else:
                console.print(
                    f"[red]dataset {run.dataset_id}[/red] run {run.id} failed: {run.error}"
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
