"""``lifeline alerts``: check CAP 1.2 documents from the command line."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, open_platform

if TYPE_CHECKING:
    from lifeline.alerts.service import DeliveryReport

alerts_app = typer.Typer(help="Public warnings (CAP 1.2).", no_args_is_help=True)


@alerts_app.command("validate")
def validate_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CAP 1.2 XML file.")],
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Accept small errors as warnings (agency feeds).")
    ] = False,
    max_bytes: Annotated[int, typer.Option(help="Refuse larger documents.")] = 1_048_576,
) -> None:
    """Validate FILE against the CAP 1.2 schema and the specification's other rules.

    Exit status 0 when accepted, 1 when it has errors, 2 when the XML itself is refused
    (hostile, malformed, too large or not CAP 1.2).
    """
    from lifeline.alerts.cap import validate
    from lifeline.kernel.errors import InvalidInput

    try:
        report = validate(file.read_bytes(), strict=not lenient, max_bytes=max_bytes)
    except InvalidInput as exc:
        for problem in exc.problems:
            err.print(f"[red]refused[/red] {problem.field}: {problem.reason}", markup=True)
        raise typer.Exit(2) from None
    for issue in report.errors:
        console.print(f"[red]error[/red]   {issue.path}: {issue.reason}", highlight=False)
    for issue in report.warnings:
        console.print(f"[yellow]warning[/yellow] {issue.path}: {issue.reason}", highlight=False)
    mode = "strict" if report.strict else "lenient"
    if not report.ok:
        console.print(f"{file}: [red]invalid[/red] ({mode}, {len(report.errors)} errors)")
        raise typer.Exit(1)
    assert report.alert is not None
    console.print(
        f"{file}: [green]valid[/green] CAP 1.2 ({mode}); {report.alert.msg_type} "
        f"{report.alert.identifier!r}, {len(report.alert.infos)} info block(s), "
        f"{len(report.warnings)} warning(s)",
        highlight=False,
    )


def report_table(report: DeliveryReport, title: str) -> Table:
    """The delivery report of one alert: a row per channel, a total, then the dead letters."""
    from lifeline.alerts.outbox import DeliveryState

    states = list(DeliveryState)
    table = Table(title=title)
    table.add_column("channel")
    for state in states:
        table.add_column(state.value, justify="right")
    for channel, counts in sorted(report.by_channel.items()):
        table.add_row(channel, *(str(counts.get(s.value, 0)) for s in states))
    table.add_row("total", *(str(report.total(s)) for s in states), style="bold")
    for dead in report.dead_letters:
        table.add_row(
            f"[red]dead letter[/red] {dead.channel}",
            f"{dead.recipient_kind} {dead.address}",
            f"{dead.attempts} attempts",
            dead.last_error[:60],
            "",
        )
    return table


@alerts_app.command("report")
def report(
    alert_id: Annotated[str, typer.Argument(help="The alert's id.")],
    database_url: DbUrl = None,
) -> None:
    """Print the delivery report of one alert: per channel queued, sent, failed (dead
    letters, listed with their last error) and withdrawn."""
    from lifeline.alerts.messages import GetDeliveryReport
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import NotFound

    platform = open_platform(database_url)
    try:
        result: DeliveryReport = platform.bus.handle(
            GetDeliveryReport(alert_id=alert_id), SYSTEM_ACTOR
        )
    except NotFound:
        err.print(f"no alert {alert_id!r}")
        raise typer.Exit(1) from None
    finally:
        platform.close()
    console.print(report_table(result, f"Deliveries of alert {alert_id}"))


@alerts_app.command("deliver")
def deliver(
    database_url: DbUrl = None,
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then exit.")] = False,
    until_done: Annotated[
        bool,
        typer.Option(
            "--until-done", help="Exit when no message is left queued (sent or dead letters)."
        ),
    ] = False,
) -> None:
    """Run the delivery loop of public warnings until interrupted (Ctrl-C or SIGTERM).

    Channels come from the settings (LIFELINE_SMTP_HOST, LIFELINE_SMS_GATEWAY_URL,
    LIFELINE_WEBHOOK_SECRET; in-app always). Messages are claimed with a lease, so this may run
    next to API processes and other workers without sending a message twice.
    """
    import signal
    import threading

    from lifeline.bootstrap import delivery_worker

    platform = open_platform(database_url)
    worker = delivery_worker(platform)
    channels = ", ".join(c.value for c in worker.channels)
    err.print(f"delivering on {channels} as {worker.owner}")
    interval = platform.settings.delivery_interval_s
    try:
        if once:
            worker.run_once()
        else:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: worker.stop())
            if until_done:

                def watch() -> None:
                    while worker.outstanding() > 0:
                        time.sleep(interval)
                    worker.stop()

                threading.Thread(target=watch, daemon=True).start()
            worker.run(interval_s=interval)
    finally:
        platform.close()
    sent = sum(worker.totals.sent.values())
    failed = sum(worker.totals.failed.values())
    console.print(f"sent {sent}, failed attempts {failed}")
