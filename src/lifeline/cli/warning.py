"""``lifeline warning``: level scales, rules from YAML, alarms, and the escalation run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, handle_as_system, open_platform

if TYPE_CHECKING:
    pass

warning_app = typer.Typer(
    help="Early warning: level scales, rules, alarms, escalation.", no_args_is_help=True
)


@warning_app.command("scales")
def scales_command() -> None:
    """List the warning-level scales and their levels by rank."""
    from lifeline.warning.scales import scales

    for scale in scales().values():
        table = Table(title=f"{scale.code}: {scale.name_en} ({scale.name})")
        for column in ("rank", "code", "name", "meaning"):
            table.add_column(column)
        for level in scale.levels:
            table.add_row(str(level.rank), level.code, level.name, level.name_en)
        console.print(table)


@warning_app.command("add-rule")
def add_rule(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Rule definition (YAML or JSON).")
    ],
    organisation_id: Annotated[str, typer.Option(help="Organisation that owns the rule.")],
    database_url: DbUrl = None,
) -> None:
    """Create a rule from a YAML or JSON file (as the system, recorded in the audit trail)."""
    import yaml

    from lifeline.warning.messages import CreateRule

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        err.print(f"[red]not valid YAML or JSON:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not isinstance(data, dict):
        err.print("[red]the file must hold one mapping (the rule definition)[/red]")
        raise typer.Exit(2)
    rule = handle_as_system(
        database_url, CreateRule(organisation_id=organisation_id, definition=data)
    )
    console.print(f"rule {rule.id} '{rule.name}' version {rule.version}")


@warning_app.command("rules")
def rules_command(database_url: DbUrl = None) -> None:
    """List every rule at its current version."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.warning.messages import ListRules

    platform = open_platform(database_url)
    try:
        rules, total = platform.bus.handle(ListRules(limit=500), SYSTEM_ACTOR)
    finally:
        platform.close()
    table = Table(title=f"{total} warning rules")
    for column in ("id", "name", "version", "enabled", "condition"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.id, r.name, str(r.version), "yes" if r.enabled else "no",
                      str(r.definition["condition"]["type"]))  # fmt: skip
    console.print(table)


@warning_app.command("alarms")
def alarms_command(
    database_url: DbUrl = None,
    all_: Annotated[bool, typer.Option("--all", help="Include cleared alarms.")] = False,
) -> None:
    """List open alarms (or all with --all), newest first."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.warning.messages import ListAlarms
    from lifeline.warning.model import AlarmFilter, AlarmStatus

    flt = AlarmFilter() if all_ else AlarmFilter(status=AlarmStatus.OPEN)
    platform = open_platform(database_url)
    try:
        alarms, total = platform.bus.handle(ListAlarms(filter=flt, limit=500), SYSTEM_ACTOR)
    finally:
        platform.close()
    for a in alarms:
        ack = "acknowledged" if a.acknowledged_at else "unacknowledged"
        console.print(
            f"{a.status.value:<8} {a.level:<7} {a.title} · source {a.source_id} · {ack} · "
            f"raised {a.raised_at:%Y-%m-%d %H:%M:%S} · re-triggered {a.retrigger_count}",
            highlight=False,
        )
    console.print(f"{total} alarms")


@warning_app.command("escalate")
def escalate(
    database_url: DbUrl = None,
    every: Annotated[
        float | None,
        typer.Option(help="Repeat every this many seconds until interrupted (default: once)."),
    ] = None,
) -> None:
    """Run due escalation steps of unacknowledged alarms, settle flapping clears and check
    absence rules (the server does this by itself while it runs)."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.warning.messages import RunEscalations

    if every is not None and every <= 0:
        err.print("[red]--every must be positive[/red]")
        raise typer.Exit(2)
    platform = open_platform(database_url)
    try:
        while True:
            report = platform.bus.handle(RunEscalations(), SYSTEM_ACTOR)
            console.print(
                f"{report.steps_run} escalation steps, {report.flapping_cleared} flapping "
                f"alarms cleared, {report.absence_alarms} absence alarms, "
                f"{report.anomaly_cleared} quiet anomaly alarms cleared"
            )
            if every is None:
                break
            time.sleep(every)
    except KeyboardInterrupt:
        pass
    finally:
        platform.close()
