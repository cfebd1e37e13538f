"""The 0009_incidents migration: tables match the store's metadata, and it downgrades cleanly."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from lifeline.incidents import store
from tests.integration.migration_checks import assert_matches_store, assert_round_trip

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


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    assert_matches_store(engine, TABLES)


def test_incidents_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    assert_round_trip(empty_engine, TABLES, "0009_incidents", "0008_warning")
