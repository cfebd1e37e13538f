"""``lifeline keys``: the master key of encryption at rest of the data hub's personal fields."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.consoles import console, err

keys_app = typer.Typer(
    help="Encryption at rest: the master key wrapping each dataset's data key.",
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
