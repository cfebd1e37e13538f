"""The monitoring migrations: the tables match the store's metadata, and
0020_observation_stream_number numbers the datastreams and re-keys stored observations by
that number (and back), keeping every row and the append-only triggers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.migrations import runner
from lifeline.monitoring import store
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.model import Datastream
from lifeline.monitoring.store.repository import SqlMonitoringRepository
from tests.integration.migration_checks import assert_matches_store

TABLES = (
    store.sensors,
    store.things,
    store.datastreams,
    store.device_keys,
    store.observations,
    store.quarantine,
    store.health,
)
BEFORE, REVISION = "0019_sharing_drops", "0020_observation_stream_number"
T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
# registered out of id order: numbers follow registration time
STREAMS = {"ds-c": T0, "ds-a": T0 + timedelta(minutes=1), "ds-b": T0 + timedelta(minutes=2)}
ROWS = [  # (datastream id, phenomenon time µs, result, received at µs, batch id)
    (sid, 1_780_000_000_000_000 + k * 1_000_000, float(k) + 0.25, 1_790_000_000_000_000, f"b{k}")
    for sid in STREAMS
    for k in range(4)
]


def test_migrated_tables_match_the_store(engine: Engine) -> None:
    assert_matches_store(engine, TABLES)


def _seed_before(engine: Engine, rows: list[tuple[str, int, float, int, str]]) -> None:
    """Datastreams and observations as 0019 stored them (observations keyed by the id)."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO monitoring_thing (id, name, description, organisation_id, path, "
                "properties, exercise, created_at) VALUES ('th', 'th', '', 'org', '/c/', '{}', "
                ":f, :t)"
            ),
            {"f": False, "t": T0},
        )
        for sid, at in STREAMS.items():
            conn.execute(
                sa.text(
                    "INSERT INTO monitoring_datastream (id, thing_id, name, kind, unit, "
                    "min_value, max_value, interval_s, organisation_id, path, created_at) "
                    "VALUES (:id, 'th', :id, 'smoke', 'ppm', 0, 1000, 60, 'org', '/c/', :t)"
                ),
                {"id": sid, "t": at},
            )
        conn.execute(
            sa.text(
                "INSERT INTO monitoring_observation (datastream_id, phenomenon_time_us, result, "
                "received_at_us, batch_id) VALUES (:s, :t, :v, :r, :b)"
            ),
            [{"s": s, "t": t, "v": v, "r": r, "b": b} for s, t, v, r, b in rows],
        )


def _observations(engine: Engine, by_number: bool) -> list[tuple[str, int, float, int, str]]:
    key = (
        "d.id FROM monitoring_observation o "
        "JOIN monitoring_datastream d ON d.number = o.datastream_number"
        if by_number
        else "o.datastream_id FROM monitoring_observation o"
    )
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(f"SELECT o.phenomenon_time_us, o.result, o.received_at_us, o.batch_id, {key}")
        ).all()
    return sorted((str(r[4]), int(r[0]), float(r[1]), int(r[2]), str(r[3])) for r in found)


def _refuses_update_and_delete(engine: Engine) -> None:
    for statement in (
        "UPDATE monitoring_observation SET result = 0",
        "DELETE FROM monitoring_observation",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))


def _register(engine: Engine, sid: str) -> int:
    stream = Datastream(
        id=sid, thing_id="th", sensor_id=None, name=sid, kind=SensorKind.SMOKE, unit="ppm",
        min_value=0.0, max_value=1000.0, interval_s=60.0, organisation_id="org", path="/c/",
        area_id=None, feature_of_interest=None, created_at=T0 + timedelta(hours=1),
    )  # fmt: skip
    with engine.begin() as conn:
        return SqlMonitoringRepository(conn).add_datastream(stream)


def test_the_upgrade_numbers_datastreams_and_keeps_every_observation(
    empty_engine: Engine,
) -> None:
    runner.upgrade(empty_engine, BEFORE)
    _seed_before(empty_engine, ROWS)

    runner.upgrade(empty_engine, REVISION)

    with empty_engine.connect() as conn:
        numbers: dict[str, int] = dict(
            conn.execute(sa.text("SELECT id, number FROM monitoring_datastream")).all()
        )
    assert numbers == {"ds-c": 1, "ds-a": 2, "ds-b": 3}
    assert _observations(empty_engine, by_number=True) == sorted(ROWS)
    _refuses_update_and_delete(empty_engine)
    # registration continues after the numbers the upgrade assigned, on both backends
    assert _register(empty_engine, "ds-new") == 4
    assert _register(empty_engine, "ds-newer") == 5

    runner.downgrade(empty_engine, BEFORE)
    assert _observations(empty_engine, by_number=False) == sorted(ROWS)
    _refuses_update_and_delete(empty_engine)
    with empty_engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("monitoring_datastream")}
    assert "number" not in columns

    runner.upgrade(empty_engine, REVISION)
    assert _observations(empty_engine, by_number=True) == sorted(ROWS)


def test_the_upgrade_stops_rather_than_lose_an_observation_of_no_datastream(
    empty_engine: Engine,
) -> None:
    runner.upgrade(empty_engine, BEFORE)
    _seed_before(empty_engine, [*ROWS, ("ds-unknown", 1, 0.5, 2, "b")])

    with pytest.raises(RuntimeError, match="1 observations belong to no registered datastream"):
        runner.upgrade(empty_engine, REVISION)

    assert runner.current(empty_engine) == BEFORE
    assert len(_observations(empty_engine, by_number=False)) == len(ROWS) + 1
