"""``lifeline incidents``: the code list, grading, calls, incidents, the merge queue, timelines
and situation-report reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, open_platform

if TYPE_CHECKING:
    pass

incidents_app = typer.Typer(
    help="Incidents: code list, grading, calls, merge queue, timelines, sitrep reminders.",
    no_args_is_help=True,
)


@incidents_app.command("codes")
def codes() -> None:
    """List the incident types (GB/T 35561 categories) with their grading criteria set."""
    from lifeline.incidents.codes import code_list

    c = code_list()
    table = Table(title="Incident types")
    for column in ("code", "category", "name", "grading", "merge group"):
        table.add_column(column)
    for t in c.types.values():
        table.add_row(
            t.code, c.categories[t.category][1], f"{t.name} / {t.name_en}", t.grading, t.merge_group
        )
    console.print(table)


@incidents_app.command("grade")
def grade(
    incident_type: Annotated[str, typer.Option("--type", help="Incident type code.")],
    deaths: Annotated[int, typer.Option(min=0)] = 0,
    missing: Annotated[int, typer.Option(min=0)] = 0,
    serious_injuries: Annotated[int, typer.Option(min=0)] = 0,
    direct_loss_cny: Annotated[float, typer.Option(min=0, help="Direct loss in CNY.")] = 0.0,
    affected_people: Annotated[int, typer.Option(min=0)] = 0,
    evacuated_people: Annotated[int, typer.Option(min=0)] = 0,
) -> None:
    """Grade facts under the type's criteria (no database needed); prints grade and reason."""
    from lifeline.incidents.codes import code_list
    from lifeline.incidents.grading import evaluate
    from lifeline.incidents.model import Facts
    from lifeline.kernel.errors import InvalidInput

    try:
        t = code_list().type(incident_type, "--type")
        decision = evaluate(
            Facts(
                deaths=deaths,
                missing=missing,
                serious_injuries=serious_injuries,
                direct_loss_cny=direct_loss_cny,
                affected_people=affected_people,
                evacuated_people=evacuated_people,
            ),
            code_list().criteria_for(t),
        )
    except InvalidInput as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"grade {decision.grade}: {decision.reason}")


@incidents_app.command("call")
def call(
    incident_type: Annotated[str, typer.Option("--type", help="Incident type code.")],
    lon: Annotated[float, typer.Option(help="Longitude (WGS84).")],
    lat: Annotated[float, typer.Option(help="Latitude (WGS84).")],
    phone: Annotated[str, typer.Option(help="Caller's phone.")] = "",
    description: Annotated[str, typer.Option(help="What the caller said.")] = "",
    deaths: Annotated[int, typer.Option(min=0)] = 0,
    serious_injuries: Annotated[int, typer.Option(min=0)] = 0,
    exercise: Annotated[bool, typer.Option(help="Mark as an exercise.")] = False,
    database_url: DbUrl = None,
) -> None:
    """Enter a call as the system; prints the incident and what duplicate detection decided."""
    from lifeline.incidents.messages import ReceiveCall
    from lifeline.incidents.model import Facts, Reporter
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError
    from lifeline.kernel.geo import Point

    platform = open_platform(database_url)
    try:
        result = platform.bus.handle(
            ReceiveCall(
                incident_type=incident_type,
                location=Point(lon, lat),
                reporter=Reporter(phone=phone),
                description=description,
                facts=Facts(deaths=deaths, serious_injuries=serious_injuries),
                exercise=exercise,
            ),
            SYSTEM_ACTOR,
        )
    except DomainError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        platform.close()
    i = result.incident
    console.print(
        f"{result.verdict.value}: incident {i.id} {i.title} grade {i.grade} ({i.status.value}), "
        f"{i.report_count} report(s)"
    )


@incidents_app.command("list")
def list_incidents(
    database_url: DbUrl = None,
    active: Annotated[bool, typer.Option(help="Only open incidents.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
) -> None:
    """List incidents, newest first."""
    from lifeline.incidents.messages import ListIncidents
    from lifeline.incidents.model import ACTIVE
    from lifeline.kernel.access import SYSTEM_ACTOR

    platform = open_platform(database_url)
    try:
        statuses = tuple(sorted(ACTIVE)) if active else ()
        found, total = platform.bus.handle(
            ListIncidents(statuses=statuses, limit=limit), SYSTEM_ACTOR
        )
    finally:
        platform.close()
    console.print(f"Incidents ({total})")
    for i in found:
        console.print(
            f"{i.id}  {i.opened_at:%Y-%m-%d %H:%M}  {i.incident_type}  grade {i.grade.value}  "
            f"{i.status.value}  {i.report_count} report(s){'  exercise' if i.exercise else ''}"
        )


@incidents_app.command("merge-queue")
def merge_queue(database_url: DbUrl = None) -> None:
    """List possible duplicates waiting for a person."""
    from lifeline.incidents.messages import ListMergeCandidates
    from lifeline.kernel.access import SYSTEM_ACTOR

    platform = open_platform(database_url)
    try:
        pending = platform.bus.handle(ListMergeCandidates(), SYSTEM_ACTOR)
    finally:
        platform.close()
    if not pending:
        console.print("no merge candidates waiting")
    for c in pending:
        console.print(f"{c.id}: {c.incident_id} may duplicate {c.main_id} ({c.reason})")


@incidents_app.command("timeline")
def timeline(
    incident_id: Annotated[str, typer.Argument(help="The incident id.")],
    database_url: DbUrl = None,
) -> None:
    """Print the incident's timeline from the event log (with other contexts' events)."""
    from lifeline.incidents.messages import IncidentTimeline
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError

    platform = open_platform(database_url)
    try:
        events = platform.bus.handle(IncidentTimeline(incident_id=incident_id), SYSTEM_ACTOR)
    except DomainError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    finally:
        platform.close()
    for e in events:
        console.print(f"{e.seq:>6} {e.occurred_at:%Y-%m-%d %H:%M:%S} {e.type:<24} {e.actor_id}")


@incidents_app.command("remind")
def remind(database_url: DbUrl = None) -> None:
    """Raise situation-report reminders for active incidents that are due (run periodically)."""
    from lifeline.incidents.messages import CheckSitrepReminders
    from lifeline.kernel.access import SYSTEM_ACTOR

    platform = open_platform(database_url)
    try:
        due = platform.bus.handle(CheckSitrepReminders(), SYSTEM_ACTOR)
    finally:
        platform.close()
    console.print(f"{len(due)} situation report(s) due")
    for d in due:
        console.print(
            f"  {d.incident_id}: due {d.due_at:%H:%M}, overdue {d.overdue_s / 60:.0f} min"
        )
