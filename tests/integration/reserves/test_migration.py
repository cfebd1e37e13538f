"""The reserves migrations: tables match the store's metadata, and 0004_reserves downgrades and
upgrades on its own."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from lifeline.reserves import store
from tests.integration.migration_checks import assert_matches_store, assert_round_trip

TABLES_0004 = (
    store.depots,
    store.lots,
    store.movements,
    store.standards,
    store.requests,
    store.responders,
)


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    assert_matches_store(engine, (*TABLES_0004, store.agreements))


def test_reserves_revision_downgrades_and_upgrades_alone(empty_engine: Engine) -> None:
    assert_round_trip(empty_engine, TABLES_0004, "0004_reserves", "0003_security")
