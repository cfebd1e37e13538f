"""Copying a SQLite database's WAL into the database file from a thread of its own.

In WAL mode every commit appends the pages it changed to the WAL, and the pages go back into the
database file at a checkpoint. By default the commit that makes the WAL reach
``wal_autocheckpoint`` runs that checkpoint itself, inside the writer's transaction, and with
the platform's 64 MiB WAL that means copying tens of megabytes and syncing the file: the
commits that fall on it took 90–160 ms instead of 10 (decision 0031), which is the alarm
latency's tail on SQLite.

:class:`WalCheckpointer` runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection every
``interval_s``: it copies what earlier commits appended, a little at a time, without waiting
for the writer or for readers, and never blocks them (SQLite lets a checkpoint run beside a
writer in WAL mode; Python's ``sqlite3`` releases the GIL while it runs). The automatic
checkpoint stays as a safety net, so the WAL is still bounded if this thread falls behind or is
not running. Durability is unchanged: a commit is durable in the WAL before it returns, with or
without checkpoints.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class CheckpointStats:
    runs: int = 0  # checkpoints run
    busy: int = 0  # runs that could not finish (a reader or another checkpoint in the way)
    failed: int = 0  # runs that raised (logged)
    wal_frames: int = 0  # frames in the WAL at the last run
    backfilled: int = 0  # of them, in the database file after the last run


class WalCheckpointer:
    """Passive WAL checkpoints of the SQLite file ``path`` every ``interval_s`` seconds."""

    def __init__(self, path: str, interval_s: float) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.path = path
        self.interval_s = interval_s
        self.stats = CheckpointStats()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def run_once(self, conn: sqlite3.Connection) -> None:
        """One passive checkpoint on ``conn``; counts what it copied."""
        try:
            busy, frames, backfilled = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.OperationalError as exc:  # e.g. the file went away while stopping
            self.stats.failed += 1
            log.warning("WAL checkpoint of %s failed: %s", self.path, exc)
            return
        self.stats.runs += 1
        self.stats.busy += int(busy)
        self.stats.wal_frames, self.stats.backfilled = int(frames), int(backfilled)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA synchronous=FULL")  # sync the WAL before, the file after
            while not self._stop.wait(self.interval_s):
                self.run_once(conn)
        finally:
            conn.close()
