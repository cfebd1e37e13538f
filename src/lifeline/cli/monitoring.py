"""``lifeline monitoring``: sensor kinds, the MQTT ingest worker, device health and the demo
feed against any server."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from lifeline.cli.consoles import console, err
from lifeline.cli.options import (
    DbUrl,
    MaxBatch,
    MaxWaitMs,
    MetricsHost,
    MetricsPort,
    MqttUrl,
    SubscriptionGroup,
    open_platform,
    until_interrupted,
)

monitoring_app = typer.Typer(
    help="Sensors and device health: kinds, MQTT ingest worker, health checks, demo feed.",
    no_args_is_help=True,
)


@monitoring_app.command("kinds")
def kinds_command() -> None:
    """List the sensor kinds: unit, physical range, expected interval, stuck samples."""
    from lifeline.monitoring.kinds import kinds

    for spec in kinds().values():
        stuck = f", stuck after {spec.stuck_samples} equal readings" if spec.stuck_samples else ""
        console.print(
            f"{spec.kind.value}: {spec.observed_property}, {spec.unit}, range "
            f"[{spec.min_value:g}, {spec.max_value:g}], every {spec.interval_s:g} s{stuck}"
        )


@monitoring_app.command("check-health")
def check_health(database_url: DbUrl = None) -> None:
    """Check every device's health once: offline, back, stuck or out-of-range streams."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.monitoring.messages import CheckDeviceHealth

    platform = open_platform(database_url)
    try:
        summary = platform.bus.handle(CheckDeviceHealth(), SYSTEM_ACTOR)
    finally:
        platform.close()
    counts = ", ".join(f"{n} {status}" for status, n in summary.counts.items())
    console.print(f"devices: {counts}")
    console.print(
        f"went offline: {len(summary.went_offline)}, came back: {len(summary.came_back)}, "
        f"faults raised: {summary.faults_raised}, cleared: {summary.faults_cleared}"
    )
    for thing_id in summary.went_offline:
        console.print(f"  [red]offline[/red] {thing_id}")


@monitoring_app.command("mqtt-worker")
def mqtt_worker(
    database_url: DbUrl = None,
    mqtt_url: MqttUrl = None,
    group: SubscriptionGroup = "lifeline-ingest",
    max_batch: MaxBatch = 1000,
    max_wait_ms: MaxWaitMs = 0,
    max_qos0_backlog: Annotated[
        int,
        typer.Option(
            help="QoS 0 messages waiting at most; more are shed (QoS 1 is never shed: the "
            "broker holds it until the worker acknowledges)."
        ),
    ] = 10_000,
    topic_root: Annotated[
        str, typer.Option(help="First topic level: <root>/<org>/<thing>/<datastream>.")
    ] = "lifeline",
    metrics_port: MetricsPort = None,
    metrics_host: MetricsHost = "127.0.0.1",
) -> None:
    """Subscribe to lifeline/<org>/<thing>/<datastream> (MQTT 5 shared subscription) and store
    what devices publish until interrupted. The device key travels as the MQTT 5 user property
    ``device_key``."""
    from lifeline.monitoring.api.metrics import WorkerMetrics
    from lifeline.monitoring.mqtt import MqttIngestWorker, shared_subscription

    platform = open_platform(database_url)
    url = mqtt_url or platform.settings.mqtt_url
    if not url:
        err.print("[red]no broker:[/red] give --mqtt-url or set LIFELINE_MQTT_URL")
        raise typer.Exit(2)
    worker: MqttIngestWorker | None = None
    metrics = WorkerMetrics(
        lambda: platform.ingest_intake,
        lambda: worker.stats.as_dict() if worker is not None else {},
    )
    worker = MqttIngestWorker(
        bus=platform.bus, system_uow=platform.uow, limiter=platform.ingest_limiter,
        intake=platform.ingest_intake,
        clock=platform.clock, url=url, group=group, max_batch=max_batch,
        max_wait_s=max_wait_ms / 1000, max_qos0_backlog=max_qos0_backlog,
        topic_root=topic_root, on_batch=metrics.observe_batch,
    )  # fmt: skip
    stop = until_interrupted()
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


@monitoring_app.command("feed")
def feed(
    url: Annotated[str, typer.Option(help="Base URL of a Lifeline server.")],
    username: Annotated[str, typer.Option(help="A user with sensor.write (issues device keys).")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, envvar="LIFELINE_FEED_PASSWORD")
    ] = "",
    tick_s: Annotated[float, typer.Option(help="Seconds between sends.")] = 2.0,
    duration_s: Annotated[float, typer.Option(help="Stop after this long (0: never).")] = 0.0,
    seed: Annotated[int, typer.Option(help="Random seed of the simulator.")] = 2026,
) -> None:
    """Feed simulated readings to every device the user may write, with a scripted fire, a
    device going silent and a gas leak. Issues a new key per device (earlier keys stop
    working)."""
    from lifeline.monitoring.feed import plan_remote_feed

    try:
        feeder = plan_remote_feed(url, username, password, tick_s=tick_s, seed=seed)
    except OSError as exc:
        err.print(f"[red]cannot prepare the feed:[/red] {exc}")
        raise typer.Exit(1) from exc
    from lifeline.kernel.clock import SystemClock

    stop = until_interrupted()
    if duration_s > 0:
        threading.Timer(duration_s, stop.set).start()
    console.print(
        f"feeding {len(feeder.simulator.streams)} datastreams on {url} every {tick_s:g} s; "
        "Ctrl-C stops"
    )
    feeder.run(stop, SystemClock())
    console.print(f"sent: {feeder.accepted} accepted, {feeder.rejected} rejected")
