"""Background WAL checkpoints (decision 0031): on a SQLite file the serving processes copy the
WAL into the database from a thread of their own; elsewhere nothing is started."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.wal_checkpoints import WalCheckpointer
from lifeline.migrations import runner


def _write_rows(path: Path, n: int) -> None:
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # only explicit checkpoints copy the WAL
        conn.execute("CREATE TABLE IF NOT EXISTS t (i INTEGER PRIMARY KEY, s TEXT)")
        for i in range(n):
            conn.execute("INSERT INTO t (s) VALUES (?)", (f"row {i}" * 50,))


def test_a_run_copies_the_whole_wal_into_the_database(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    _write_rows(path, 200)
    checkpointer = WalCheckpointer(str(path), interval_s=60)
    with sqlite3.connect(path, isolation_level=None) as conn:
        checkpointer.run_once(conn)
    stats = checkpointer.stats
    assert stats.runs == 1
    assert stats.busy == 0
    assert stats.wal_frames > 0
    assert stats.backfilled == stats.wal_frames  # every frame is in the database file now


def test_the_thread_keeps_copying_what_later_commits_append(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    _write_rows(path, 10)
    checkpointer = WalCheckpointer(str(path), interval_s=0.01)
    checkpointer.start()
    try:
        _write_rows(path, 300)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stats = checkpointer.stats
            if stats.runs > 1 and stats.wal_frames > 0 and stats.backfilled == stats.wal_frames:
                break
            time.sleep(0.01)
    finally:
        checkpointer.stop()
    assert checkpointer.stats.runs > 1
    assert checkpointer.stats.backfilled == checkpointer.stats.wal_frames > 0
    with pytest.raises(ValueError, match="positive"):
        WalCheckpointer(str(path), interval_s=0)


def test_a_sqlite_platform_starts_them_once_and_stops_them_on_close(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    platform = build_platform(
        Settings(database_url=url, log_json=False, sqlite_checkpoint_interval_s=0.01)
    )
    runner.upgrade(platform.engine)
    checkpointer = platform.start_wal_checkpoints()
    assert checkpointer is not None
    assert platform.start_wal_checkpoints() is checkpointer  # one per platform
    with platform.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE scratch (i INTEGER)"))
    deadline = time.monotonic() + 30
    while checkpointer.stats.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.stats.runs >= 2
    platform.close()
    runs = checkpointer.stats.runs
    time.sleep(0.05)
    assert checkpointer.stats.runs == runs  # stopped with the platform


def test_nothing_starts_when_off_or_off_a_sqlite_file(platform: Platform, tmp_path: Path) -> None:
    if platform.engine.dialect.name == "sqlite":
        off = build_platform(
            Settings(
                database_url=f"sqlite:///{tmp_path / 'off.sqlite'}",
                log_json=False,
                sqlite_checkpoint_interval_s=0,
            )
        )
        try:
            assert off.start_wal_checkpoints() is None
        finally:
            off.close()
    else:  # PostgreSQL checkpoints on its own
        assert platform.start_wal_checkpoints() is None
