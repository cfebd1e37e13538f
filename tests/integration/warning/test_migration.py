"""The warning migrations: the snapshot table of 0018 matches the store and round-trips."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from lifeline.warning import store
from tests.integration.migration_checks import assert_matches_store, assert_round_trip

TABLES = (store.rules, store.rule_versions, store.alarms, store.comments, store.silences)


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    assert_matches_store(engine, (*TABLES, store.snapshots))


def test_0018_adds_the_snapshot_table_and_downgrades(empty_engine: Engine) -> None:
    assert_round_trip(
        empty_engine, (store.snapshots,), "0018_warning_snapshot", "0017_sharing_refresh"
    )
