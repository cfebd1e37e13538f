"""The 0007_monitoring migration: its tables match the store's metadata."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.monitoring import store

TABLES = (
    store.sensors,
    store.things,
    store.datastreams,
    store.device_keys,
    store.observations,
    store.quarantine,
    store.health,
)


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in TABLES:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
            indexes = {str(i["name"]) for i in inspector.get_indexes(table.name)}
            assert {str(i.name) for i in table.indexes} <= indexes, table.name
