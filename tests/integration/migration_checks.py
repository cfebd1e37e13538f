"""Checks shared by each context's migration tests: the migrated tables match the store's
metadata, and a context's revision downgrades and upgrades on its own from an empty schema."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.migrations import runner


def schema_of(engine: Engine, tables: Sequence[sa.Table]) -> dict[str, tuple[set[str], set[str]]]:
    """For each of ``tables`` present in the database: its column names and index names."""
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            t.name: (
                {c["name"] for c in inspector.get_columns(t.name)},
                {str(i["name"]) for i in inspector.get_indexes(t.name)},
            )
            for t in tables
            if inspector.has_table(t.name)
        }


def assert_matches_store(engine: Engine, tables: Sequence[sa.Table]) -> None:
    """Every table is there with exactly the store's columns and at least its indexes."""
    found = schema_of(engine, tables)
    for table in tables:
        columns, indexes = found[table.name]
        assert columns == {c.name for c in table.columns}, table.name
        assert {str(i.name) for i in table.indexes} <= indexes, table.name


def assert_round_trip(
    empty_engine: Engine, tables: Sequence[sa.Table], revision: str, previous: str
) -> None:
    """From an empty schema: up to ``revision`` (tables there), down to ``previous`` (gone),
    and up again."""
    names = {t.name for t in tables}
    runner.upgrade(empty_engine, revision)
    assert set(schema_of(empty_engine, tables)) == names
    runner.downgrade(empty_engine, previous)
    assert schema_of(empty_engine, tables) == {}
    assert runner.current(empty_engine) == previous
    runner.upgrade(empty_engine, revision)
    assert set(schema_of(empty_engine, tables)) == names
