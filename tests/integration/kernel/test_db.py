"""SQLite engines queue this process's writing transactions on a lock, held from BEGIN
IMMEDIATE until the commit or rollback, so concurrent writers never sleep in the busy handler."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from lifeline.kernel.db import READ_ONLY, WRITER_QUEUES, make_engine


def test_the_writer_lock_is_held_for_a_write_transaction_and_released_however_it_ends(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/w.sqlite")
    queue = WRITER_QUEUES[engine]
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER PRIMARY KEY)")
        assert queue.held
    assert not queue.held  # committed
    with engine.connect() as conn:
        conn.begin()
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert queue.held
        conn.rollback()
        assert not queue.held  # rolled back
        conn.begin()
        assert queue.held
    assert not queue.held  # closed with the transaction open
    with engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 0
        assert not queue.held  # readers never take it
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")  # primary key: fails
    except sa.exc.IntegrityError:
        pass
    assert not queue.held
    engine.dispose()


def test_concurrent_writers_all_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/w.sqlite")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (writer INTEGER, n INTEGER, PRIMARY KEY (writer, n))")

    def write(writer: int) -> None:
        for n in range(25):
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES (?, ?)", (writer, n))

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(write, range(6)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 150
    assert not WRITER_QUEUES[engine].held
    engine.dispose()
