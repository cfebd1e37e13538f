"""What every ``lifeline`` subcommand that opens the database shares: the ``--database-url``
option and building the platform from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from lifeline.bootstrap import Platform

DbUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="LIFELINE_DATABASE_URL",
        help="SQLAlchemy URL; default sqlite:///./lifeline.sqlite",
    ),
]


def open_platform(database_url: str | None) -> Platform:
    """The platform on ``database_url`` (or the settings' default), built lazily at call time."""
    from lifeline.bootstrap import build_platform
    from lifeline.config import Settings

    return build_platform(Settings(database_url=database_url) if database_url else Settings())
