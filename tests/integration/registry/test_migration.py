"""The 0002_registry migration: tables match the store's metadata and downgrade cleanly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.migrations import runner
from lifeline.registry import store

# SQLAlchemy cannot reflect PostGIS's geometry type; the column's presence is what we check.
pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")

TABLES = (store.ORGANISATIONS, store.AREAS, store.FACILITIES)


def _columns(engine: Engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            t: {c["name"] for c in inspector.get_columns(t)}
            for t in TABLES
            if inspector.has_table(t)
        }


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    columns = _columns(engine)
    with engine.connect() as conn:
        postgis = runner.has_postgis(conn)
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes(store.FACILITIES)}
    for table in (store.organisations, store.areas, store.facilities):
        expected = {c.name for c in table.columns}
        extra = {"geom"} if postgis and table is not store.organisations else set()
        assert columns[table.name] == expected | extra
    assert {"ix_registry_facilities_path", "ix_registry_facilities_lon_lat"} <= indexes
    assert ("ix_registry_facilities_geom" in indexes) == postgis


def test_downgrade_drops_and_upgrade_restores(engine: Engine) -> None:
    runner.downgrade(engine, "0001_kernel")
    assert _columns(engine) == {}
    runner.upgrade(engine)
    assert set(_columns(engine)) == set(TABLES)
