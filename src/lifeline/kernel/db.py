"""Database engines for SQLite (embedded default, WAL) and PostgreSQL, and the shared metadata.

Each context declares its tables on :data:`metadata` in its own ``store.py``; Alembic
migrations in ``lifeline/migrations`` create them. Engines are only ever made by ``bootstrap``.
"""

from __future__ import annotations

import threading
import weakref
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(sa.types.TypeDecorator[Any]):
    """An aware UTC datetime on every backend (SQLite stores naive text; we re-attach UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


READ_ONLY = "lifeline_read_only"
"""Execution option: this connection only reads (SQLite then begins DEFERRED, taking no lock)."""


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


WRITER_WAIT_S = 30.0  # as long as SQLite's busy timeout

SQLITE_CACHE_KIB = 32_768
"""Page cache per SQLite connection (SQLite's default is 2 MiB). A batch of observations
touches the tail page of each of its datastreams' stretch of the (datastream, time) key; with
the default cache those pages are evicted and read back between batches."""

SQLITE_WAL_CHECKPOINT_PAGES = 16_384
"""Pages (of 4 KiB: 64 MiB) the WAL may hold before a commit copies them into the database
file (SQLite's default is 1,000). A page changed by several commits between two checkpoints is
copied once, so the copying costs less the longer the WAL. Durability does not change: every
commit is in the WAL, synced, before it returns. ``journal_size_limit`` truncates the WAL file
back to this size after a checkpoint."""


class _WriterQueue:
    """SQLite takes one writer at a time; the writing transactions of this process queue for
    it on a lock here, held from ``BEGIN IMMEDIATE`` until the commit or rollback has finished.

    Without it, concurrent writers wait in SQLite's busy handler, which sleeps in steps growing
    to 100 ms, so under contention writers spend much of their time asleep while the database
    is idle. A writer that cannot get the lock within ``WRITER_WAIT_S`` goes on to SQLite's own
    busy handling, as before. The lock is released in the dialect's ``do_commit`` /
    ``do_rollback`` (after the driver returns), for the connection that took it.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None  # id of the DBAPI connection holding the lock
        dialect: Any = engine.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        def do_commit(dbapi_conn: Any) -> None:
            try:
                commit(dbapi_conn)
            finally:
                self.release(dbapi_conn)

        def do_rollback(dbapi_conn: Any) -> None:
            try:
                rollback(dbapi_conn)
            finally:
                self.release(dbapi_conn)

        dialect.do_commit = do_commit
        dialect.do_rollback = do_rollback

    @staticmethod
    def _key(conn: Any) -> int:
        """The raw driver connection's id (the dialect may be handed the pool's proxy)."""
        return id(getattr(conn, "dbapi_connection", None) or conn)

    def acquire(self, dbapi_conn: Any) -> None:
        if self._holder == self._key(dbapi_conn):
            return  # its transaction ended outside the dialect (a COMMIT in SQL): still holds
        if self._lock.acquire(timeout=WRITER_WAIT_S):
            self._holder = self._key(dbapi_conn)

    @property
    def held(self) -> bool:
        return self._lock.locked()

    def release(self, dbapi_conn: Any) -> None:
        if self._holder is not None and self._holder == self._key(dbapi_conn):
            self._holder = None
            self._lock.release()


WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, _WriterQueue] = weakref.WeakKeyDictionary()
"""The writer queue of each SQLite engine (for inspection)."""


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, synchronous=FULL, foreign keys, a busy timeout, a
    larger page cache and WAL (:data:`SQLITE_CACHE_KIB`, :data:`SQLITE_WAL_CHECKPOINT_PAGES`)
    and ``BEGIN IMMEDIATE`` (FULL: an acknowledged commit survives power loss, not only a crash).

    ``BEGIN IMMEDIATE`` takes SQLite's write lock at the start of every writing transaction, so
    two writers queue instead of failing half-way with ``database is locked`` on upgrade.
    Connections marked with the :data:`READ_ONLY` execution option begin ``DEFERRED`` and,
    under WAL, never wait for writers.
    """
    if is_sqlite(url):
        engine = sa.create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_CHECKPOINT_PAGES}")
            cur.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_CHECKPOINT_PAGES * 4096}")
            cur.close()

        writers = WRITER_QUEUES[engine] = _WriterQueue(engine)

        @event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            if conn.get_execution_options().get(READ_ONLY, False):
                conn.exec_driver_sql("BEGIN DEFERRED")
                return
            dbapi_conn = conn.connection.dbapi_connection
            writers.acquire(dbapi_conn)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                writers.release(dbapi_conn)
                raise

        return engine
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
