"""Run Alembic programmatically, so ``lifeline db upgrade`` needs no ini file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = str(Path(__file__).parent)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: the newest)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if conn.in_transaction():
            conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        if conn.in_transaction():
            conn.commit()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        opts = {"version_table_schema": version_schema(conn)}
        return MigrationContext.configure(conn, opts=opts).get_current_revision()


def version_schema(connection: sa.Connection) -> str | None:
    """On PostgreSQL, the schema the tables go to (the first on the search path): its own
    ``alembic_version`` records its revision, so a private schema is not mistaken for an
    already-migrated ``public`` that follows it on the path."""
    if connection.dialect.name != "postgresql":
        return None
    began = not connection.in_transaction()
    schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
    if began:
        connection.commit()
    return None if schema is None else str(schema)


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def has_postgis(conn: sa.Connection) -> bool:
    """True when the PostGIS extension is installed in this PostgreSQL database."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    return found is not None
