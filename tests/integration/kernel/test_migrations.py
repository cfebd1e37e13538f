"""Migrations run from an empty database to head and back on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lifeline.kernel.db import SQLITE_CACHE_KIB, SQLITE_WAL_CHECKPOINT_PAGES, make_engine
from lifeline.migrations import isolated, runner

EXPECTED_TABLES = {
    "event_log",
    "event_log_head",
    "outbox_cursor",
    "access_log",
    "registry_organisations",
    "registry_areas",
    "registry_facilities",
    "security_user",
    "security_service_account",
    "security_scope_grant",
}


@contextlib.contextmanager
def scratch_postgres() -> Iterator[str]:
    """A throw-away PostgreSQL database, dropped afterwards."""
    base = os.environ.get("LIFELINE_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("LIFELINE_TEST_POSTGRES_URL is not set; PostgreSQL tier skipped")
    name = f"lifeline_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.sqlite"
        return
    with scratch_postgres() as url:
        yield url


def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        assert runner.current(engine) is None
        runner.upgrade(engine)
        assert runner.current(engine) == runner.head()
        tables = set(sa.inspect(engine).get_table_names())
        assert tables >= EXPECTED_TABLES
        runner.downgrade(engine, "base")
        assert set(sa.inspect(engine).get_table_names()) & EXPECTED_TABLES == set()
        runner.upgrade(engine)
        assert runner.current(engine) == runner.head()
        with engine.connect() as conn:
            head = conn.execute(sa.text("SELECT last_seq FROM event_log_head")).scalar()
        assert head == 0
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgis_is_enabled_on_postgresql_when_available() -> None:
    with scratch_postgres() as url:
        _check_postgis(url)


def _check_postgis(url: str) -> None:
    engine = make_engine(url)
    try:
        runner.upgrade(engine)
        with engine.connect() as conn:
            available = conn.execute(
                sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).first()
            if available is None:
                pytest.skip("PostGIS is not installed on this PostgreSQL server")
            assert runner.has_postgis(conn)
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.sqlite")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_CACHE_KIB
            assert (
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
                == SQLITE_WAL_CHECKPOINT_PAGES
            )
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_private_schema_is_migrated_beside_a_migrated_public_schema() -> None:
    with scratch_postgres() as url:
        isolated.migrate(url)  # public at head first: the private schema must not borrow it
        scoped = isolated.create_schema(url, "lifeline_private")
        try:
            engine = make_engine(scoped)
            try:
                assert runner.current(engine) == runner.head()
                tables = set(sa.inspect(engine).get_table_names(schema="lifeline_private"))
                assert tables >= EXPECTED_TABLES
                with engine.begin() as conn:
                    conn.execute(sa.text("DELETE FROM event_log_head"))
                with engine.connect() as conn:
                    left = conn.execute(sa.text("SELECT count(*) FROM public.event_log_head"))
                    assert left.scalar() == 1  # the private schema's tables, not public's
            finally:
                engine.dispose()
        finally:
            isolated.drop_schema(url, "lifeline_private")
        public = make_engine(url)
        try:
            assert runner.current(public) == runner.head()
            assert "lifeline_private" not in sa.inspect(public).get_schema_names()
        finally:
            public.dispose()
