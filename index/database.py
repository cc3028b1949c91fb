"""The archive's one SQLite file, shared by the article store, the feed log and the
schedule markers, each of which keeps its own tables."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# How long to wait for another process's lock (a writer committing a batch) before
# "database is locked" is an error.
BUSY_TIMEOUT_S = 30.0
PAGE_BYTES = 16384


class Database:
    """One SQLite file shared by threads and processes.

    Writes go through one connection, one thread at a time (`lock`); reads go through a
    connection of the reading thread's own, so in WAL mode a question never waits for a
    writer, neither one in another process nor a rebuild in this one.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = self._connect()
        self.lock = threading.RLock()
        # A new file's page size (a no-op for an existing one): an article's row (its
        # text, sentence spans and terms: a few KiB) then fits in one page rather than a
        # chain of overflow pages, which made storing it take about twice as long.
        self._db.execute(f"PRAGMA page_size={PAGE_BYTES}")
        _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._local = threading.local()
        self._readers: list[_Reader] = []
        self._readers_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                               timeout=BUSY_TIMEOUT_S)

    def close(self) -> None:
        """Close every connection, each once no thread is reading through it (closing
        one under a running query crashes the process): a thread that reads after this
        gets sqlite3.ProgrammingError."""
        with self.lock, self._readers_lock:
            for reader in self._readers:
                with reader.lock:
                    reader.connection.close()
            self._readers.clear()
            self._db.close()

    def create(self, schema: str) -> None:
        """Create tables and indexes (CREATE … IF NOT EXISTS statements)."""
        with self.lock:
            _retry_while_locked(lambda: self._db.executescript(schema))

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        """A write (or a read that must see this connection's open transaction)."""
        with self.lock:
            return self._db.execute(sql, parameters)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> sqlite3.Cursor:
        with self.lock:
            return self._db.executemany(sql, rows)

    def all(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        """Rows of a read, from what is committed."""
        reader = self._reader()
        with reader.lock:
            return reader.connection.execute(sql, parameters).fetchall()

    def one(self, sql: str, parameters: Sequence[object] = ()) -> tuple | None:
        reader = self._reader()
        with reader.lock:
            return reader.connection.execute(sql, parameters).fetchone()

    def columns(self, table: str) -> set[str]:
        return {row[1] for row in self.all(f"PRAGMA table_info({table})")}

    def _reader(self) -> _Reader:
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = _Reader(self._connect(), threading.Lock())
            with self._readers_lock:
                self._readers.append(reader)
            self._local.reader = reader
        return reader

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

    def change_if(self, needed: Callable[[], bool], change: Callable[[], None]) -> None:
        """`change()` in a transaction when `needed()`: asked first without a lock, so a
        process opening an up-to-date file never waits for another's write, then again
        in the transaction (another process may have made the change meanwhile)."""
        if needed():
            with self.transaction():
                if needed():
                    change()


@dataclass(frozen=True)
class _Reader:
    """A thread's read connection; its lock is held while the thread reads, and by
    `Database.close`."""

    connection: sqlite3.Connection
    lock: threading.Lock


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
