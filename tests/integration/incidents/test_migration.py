"""The 0009_incidents migration: tables match the store's metadata, and it downgrades cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.incidents import store
from lifeline.kernel.db import make_engine
from lifeline.migrations import runner
from tests.integration.kernel.test_migrations import scratch_postgres

TABLES = (
    store.incidents,
    store.reports,
    store.photos,
    store.merge_candidates,
    store.groups,
    store.sitreps,
    store.timeline_refs,
    store.rejections,
)


def _inspect(engine: Engine) -> dict[str, tuple[set[str], set[str]]]:
    """Per incidents table present: its column names and index names."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            t.name: (
                {c["name"] for c in inspector.get_columns(t.name)},
                {str(i["name"]) for i in inspector.get_indexes(t.name)},
            )
            for t in TABLES
            if inspector.has_table(t.name)
        }


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    found = _inspect(engine)
    for table in TABLES:
        columns, indexes = found[table.name]
        assert columns == {c.name for c in table.columns}
        assert {str(i.name) for i in table.indexes} <= indexes


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/empty.sqlite")
        yield engine
        engine.dispose()
        return
    with scratch_postgres() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_incidents_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    """From an empty schema: up to 0009 (tables there), down to 0008 (gone), up again."""
    runner.upgrade(empty_engine, "0009_incidents")
    assert set(_inspect(empty_engine)) == {t.name for t in TABLES}
    runner.downgrade(empty_engine, "0008_warning")
    assert _inspect(empty_engine) == {}
    assert runner.current(empty_engine) == "0008_warning"
    runner.upgrade(empty_engine, "0009_incidents")
    assert set(_inspect(empty_engine)) == {t.name for t in TABLES}
