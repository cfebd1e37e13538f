"""``lifeline demo``: a fresh SQLite platform seeded with Shenzhen, one login per role, served.

Every later capability adds itself to this demo through :func:`seed_demo`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lifeline.alerts.seed import DemoAlerts, seed_alerts, seed_recipients
from lifeline.bootstrap import Platform, build_platform
from lifeline.cli.demo_recent import print_recent, run_recent
from lifeline.cli.scenario import print_fire_scenario, run_fire_scenario
from lifeline.config import Settings
from lifeline.dispatch.seed import seed_dispatch
from lifeline.incidents.seed import seed_incidents
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.migrations import runner
from lifeline.monitoring.background import PeriodicHealthCheck
from lifeline.monitoring.feed import InProcessFeed
from lifeline.monitoring.seed import MonitoringDemo, seed_monitoring
from lifeline.monitoring.simulator import FeedSimulator
from lifeline.plans.seed import plans_summary, seed_plans
from lifeline.registry.model import DepartmentType
from lifeline.registry.seed import DemoCity, seed_city
from lifeline.reserves.demo import reserves_summary, seed_reserves
from lifeline.security.model import Role
from lifeline.security.service import CreateServiceAccount, CreateUser
from lifeline.sharing.seed import demo_summary, seed_sharing
from lifeline.warning.analysis_seed import seed_analysis
from lifeline.warning.seed import seed_warning, warning_summary

DEMO_PASSWORD = "lifeline-demo-2026"  # noqa: S105 - printed for the demo; never a real account


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    role: Role
    organisation: str
    organisation_id: str


@dataclass(frozen=True, slots=True)
class Demo:
    city: DemoCity
    logins: list[DemoLogin]
    device_api_key: str
    alerts: DemoAlerts | None = None
    monitoring: MonitoringDemo | None = None


def _logins(city: DemoCity) -> list[tuple[str, Role, str, str]]:
    fire = city.departments[DepartmentType.FIRE]
    emergency = city.departments[DepartmentType.EMERGENCY_MANAGEMENT]
    return [
        ("admin", Role.ADMIN, "Shenzhen (city)", city.city_id),
        ("commander", Role.COMMANDER, "Shenzhen (city)", city.city_id),
        ("duty.city", Role.DUTY_OFFICER, "Shenzhen (city)", city.city_id),
        ("duty.futian", Role.DUTY_OFFICER, "Futian district", city.districts["Futian"]),
        ("liaison.fire", Role.DEPARTMENT_LIAISON, "Fire and Rescue Detachment", fire),
        ("park.manager", Role.PARK_MANAGER, "Pinghu e-commerce park", city.park_id),
        ("reserve.officer", Role.RESERVE_OFFICER, "Emergency Management Bureau", emergency),
        ("data.steward", Role.DATA_STEWARD, "Shenzhen (city)", city.city_id),
        ("steward.fire", Role.DATA_STEWARD, "Fire and Rescue Detachment", fire),
        ("analyst", Role.ANALYST, "Shenzhen (city)", city.city_id),
    ]


def seed_demo(platform: Platform) -> Demo:
    """Seed the registry, the demo users and a device account on a migrated database."""
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    logins = []
    for username, role, org_name, org_id in _logins(city):
        platform.bus.handle(
            CreateUser(
                username=username,
                display_name=f"Demo {role.value.replace('_', ' ')}",
                password=DEMO_PASSWORD,
                organisation_id=org_id,
                roles=frozenset({role}),
            ),
            SYSTEM_ACTOR,
        )
        logins.append(DemoLogin(username, role, org_name, org_id))
    device = platform.bus.handle(
        CreateServiceAccount(
            name="Pinghu park smoke-detector gateway",
            organisation_id=city.park_id,
            roles=frozenset({Role.PARK_MANAGER}),
        ),
        SYSTEM_ACTOR,
    )
    seed_sharing(platform, city)
    seed_reserves(platform.bus, city)
    seed_recipients(platform.bus, city)
    alerts = seed_alerts(platform, city)
    seed_plans(platform.bus, city)
    seed_dispatch(platform.bus, city)
    seed_incidents(platform.bus, city)
    seed_warning(platform.bus, city)
    seed_analysis(platform.bus, city)
    monitoring = seed_monitoring(platform.bus, city)
    return Demo(
        city=city,
        logins=logins,
        device_api_key=device.api_key,
        alerts=alerts,
        monitoring=monitoring,
    )


def print_demo_deliveries(
    console: Console, platform: Platform, alerts: DemoAlerts, sms_file: Path
) -> None:
    """Deliver the demo alerts once over the local channels and print their reports."""
    from lifeline.alerts.messages import GetDeliveryReport
    from lifeline.bootstrap import delivery_worker
    from lifeline.cli.alerts import report_table

    delivery_worker(platform, owner="demo").run_once()
    for title, alert in (
        ("Typhoon warning", alerts.typhoon),
        ("Park evacuation", alerts.evacuation),
    ):
        report = platform.bus.handle(GetDeliveryReport(alert_id=alert.id), SYSTEM_ACTOR)
        kinds = ", ".join(f"{n} to {kind}" for kind, n in sorted(report.by_recipient.items()))
        console.print(report_table(report, f"{title}: deliveries ({kinds})"))
    console.print(f"SMS (local file sink, nothing sent): {sms_file}")


def fresh_database(db_path: str) -> str:
    """Delete a previous demo database (and its WAL files); return its SQLite URL."""
    path = Path(db_path).resolve()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def print_banner(console: Console, demo: Demo, db_path: str) -> None:
    """The seeded city in numbers, the demo logins and the device key."""
    console.print(f"\n[bold red]Lifeline demo[/bold red] on a fresh SQLite file: {db_path}")
    console.print(
        f"  {len(demo.city.districts)} districts, {len(demo.city.departments)} city "
        f"departments, {len(demo.city.facilities)} facilities, 1 e-commerce park\n"
    )
    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
    table.add_column("username")
    table.add_column("role")
    table.add_column("organisation")
    for login in demo.logins:
        table.add_row(login.username, login.role.value, login.organisation)
    console.print(table)
    console.print(f"Device API key (park smoke gateway, header X-API-Key): {demo.device_api_key}")


def run_demo(console: Console, *, host: str, port: int, db_path: str, serve: bool) -> None:
    from lifeline.api.middleware import configure_logging

    sms_file = Path(db_path).resolve().with_name("lifeline-demo-sms.jsonl")
    sms_file.unlink(missing_ok=True)
    drops_root = Path(db_path).resolve().with_name("lifeline-demo-drops")
    shutil.rmtree(drops_root, ignore_errors=True)  # a fresh demo: the previous run's drops go
    drops_root.mkdir()
    settings = Settings(
        database_url=fresh_database(db_path),
        log_json=False,
        log_level="WARNING",
        public_base_url=f"http://{host}:{port}",
        link_signing_key=secrets.token_urlsafe(32),  # new per demo run
        sms_provider="file",  # local channels only: SMS go to a file, nothing leaves
        sms_gateway_url=str(sms_file),
        sharing_drop_roots=str(drops_root),  # file drops only inside the demo's own folder
        sharing_refresh_interval_s=2.0,  # files dropped while serving are picked up quickly
        # a generated street grid over the whole city unless a real extract is configured
        road_network=os.environ.get("LIFELINE_ROAD_NETWORK") or DEMO_ROAD_NETWORK,
    )
    configure_logging(json_logs=settings.log_json, level=settings.log_level)
    platform = build_platform(settings)
    runner.upgrade(platform.engine)
    with console.status("Seeding Shenzhen: districts, departments, park, facilities, users…"):
        demo = seed_demo(platform)
    url = f"http://{host}:{port}"
    print_banner(console, demo, db_path)
    console.print(demo_summary(platform))
    console.print(reserves_summary(platform.bus))
    console.print(f"Public warnings (typhoon, park evacuation): {url}/public/warnings")
    if demo.alerts is not None:
        print_demo_deliveries(console, platform, demo.alerts, sms_file)
    console.print(f"Emergency plans (9 shipped, Chinese and English): {url}/plans")
    console.print(plans_summary(platform.bus), highlight=False)
    console.print(f"Incidents (calls, a merged duplicate, a citizen's report): {url}/incidents")
    console.print(warning_summary(platform.bus), highlight=False)
    if demo.monitoring is not None:
        console.print(demo.monitoring.summary())
    with console.status("Running the scenario: sensor → alarm → incident → plan → dispatch…"):
        scenario = run_fire_scenario(platform, demo.city)
    print_fire_scenario(console, scenario, url)
    with console.status("Rotating a data key, sharing, an anomaly, a file drop, warm trees…"):
        recent = run_recent(platform, demo.city, demo.monitoring, drops_root)
    console.print("\nAlso in this demo:")
    print_recent(console, recent)
    if not serve:
        platform.close()
        console.print(
            f"\nNot serving (--no-serve): the seeded city stays in {db_path}; run the demo "
            "without --no-serve to open the addresses above."
        )
        return
    console.print(f"\nOpen [bold]{url}/[/bold]  ·  API docs {url}/docs  ·  health {url}/health")
    console.print("Serving until Ctrl-C …", style="dim")
    serve_demo(platform, demo, host=host, port=port)


def serve_demo(platform: Platform, demo: Demo, *, host: str, port: int) -> None:
    """Serve the seeded platform, with the live sensor feed and periodic device health, until
    interrupted."""
    import uvicorn

    from lifeline.api.app import create_app

    stop_feed, feed_thread = start_demo_feed(platform, demo)
    health = PeriodicHealthCheck(platform.bus, DEMO_HEALTH_INTERVAL_S)
    health.start()
    app = create_app(platform=platform)
    platform.ready_to_serve()  # WAL checkpoints off the writer, frozen heap
    try:
        uvicorn.run(app, host=host, port=port, log_config=None, log_level="warning")
    finally:
        stop_feed.set()
        health.stop()
        if feed_thread is not None:
            feed_thread.join(timeout=10)


DEMO_HEALTH_INTERVAL_S = 10.0
DEMO_ROAD_NETWORK = "synthetic:90000:7:400"
"""A 300 × 300 street grid at 400 m (120 km square) centred on Futian: every demo place is on it."""


def start_demo_feed(
    platform: Platform, demo: Demo, *, tick_s: float = 2.0
) -> tuple[threading.Event, threading.Thread | None]:
    """Run the simulated sensor feed through the real ingest path on a background thread."""
    stop = threading.Event()
    if demo.monitoring is None:
        return stop, None
    simulator = FeedSimulator(
        demo.monitoring.sim_streams(),
        demo.monitoring.script(),
        start_s=platform.clock.now().timestamp(),
    )
    feed = InProcessFeed(
        bus=platform.bus, system_uow=platform.uow, limiter=platform.ingest_limiter,
        clock=platform.clock, simulator=simulator, keys=demo.monitoring.keys, tick_s=tick_s,
    )  # fmt: skip
    thread = threading.Thread(target=feed.run, args=(stop,), name="demo-feed", daemon=True)
    thread.start()
    return stop, thread
