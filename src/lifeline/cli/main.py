"""``lifeline``: serve the platform, migrate the database, manage users, verify the audit chain,
run the demo."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline import __version__
from lifeline.cli.alerts import alerts_app
from lifeline.cli.consoles import console, err
from lifeline.cli.dispatch import dispatch_app
from lifeline.cli.incidents import incidents_app
from lifeline.cli.ingest import ingest_app
from lifeline.cli.keys import keys_app
from lifeline.cli.monitoring import monitoring_app
from lifeline.cli.options import DbUrl, handle_as_system
from lifeline.cli.plans import plans_app
from lifeline.cli.reserves import reserves_app
from lifeline.cli.roads import roads_app
from lifeline.cli.sharing import sharing_app
from lifeline.cli.warning import warning_app
from lifeline.config import Settings

app = typer.Typer(
    help="Lifeline: smart emergency management for a mega-city and its parks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(alerts_app, name="alerts")
app.add_typer(ingest_app, name="ingest")
app.add_typer(incidents_app, name="incidents")
app.add_typer(keys_app, name="keys")
app.add_typer(monitoring_app, name="monitoring")
app.add_typer(plans_app, name="plans")
app.add_typer(reserves_app, name="reserves")
app.add_typer(dispatch_app, name="dispatch")
app.add_typer(roads_app, name="roads")
app.add_typer(sharing_app, name="sharing")
app.add_typer(warning_app, name="warning")


def _settings(database_url: str | None) -> Settings:
    return Settings(database_url=database_url) if database_url else Settings()


def _version(value: bool) -> None:
    if value:
        console.print(f"lifeline {__version__}")
        raise typer.Exit


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Lifeline command line."""


@app.command()
def serve(
    database_url: DbUrl = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    migrate: Annotated[bool, typer.Option(help="Run migrations before serving.")] = True,
) -> None:
    """Serve the API (and dashboard) until interrupted."""
    import uvicorn

    from lifeline.api.app import create_app
    from lifeline.api.middleware import configure_logging
    from lifeline.bootstrap import build_platform
    from lifeline.migrations import runner
    from lifeline.monitoring.background import PeriodicHealthCheck

    settings = _settings(database_url)
    configure_logging(json_logs=settings.log_json, level=settings.log_level)
    platform = build_platform(settings)
    if migrate:
        runner.upgrade(platform.engine)
    health = PeriodicHealthCheck(platform.bus, settings.monitoring_health_interval_s)
    app = create_app(platform=platform)
    platform.ready_to_serve()  # WAL checkpoints off the writer, frozen heap
    health.start()
    try:
        uvicorn.run(app, host=host, port=port, log_config=None)
    finally:
        health.stop()


@db_app.command("upgrade")
def db_upgrade(
    database_url: DbUrl = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the schema to the newest revision."""
    from lifeline.kernel.db import make_engine
    from lifeline.migrations import runner

    engine = make_engine(_settings(database_url).database_url)
    try:
        runner.upgrade(engine, revision)
        console.print(f"[green]database at revision {runner.current(engine)}[/green]")
    finally:
        engine.dispose()


@db_app.command("current")
def db_current(database_url: DbUrl = None) -> None:
    """Print the schema revision of the database and the newest available."""
    from lifeline.kernel.db import make_engine
    from lifeline.migrations import runner

    engine = make_engine(_settings(database_url).database_url)
    try:
        console.print(f"current: {runner.current(engine)}  head: {runner.head()}")
    finally:
        engine.dispose()


@users_app.command("create")
def users_create(
    username: Annotated[str, typer.Option(help="Sign-in name.")],
    organisation_id: Annotated[str, typer.Option(help="Id of the user's organisation.")],
    role: Annotated[list[str], typer.Option(help="A role; repeat for several.")],
    display_name: Annotated[str | None, typer.Option(help="Name shown in the UI.")] = None,
    phone: Annotated[str | None, typer.Option(help="Mobile number (personal data).")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="LIFELINE_NEW_PASSWORD",
            help="Prompted when omitted.",
        ),
    ] = "",
    database_url: DbUrl = None,
) -> None:
    """Create a user (as the system, recorded in the audit trail)."""
    from lifeline.security.model import Role
    from lifeline.security.service import CreateUser

    try:
        roles = frozenset(Role(r) for r in role)
    except ValueError as exc:
        err.print(f"[red]unknown role: {exc}; choose from {', '.join(r.value for r in Role)}")
        raise typer.Exit(2) from exc
    view = handle_as_system(
        database_url,
        CreateUser(
            username=username,
            display_name=display_name or username,
            password=password,
            organisation_id=organisation_id,
            roles=roles,
            phone=phone,
        ),
    )
    console.print(
        f"[green]created user {view.username}[/green] id={view.id} roles={','.join(view.roles)}"
    )


@audit_app.command("verify")
def audit_verify(database_url: DbUrl = None) -> None:
    """Walk the event log's hash chain; exit 1 naming the first entry that does not match."""
    from lifeline.kernel import eventlog
    from lifeline.kernel.db import make_engine

    engine = make_engine(_settings(database_url).database_url)
    try:
        with engine.connect() as conn:
            checked, broken = eventlog.verify(conn)
    finally:
        engine.dispose()
    if broken is None:
        console.print(f"[green]audit chain intact[/green]: {checked} entries verified")
        return
    err.print(
        f"[red]audit chain BROKEN[/red] at seq {broken.seq} (event {broken.event_id or '-'}): "
        f"{broken.reason}; {checked} entries read"
    )
    raise typer.Exit(1)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db_path: Annotated[str, typer.Option("--db", help="SQLite file, recreated each run.")] = (
        "lifeline-demo.sqlite"
    ),
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after seeding (default) or just seed.")
    ] = True,
) -> None:
    """Start Lifeline on a fresh SQLite file seeded with a Shenzhen city and demo users."""
    from lifeline.cli.demo import run_demo

    run_demo(console, host=host, port=port, db_path=db_path, serve=serve_)


def main() -> None:
    app()
