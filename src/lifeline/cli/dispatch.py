"""``lifeline dispatch``: units, recommendations, dispatch plans, coverage and move-up."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import (
    DbUrl,
    MaxBatch,
    MaxWaitMs,
    MetricsHost,
    MetricsPort,
    MqttUrl,
    SubscriptionGroup,
    handle_as_system,
    open_platform,
    until_interrupted,
)
from lifeline.dispatch.model import UnitStatus, UnitType

dispatch_app = typer.Typer(
    help="Units and dispatch: status, recommendations, optimal plans, coverage and move-up.",
    no_args_is_help=True,
)

Standard = Annotated[
    float, typer.Option("--standard-s", help="Response standard: first unit within, seconds.")
]


def _s(value: float) -> str:
    return f"{value:.0f}" if math.isfinite(value) else "unreachable"


@dispatch_app.command("units")
def units(
    database_url: DbUrl = None,
    unit_type: Annotated[UnitType | None, typer.Option("--type", help="Only this type.")] = None,
    status: Annotated[UnitStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 200,
) -> None:
    """List units with their type, station, status and incident."""
    from lifeline.dispatch.messages import ListUnits

    query = ListUnits(unit_type=unit_type, status=status, limit=limit)
    found, total = handle_as_system(database_url, query)
    table = Table(title=f"Units ({total})")
    for column in ("call sign", "type", "station", "status", "incident"):
        table.add_column(column)
    for u in found:
        table.add_row(u.call_sign, u.unit_type.value, u.station_name, u.status.value,
                      u.incident_id or "")  # fmt: skip
    console.print(table)


@dispatch_app.command("recommend")
def recommend(
    incident_id: Annotated[str, typer.Argument(help="Incident id")],
    database_url: DbUrl = None,
    need: Annotated[
        list[str] | None,
        typer.Option(help="Override the run card: unit_type[:count], repeatable."),
    ] = None,
    coverage_weight: Annotated[float, typer.Option(min=0, max=10)] = 0.5,
) -> None:
    """Rank available units for one incident by ETA, run-card fit and coverage left behind."""
    from lifeline.dispatch.api.incidents import parse_requirement
    from lifeline.dispatch.messages import RecommendUnits
    from lifeline.kernel.errors import InvalidInput

    try:
        requirement = parse_requirement(need)
    except InvalidInput as exc:
        err.print(f"[red]Invalid input:[/red] {exc}")
        raise typer.Exit(1) from None
    view = handle_as_system(
        database_url,
        RecommendUnits(incident_id=incident_id, requirement=requirement,
                       coverage_weight=coverage_weight),
    )  # fmt: skip
    table = Table(title=f"Recommendation for {view.incident.title or incident_id}")
    for column in ("", "call sign", "type", "station", "ETA s", "coverage loss s", "score"):
        table.add_column(column)
    for r in view.ranked:
        table.add_row("✔" if r.selected else "", r.unit.call_sign, r.unit.unit_type.value,
                      r.unit.station_name, _s(r.eta_s), f"{r.coverage_loss_s:.0f}",
                      _s(r.score_s))  # fmt: skip
    console.print(table)
    for r in view.ranked:
        if r.unreachable:
            console.print(f"{r.unit.call_sign} cannot reach the incident: {r.unreachable}")
    console.print(f"requirement: {view.requirement}; shortfall: {view.shortfall or 'none'}")
    console.print(f"travel times: {view.travel_basis}")


@dispatch_app.command("plan")
def plan(
    incident_ids: Annotated[list[str], typer.Argument(help="Competing incident ids")],
    organisation_id: Annotated[str, typer.Option("--organisation", help="Owning command.")],
    database_url: DbUrl = None,
    method: Annotated[str, typer.Option(help="optimal or greedy")] = "optimal",
) -> None:
    """Propose a dispatch plan for competing incidents (approve it with ``approve``)."""
    from lifeline.dispatch.messages import ProposeDispatchPlan

    proposed = handle_as_system(
        database_url,
        ProposeDispatchPlan(organisation_id=organisation_id, incident_ids=tuple(incident_ids),
                            method=method),
    )  # fmt: skip
    _print_plan(proposed)


@dispatch_app.command("approve")
def approve(
    plan_id: Annotated[str, typer.Argument(help="Dispatch plan id")],
    database_url: DbUrl = None,
    note: Annotated[str, typer.Option(help="The commander's note.")] = "",
) -> None:
    """Approve a proposed plan: every unit is dispatched, or none if one is no longer free."""
    from lifeline.dispatch.messages import ApproveDispatchPlan

    _print_plan(handle_as_system(database_url, ApproveDispatchPlan(plan_id=plan_id, note=note)))


def _print_plan(p: Any) -> None:
    table = Table(title=f"Dispatch plan {p.id} ({p.status.value}, {p.method})")
    for column in ("unit", "type", "incident", "ETA s"):
        table.add_column(column)
    for a in p.assignments:
        table.add_row(a.unit_id, a.unit_type, a.incident_id, _s(a.eta_s))
    console.print(table)
    for s in p.shortfalls:
        console.print(f"short: {s.missing} × {s.unit_type} for {s.incident_id}")
    console.print(
        f"grade-weighted response: {p.objective_s:.0f} s (greedy nearest unit: "
        f"{p.greedy_objective_s:.0f} s)"
    )


@dispatch_app.command("coverage")
def coverage(
    database_url: DbUrl = None,
    unit_type: Annotated[UnitType, typer.Option("--type")] = UnitType.ENGINE,
    standard_s: Standard = 300.0,
) -> None:
    """First-unit time at every station of the type against the response standard."""
    from lifeline.dispatch.messages import AssessCoverage

    query = AssessCoverage(unit_type=unit_type, standard_s=standard_s)
    view = handle_as_system(database_url, query)
    report = view.report
    table = Table(title=f"Coverage by idle {unit_type.value} units, standard {standard_s:g} s")
    for column in ("demand point", "first unit s", "covered"):
        table.add_column(column)
    for d, t, c in zip(view.demand, report.first_s, report.covered, strict=True):
        table.add_row(d.name, _s(float(t)), "yes" if c else "NO")
    console.print(table)
    console.print(f"covered: {report.fraction:.0%} of the demand weight")


@dispatch_app.command("move-up")
def move_up(
    database_url: DbUrl = None,
    unit_type: Annotated[UnitType, typer.Option("--type")] = UnitType.ENGINE,
    standard_s: Standard = 300.0,
    max_moves: Annotated[int, typer.Option(min=0, max=50)] = 3,
) -> None:
    """Recommend relocating idle units so the stations keep the response standard."""
    from lifeline.dispatch.messages import RecommendMoveUp

    view = handle_as_system(
        database_url,
        RecommendMoveUp(unit_type=unit_type, standard_s=standard_s, max_moves=max_moves),
    )
    if not view.moves:
        console.print("no move improves coverage")
    for mv in view.moves:
        console.print(f"move {mv.unit.call_sign}: {mv.unit.station_name} → "
                      f"{mv.to_station.name} ({mv.drive_s:.0f} s)")  # fmt: skip
    console.print(f"coverage {view.before.fraction:.0%} → {view.after.fraction:.0%}")


@dispatch_app.command("avl-worker")
def avl_worker(
    database_url: DbUrl = None,
    mqtt_url: MqttUrl = None,
    group: SubscriptionGroup = "lifeline-avl",
    topic_root: Annotated[
        str, typer.Option(help="First topic level: vehicles publish on <root>/avl/<unit>.")
    ] = "lifeline",
    max_batch: MaxBatch = 500,
    max_wait_ms: MaxWaitMs = 0,
    metrics_port: MetricsPort = None,
    metrics_host: MetricsHost = "127.0.0.1",
) -> None:
    """Subscribe to lifeline/avl/<unit> (MQTT 5 shared subscription) and store the vehicles'
    position fixes until interrupted; bad messages are quarantined with the reason."""
    from lifeline.dispatch.api.metrics import AvlWorkerMetrics
    from lifeline.dispatch.avl_mqtt import AvlWorker, shared_subscription
    from lifeline.kernel.access import SYSTEM_ACTOR

    if max_batch <= 0 or max_wait_ms < 0:
        err.print("[red]--max-batch must be positive and --max-wait-ms not negative[/red]")
        raise typer.Exit(2)
    platform = open_platform(database_url)
    url = mqtt_url or platform.settings.mqtt_url
    if not url:
        err.print("[red]no broker:[/red] give --mqtt-url or set LIFELINE_MQTT_URL")
        raise typer.Exit(2)
    stop = until_interrupted()
    worker: AvlWorker | None = None
    metrics = AvlWorkerMetrics(lambda: worker.stats.as_dict() if worker is not None else {})
    worker = AvlWorker(
        bus=platform.bus, actor=SYSTEM_ACTOR, url=url, group=group, topic_root=topic_root,
        max_batch=max_batch,
        max_wait_s=max_wait_ms / 1000, on_batch=metrics.observe_batch,
    )  # fmt: skip
    stop_metrics = None
    try:
        if metrics_port is not None:
            stop_metrics = metrics.serve(metrics_port, metrics_host)
            console.print(
                f"metrics at http://{metrics_host}:{metrics.port}/metrics", soft_wrap=True
            )
        worker.start()
        platform.ready_to_serve()  # WAL checkpoints off the writer, frozen heap
        console.print(
            f"subscribed to {shared_subscription(group, topic_root)} on {url}; Ctrl-C stops",
            soft_wrap=True,
        )
        worker.run(stop)
    except (OSError, ConnectionError) as exc:
        err.print(f"[red]MQTT broker unreachable:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        if stop_metrics is not None:
            stop_metrics()
        platform.close()
    console.print(f"stopped: {worker.stats.as_dict()}")
