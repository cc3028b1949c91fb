"""The archive's one SQLite file, shared by the article store, the feed log and the
schedule markers, each of which keeps its own tables."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

# How long to wait for another process's lock (a writer committing a batch) before
# "database is locked" is an error.
BUSY_TIMEOUT_S = 30.0


class Database:
    """One connection, safe to share between threads (one lock); several processes may
    open the same file (WAL: readers never wait for the writer)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_TIMEOUT_S)
        self.lock = threading.RLock()
        _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def create(self, schema: str) -> None:
        """Create tables and indexes (CREATE … IF NOT EXISTS statements)."""
        with self.lock:
            _retry_while_locked(lambda: self._db.executescript(schema))

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self._db.execute(sql, parameters)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> sqlite3.Cursor:
        with self.lock:
            return self._db.executemany(sql, rows)

    def all(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with self.lock:
            return self._db.execute(sql, parameters).fetchall()

    def one(self, sql: str, parameters: Sequence[object] = ()) -> tuple | None:
        with self.lock:
            return self._db.execute(sql, parameters).fetchone()

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.all(f"PRAGMA table_info({table})")}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (KeyboardInterrupt
        too); the thread holds the lock throughout."""
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")


def marks(values: Sequence[object]) -> str:
    """The placeholders of an `IN (…)` clause for `values`: "?,?,?"."""
    return ",".join("?" * len(values))


def utc_stamp(moment: datetime) -> str:
    """A UTC time as fixed-width ISO 8601 text, so that stamps compare as strings."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _retry_while_locked(statement: Callable[[], object]) -> None:
    """Run `statement`, retrying while another connection holds a lock.

    Switching a new file to WAL, or creating its tables, while another process does the
    same can fail at once with "database is locked": SQLite does not call the busy
    handler where waiting could deadlock, so the wait is here.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
