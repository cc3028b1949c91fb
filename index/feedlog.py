"""What the archive remembers of each feed: the validators of its last answer (so an
unchanged feed costs one 304) and how its latest poll went (for `newsdesk stats`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .database import Database, utc_stamp

SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_state (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS feed_polls (
    url TEXT PRIMARY KEY,
    polled_at TEXT NOT NULL,  -- UTC, ISO 8601
    outcome TEXT NOT NULL,    -- "3 entries, 1 added, …" or why it failed
    ok INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class FeedPoll:
    url: str
    polled_at: datetime
    outcome: str
    ok: bool


class FeedLog:
    def __init__(self, db: Database) -> None:
        self._db = db
        db.create(SCHEMA)

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified the feed last answered with."""
        row = self._db.one("SELECT etag, last_modified FROM feed_state WHERE url = ?", (url,))
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._db.execute(
            "INSERT INTO feed_state (url, etag, last_modified) VALUES (?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified", (url, etag, last_modified))

    def record_poll(self, url: str, moment: datetime, outcome: str, ok: bool) -> None:
        self._db.execute(
            "INSERT INTO feed_polls (url, polled_at, outcome, ok) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET polled_at = excluded.polled_at,"
            " outcome = excluded.outcome, ok = excluded.ok",
            (url, utc_stamp(moment), outcome, int(ok)))

    def polls(self) -> list[FeedPoll]:
        """Every polled feed's latest poll, by URL."""
        rows = self._db.all("SELECT url, polled_at, outcome, ok FROM feed_polls ORDER BY url")
        return [FeedPoll(url, datetime.fromisoformat(at), outcome, bool(ok))
                for url, at, outcome, ok in rows]
