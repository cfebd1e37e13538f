"""``lifeline keys``: the master key of encryption at rest of the data hub's personal fields."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl

keys_app = typer.Typer(
    help="Encryption at rest: the master key wrapping each dataset's data key, and the data "
    "keys themselves.",
    no_args_is_help=True,
)


@keys_app.command()
def rotate(
    new_master_key: Annotated[
        str,
        typer.Option(
            "--new-master-key",
            envvar="LIFELINE_NEW_MASTER_KEY",
            help="The new master key: base64 of 32 bytes.",
        ),
    ],
    master_key: Annotated[
        str,
        typer.Option(
            "--master-key",
            envvar="LIFELINE_MASTER_KEY",
            help="The current master key: base64 of 32 bytes.",
        ),
    ],
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="LIFELINE_DATABASE_URL",
            help="SQLAlchemy URL; default sqlite:///./lifeline.sqlite",
        ),
    ] = None,
) -> None:
    """Re-wrap every dataset's data key under a new master key, in one transaction.

    The encrypted values are not touched (their data keys stay the same). Afterwards set
    LIFELINE_MASTER_KEY to the new key; the old one no longer unwraps anything.
    """
    from lifeline.config import Settings
    from lifeline.kernel.db import make_engine
    from lifeline.sharing.crypto import CryptoError, parse_master_key
    from lifeline.sharing.store import rewrap_data_keys

    try:
        old, new = parse_master_key(master_key), parse_master_key(new_master_key)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    url = database_url or Settings().database_url
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            count = rewrap_data_keys(conn, old, new)
    except CryptoError as exc:
        err.print(f"[red]error:[/red] the current master key does not unwrap the data keys: {exc}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    console.print(f"re-wrapped {count} data key(s) under the new master key")


@keys_app.command("rotate-data")
def rotate_data(
    dataset: Annotated[str, typer.Option("--dataset", help="Id of the dataset to re-key.")],
    master_key: Annotated[
        str,
        typer.Option(
            "--master-key",
            envvar="LIFELINE_MASTER_KEY",
            help="The master key wrapping the data keys: base64 of 32 bytes.",
        ),
    ],
    batch: Annotated[
        int, typer.Option(min=1, max=5000, help="Rows re-encrypted per transaction.")
    ] = 500,
    max_batches: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many batches; run again to resume."),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Rotate one dataset's data key: make a new version, re-encrypt every personal value and
    original row in batches (one transaction each), then destroy the old version.

    Reads work throughout (old values decrypt until the last batch); writes to the dataset are
    refused until the rotation finishes. A rotation that stopped (a crash, --max-batches)
    resumes where it was when run again. Exit 0 when finished, 3 when stopped early.
    """
    from lifeline.bootstrap import build_platform
    from lifeline.config import Settings
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError
    from lifeline.sharing.crypto import parse_master_key
    from lifeline.sharing.service import rotate_data_key

    try:
        parse_master_key(master_key)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    settings = Settings(master_key=master_key)
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    platform = build_platform(settings)
    try:
        report = rotate_data_key(
            platform.bus, SYSTEM_ACTOR, dataset, batch=batch, max_batches=max_batches
        )
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        platform.close()
    verb = "resumed" if report.resumed else "started"
    console.print(
        f"{verb} rotation v{','.join(map(str, report.from_versions))} → v{report.to_version}: "
        f"re-encrypted {report.records} record(s) and {report.quarantined} quarantined row(s) "
        f"in {report.batches} batch(es)"
    )
    if report.finished:
        console.print(
            f"finished: old key version(s) destroyed; dataset {dataset} is on v{report.to_version}"
        )
    else:
        console.print("stopped before the end: run again to resume")
        raise typer.Exit(3)
