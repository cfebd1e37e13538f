"""The data hub's migrations: every sharing table matches the store's metadata, and
0017_sharing_refresh (refresh schedules, failed runs' errors), 0019_sharing_drops (file drops,
the kind of a schedule) and 0021_sharing_record_run_index (records without an index on their
run) downgrade and upgrade alone."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.migrations import runner
from lifeline.sharing import store
from tests.integration.migration_checks import assert_matches_store, assert_round_trip

TABLES = (
    store.sources,
    store.datasets,
    store.mappings,
    store.runs,
    store.records,
    store.quarantine,
    store.links,
    store.data_keys,
    store.agreements,
    store.refreshes,
    store.drops,
    store.dropped_files,
)


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    assert_matches_store(engine, TABLES)


def _run_columns(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns("sharing_run")}


def test_refresh_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    assert_round_trip(
        empty_engine, (store.refreshes,), "0017_sharing_refresh", "0016_alerts_alarm_notices"
    )
    assert "error" in _run_columns(empty_engine)
    runner.downgrade(empty_engine, "0016_alerts_alarm_notices")
    assert "error" not in _run_columns(empty_engine)
    runner.upgrade(empty_engine, "0017_sharing_refresh")
    assert "error" in _run_columns(empty_engine)


def _refresh_columns(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns("sharing_refresh")}


def test_drops_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    assert_round_trip(
        empty_engine,
        (store.drops, store.dropped_files),
        "0019_sharing_drops",
        "0018_warning_snapshot",
    )
    assert "kind" in _refresh_columns(empty_engine)
    runner.downgrade(empty_engine, "0018_warning_snapshot")
    assert "kind" not in _refresh_columns(empty_engine)
    runner.upgrade(empty_engine, "0019_sharing_drops")
    assert "kind" in _refresh_columns(empty_engine)


def _record_indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {str(i["name"]) for i in sa.inspect(conn).get_indexes("sharing_record")}


def test_record_run_index_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    runner.upgrade(empty_engine, "0021_sharing_record_run_index")
    assert "ix_sharing_record_run_id" not in _record_indexes(empty_engine)
    runner.downgrade(empty_engine, "0020_observation_stream_number")
    assert "ix_sharing_record_run_id" in _record_indexes(empty_engine)
    runner.upgrade(empty_engine, "0021_sharing_record_run_index")
    assert "ix_sharing_record_run_id" not in _record_indexes(empty_engine)
