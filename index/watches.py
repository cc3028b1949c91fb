"""Watches: topics a team follows. Each new story on a watched topic is announced once.

A new article matches a watch by the briefing's rule: it holds every informative word
of the topic. Matching articles of one batch that are syndicated copies of each other
are one story, with every outlet; an article that copies a story already announced for
that watch is not announced again. Alerts are kept, so they are announced exactly once
whatever process added the articles: `newsdesk add` prints them, and the bot posts
those of watches that name a channel, marking them posted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .database import Database, utc_stamp
from .duplicates import group_stories, same_story, shingles
from .one_line import one_line
from .records import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    channel INTEGER,          -- where the bot posts alerts; NULL: console only
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_alerts (
    id INTEGER PRIMARY KEY,
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    article_id TEXT NOT NULL, -- the story's first article
    copies TEXT NOT NULL,     -- JSON: ids of its syndicated copies in the same batch
    title TEXT NOT NULL,
    outlets TEXT NOT NULL,    -- JSON: every outlet that carried it
    url TEXT,
    published TEXT,
    created_at TEXT NOT NULL,
    posted_at TEXT,           -- when the bot posted it; NULL: not yet
    UNIQUE (watch_id, article_id)
);
"""
# Earlier alerts of a watch compared with a new story, to fold a late syndicated copy.
RECENT_ALERTS = 200
# The longest alert line (`Alert.line`), in characters.
ALERT_LINE_CHARS = 300


@dataclass(frozen=True)
class Watch:
    id: int
    topic: str
    channel: int | None
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "topic": self.topic, "channel": self.channel,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class Alert:
    id: int
    watch: Watch
    article_id: str
    title: str
    outlets: tuple[str, ...]
    url: str | None
    published: str | None

    @property
    def line(self) -> str:
        """"Watch “TOPIC”: TITLE — OUTLETS", safe to print as one line (see one_line.py)
        and at most `ALERT_LINE_CHARS` long before escaping (a title or an outlet from a
        file has no bound of its own)."""
        text = f"Watch “{self.watch.topic}”: {self.title} — {', '.join(self.outlets)}"
        if len(text) > ALERT_LINE_CHARS:
            text = text[:ALERT_LINE_CHARS - 1] + "…"
        return one_line(text)


class Watches:
    def __init__(self, db: Database) -> None:
        self._db = db
        db.create(SCHEMA)

    def add(self, topic: str, channel: int | None) -> Watch:
        now = datetime.now(UTC)
        cursor = self._db.execute(
            "INSERT INTO watches (topic, channel, created_at) VALUES (?, ?, ?)",
            (topic, channel, utc_stamp(now)))
        return Watch(int(cursor.lastrowid or 0), topic, channel, now)

    def remove(self, watch_id: int) -> bool:
        return self._db.execute("DELETE FROM watches WHERE id = ?", (watch_id,)).rowcount > 0

    def all(self) -> list[Watch]:
        return [_watch(row) for row in self._db.all(
            "SELECT id, topic, channel, created_at FROM watches ORDER BY id")]

    def announce(self, matches: dict[int, list[Article]],
                 known: Callable[[str], Article | None]) -> list[Alert]:
        """Record one alert per new story (per watch) among `matches` (watch id → its
        matching new articles, best first); `known` looks up an earlier alert's article.
        Returns the new alerts."""
        watches = {w.id: w for w in self.all()}
        alerts = []
        for watch_id, articles in matches.items():
            watch = watches.get(watch_id)
            if watch is None:
                continue
            earlier = [a for a in map(known, self._recent_ids(watch_id)) if a is not None]
            for story in group_stories(articles):
                lead = story[0]
                if any(same_story(shingles(lead.text), shingles(a.text)) for a in earlier):
                    continue  # a late copy of a story this watch already announced
                outlets = tuple(dict.fromkeys(a.source for a in story))
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO watch_alerts (watch_id, article_id, copies, title,"
                    " outlets, url, published, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (watch_id, lead.id, json.dumps([a.id for a in story[1:]]), lead.title,
                     json.dumps(outlets), lead.url, lead.published,
                     utc_stamp(datetime.now(UTC))))
                if cursor.rowcount:
                    alerts.append(Alert(int(cursor.lastrowid or 0), watch, lead.id, lead.title,
                                        outlets, lead.url, lead.published))
                earlier.append(lead)
        return alerts

    def unposted(self) -> list[Alert]:
        """Alerts of watches with a channel that the bot has not posted yet, oldest first."""
        rows = self._db.all(
            "SELECT a.id, w.id, w.topic, w.channel, w.created_at, a.article_id, a.title,"
            " a.outlets, a.url, a.published FROM watch_alerts a JOIN watches w"
            " ON w.id = a.watch_id WHERE a.posted_at IS NULL AND w.channel IS NOT NULL"
            " ORDER BY a.id")
        return [Alert(row[0], _watch(row[1:5]), row[5], row[6], tuple(json.loads(row[7])),
                      row[8], row[9]) for row in rows]

    def mark_posted(self, alert_ids: list[int]) -> None:
        now = utc_stamp(datetime.now(UTC))
        self._db.executemany("UPDATE watch_alerts SET posted_at = ? WHERE id = ?",
                             [(now, i) for i in alert_ids])

    def _recent_ids(self, watch_id: int) -> list[str]:
        return [row[0] for row in self._db.all(
            "SELECT article_id FROM watch_alerts WHERE watch_id = ? ORDER BY id DESC LIMIT ?",
            (watch_id, RECENT_ALERTS))]


def _watch(row: tuple) -> Watch:
    watch_id, topic, channel, created_at = row
    return Watch(watch_id, topic, channel, datetime.fromisoformat(created_at))
