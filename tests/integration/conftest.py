"""Integration fixtures: one migrated database per test on SQLite and, when available, PostgreSQL.

Integration tests that take the ``engine`` fixture (directly or through ``platform`` /
``client``) run once per backend: ``sqlite`` always, ``postgres`` when
``LIFELINE_TEST_POSTGRES_URL`` points at a reachable server (CI provides one), otherwise that
variant is skipped with the reason. Each test gets an empty, migrated database: a copy of a
migrated SQLite file, or the PostgreSQL schema truncated.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.config import Settings
from lifeline.kernel.chain import GENESIS_HASH
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.db import make_engine
from lifeline.migrations import runner

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from lifeline.bootstrap import Platform

POSTGRES_ENV = "LIFELINE_TEST_POSTGRES_URL"
T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "lifeline.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    runner.upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


def _worker_database(url: str, worker: str) -> str:
    """With pytest-xdist, each worker gets its own database beside the given one (created when
    missing), so workers never truncate each other's tables; without it, the given database."""
    if worker in ("", "master"):
        return url
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if exists is None:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set; PostgreSQL tier skipped")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} is unreachable: {exc.orig}")
    finally:
        engine.dispose()
    url = _worker_database(url, worker_id)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    runner.upgrade(engine)
    engine.dispose()
    return url


def _truncate_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename NOT IN ('alembic_version', 'spatial_ref_sys')"
                )
            )
        ]
        if tables:
            joined = ", ".join(f'"{t}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {joined} RESTART IDENTITY CASCADE"))
        # a tamper test may have switched the append-only trigger off; switch it back on
        conn.execute(sa.text("ALTER TABLE event_log ENABLE TRIGGER event_log_append_only"))
        conn.execute(
            sa.text("INSERT INTO event_log_head (id, last_seq, last_hash) VALUES (1, 0, :h)"),
            {"h": GENESIS_HASH},
        )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty, migrated database on the parametrised backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "lifeline.sqlite"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    try:
        _truncate_postgres(engine)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(T0)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        delivery_loop=False,  # tests that exercise the loop switch it on
    )


@pytest.fixture
def platform(settings: Settings, engine: Engine, clock: VirtualClock) -> Platform:
    from lifeline.bootstrap import build_platform

    return build_platform(settings, clock=clock, engine=engine)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    from lifeline.api.app import create_app

    app = create_app(platform=platform)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty, unmigrated database (a scratch one on PostgreSQL)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/empty.sqlite")
        yield engine
        engine.dispose()
        return
    from tests.integration.kernel.test_migrations import scratch_postgres

    with scratch_postgres() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


MQTT_ENV = "LIFELINE_TEST_MQTT_URL"


@pytest.fixture
def mqtt_url() -> str:
    """The broker of the ``mqtt`` tier (Mosquitto in CI); the test is skipped without one."""
    url = os.environ.get(MQTT_ENV)
    if not url:
        pytest.skip(f"{MQTT_ENV} is not set; MQTT tier skipped")
    return url
