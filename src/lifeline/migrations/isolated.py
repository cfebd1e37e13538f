"""Migrated databases in isolation: a SQLite file, or a private PostgreSQL schema.

Benchmarks and tools that must not touch a database's own tables work in a schema of their own,
which they create before a run and drop after.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from lifeline.kernel.db import make_engine
from lifeline.migrations import runner


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    engine = make_engine(url)
    try:
        runner.upgrade(engine)
    finally:
        engine.dispose()


def migrated_sqlite_url(path: Path) -> str:
    """The URL of a migrated SQLite file at ``path`` (its directory is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    migrate(url)
    return url


def schema_url(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on the search path."""
    options = f"-csearch_path={schema},public"
    return (
        make_url(url).update_query_dict({"options": options}).render_as_string(hide_password=False)
    )


def create_schema(url: str, schema: str) -> str:
    """Create ``schema`` afresh on the server at ``url``, migrate it and return its URL."""
    drop_schema(url, schema, recreate=True)
    scoped = schema_url(url, schema)
    migrate(scoped)
    return scoped


def drop_schema(url: str, schema: str, *, recreate: bool = False) -> None:
    """Drop ``schema`` and everything in it (and create it empty again with ``recreate``)."""
    admin = make_engine(url)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            if recreate:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    finally:
        admin.dispose()


def add_postgres_options(parser: argparse.ArgumentParser, schema: str) -> None:
    """``--postgres-url`` (default ``$LIFELINE_BENCH_POSTGRES_URL``) and ``--no-postgres``, the
    options of every benchmark that runs in a private ``schema`` on PostgreSQL too."""
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("LIFELINE_BENCH_POSTGRES_URL"),
        help="PostgreSQL URL (default $LIFELINE_BENCH_POSTGRES_URL); uses and drops schema "
        f"{schema}",
    )
    parser.add_argument("--no-postgres", action="store_true", help="Skip PostgreSQL")
