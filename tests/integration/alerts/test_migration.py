"""The 0005_alerts migration creates exactly the store's tables and indexes, and downgrades."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.alerts import store
from lifeline.migrations import runner

TABLES = (
    store.alerts,
    store.external_alerts,
    store.external_rejected,
    store.subscriptions,
    store.deliveries,
    store.notices,
)


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    inspector = sa.inspect(engine)
    for table in TABLES:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= indexes, table.name


def test_downgrade_to_reserves_drops_only_the_alert_tables(engine: Engine) -> None:
    before = set(sa.inspect(engine).get_table_names())
    try:
        runner.downgrade(engine, "0004_reserves")
        after = set(sa.inspect(engine).get_table_names())
    finally:
        runner.upgrade(engine)  # PostgreSQL keeps one schema for the whole session
    assert before - after >= {t.name for t in TABLES}
    assert not any(name.startswith("alert") for name in after)
    assert "event_log" in after
    assert set(sa.inspect(engine).get_table_names()) == before


def test_0012_adds_delivery_leases_and_recipient_kinds_and_downgrades(engine: Engine) -> None:
    added = {"lease_owner", "lease_expires_at", "recipient_kind"}
    try:
        runner.downgrade(engine, "0011_dispatch")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("alert_delivery")}
        assert not columns & added
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("alert_delivery")}
        assert "ix_alert_delivery_due" not in indexes
        assert "ix_alert_delivery_alert_id" in indexes  # 0005's indexes survive
    finally:
        runner.upgrade(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("alert_delivery")}
    assert added <= columns


def test_0016_adds_alarm_notices_and_message_kinds_and_downgrades(engine: Engine) -> None:
    try:
        runner.downgrade(engine, "0015_sharing_links")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("alert_delivery")}
        assert "message_kind" not in columns
        assert "alert_alarm_notice" not in sa.inspect(engine).get_table_names()
    finally:
        runner.upgrade(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("alert_delivery")}
    assert "message_kind" in columns
    assert "alert_alarm_notice" in sa.inspect(engine).get_table_names()
