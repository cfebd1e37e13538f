"""What the ``lifeline`` subcommands share: the ``--database-url`` option, building the platform
from it, and stopping a long-running worker on Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lifeline.cli.consoles import err

if TYPE_CHECKING:
    from lifeline.bootstrap import Platform
    from lifeline.kernel.events import Message

DbUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="LIFELINE_DATABASE_URL",
        help="SQLAlchemy URL; default sqlite:///./lifeline.sqlite",
    ),
]
MqttUrl = Annotated[
    str | None, typer.Option("--mqtt-url", envvar="LIFELINE_MQTT_URL", help="mqtt://host:port")
]
SubscriptionGroup = Annotated[
    str, typer.Option(help="Shared-subscription group; workers of one group split the load.")
]
MaxBatch = Annotated[int, typer.Option(help="Messages per micro-batch at most.")]
MaxWaitMs = Annotated[
    float,
    typer.Option(
        help="Longest a busy worker lingers to fill a batch, ms (0: group commit only; an idle "
        "worker stores the first message at once whatever this is)."
    ),
]
MetricsPort = Annotated[
    int | None,
    typer.Option(
        help="Serve the worker's Prometheus metrics at http://<metrics-host>:<port>/metrics; "
        "0 takes a free port. Off when not given."
    ),
]
MetricsHost = Annotated[
    str, typer.Option(help="Address the metrics server listens on (loopback by default).")
]


def open_platform(database_url: str | None) -> Platform:
    """The platform on ``database_url`` (or the settings' default), built lazily at call time."""
    from lifeline.bootstrap import build_platform
    from lifeline.config import Settings

    return build_platform(Settings(database_url=database_url) if database_url else Settings())


def handle_as_system(database_url: str | None, message: Message) -> Any:
    """Run one command or query as the system on the platform at ``database_url`` and return
    its result; a refusal is printed and ends the command with exit code 1."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError

    platform = open_platform(database_url)
    try:
        return platform.bus.handle(message, SYSTEM_ACTOR)
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        platform.close()


def until_interrupted() -> threading.Event:
    """An event set by Ctrl-C or SIGTERM (how the long-running workers are stopped)."""
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop
