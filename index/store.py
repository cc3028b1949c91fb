"""The article store: a SQLite database, the source of truth for articles and passages.

The BM25 index is derived from it and can always be rebuilt from it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from .records import Article, Passage

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    published TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    dateline TEXT,
    credits TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL,
    text_key TEXT NOT NULL,  -- hash of the normalised text: one copy per outlet
    sentences TEXT NOT NULL,
    terms TEXT,  -- each sentence's index terms, cached so re-indexing skips the analysis
    terms_version TEXT,  -- the analyzer that made them
    origin TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_copy_per_outlet ON articles (source, text_key);
CREATE TABLE IF NOT EXISTS passages (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
CREATE TABLE IF NOT EXISTS briefing_runs (
    key TEXT PRIMARY KEY,
    slot TEXT NOT NULL,      -- the scheduled time this run covered (UTC, ISO 8601)
    cutoff TEXT NOT NULL     -- articles added after this are new to the next run
);
"""

class IndexRow(NamedTuple):
    article_id: str
    title: str
    source: str
    published: str | None
    text: str | None  # only when its terms are not cached
    sentences: list[tuple[int, int]]
    passages: list[tuple[int, int]]
    sentence_terms: list[list[str]] | None


class FeedPoll(NamedTuple):
    url: str
    polled_at: datetime
    outcome: str
    ok: bool


# An article as ingest hands it to the store: with its sentence spans, each sentence's
# index terms, and its passages.
StoredArticle = tuple[Article, list[tuple[int, int]], list[list[str]], list[Passage]]


_ARTICLE_COLUMNS = "id, title, source, url, published, authors, dateline, credits, text, origin"


class Store:
    """One SQLite database file. Safe to share between threads (one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # Writing -------------------------------------------------------------------

    def add(self, items: Iterable[StoredArticle], terms_version: str) -> list[str]:
        """Store new articles with their sentences and passages in one transaction.

        An article whose id is already stored, or whose text its outlet already
        published under another id, is left out. Returns the ids added. Either all of
        `items` is stored or, on any error, none.
        """
        now = utc_stamp(datetime.now(UTC))
        added: list[str] = []
        with self._lock, self._transaction():
            for article, sentences, terms, passages in items:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO articles (id, title, source, url, published, authors,"
                    " dateline, credits, text, text_key, sentences, terms, terms_version,"
                    " origin, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (article.id, article.title, article.source, article.url, article.published,
                     json.dumps(list(article.authors)), article.dateline,
                     json.dumps(list(article.credits)), article.text, text_key(article.text),
                     json.dumps(sentences), json.dumps([" ".join(t) for t in terms]),
                     terms_version, article.origin, now),
                )
                if cur.rowcount:
                    added.append(article.id)
                    self._db.executemany(
                        "INSERT INTO passages (article_id, seq, start, end) VALUES (?,?,?,?)",
                        [(p.article_id, p.seq, p.start, p.end) for p in passages],
                    )
            if added:
                self._bump_revision()
        return added

    def replace_passages(self, passages: Iterable[Passage], window: int, stride: int) -> None:
        """Replace every passage (after a change of window or stride) in one transaction."""
        with self._lock, self._transaction():
            self._db.execute("DELETE FROM passages")
            self._db.executemany(
                "INSERT INTO passages (article_id, seq, start, end) VALUES (?,?,?,?)",
                ((p.article_id, p.seq, p.start, p.end) for p in passages),
            )
            self._set_meta("passage_window", f"{window},{stride}")
            self._bump_revision()

    def set_passage_window(self, window: int, stride: int) -> None:
        with self._lock, self._transaction():
            self._set_meta("passage_window", f"{window},{stride}")

    # Reading -------------------------------------------------------------------

    def contains(self, article_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
            return row.fetchone() is not None

    def revision(self) -> int:
        """A counter that changes whenever the indexed content changes."""
        return int(self._meta("revision") or 0)

    def passage_window(self) -> tuple[int, int] | None:
        value = self._meta("passage_window")
        if value is None:
            return None
        window, stride = value.split(",")
        return int(window), int(stride)

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return _article(row) if row else None

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id IN ({marks})", ids
            ).fetchall()
        return {row[0]: _article(row) for row in rows}

    def sentence_spans(self, ids: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, sentences FROM articles WHERE id IN ({marks})", ids).fetchall()
        return {article_id: [tuple(s) for s in json.loads(spans)] for article_id, spans in rows}

    def iter_articles_with_sentences(self) -> Iterator[tuple[str, str, list[tuple[int, int]]]]:
        """(id, text, sentence spans) of every article, in the order they were added."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, text, sentences FROM articles ORDER BY rowid").fetchall()
        for article_id, text, sentences in rows:
            yield article_id, text, [tuple(s) for s in json.loads(sentences)]

    def iter_index_rows(self, terms_version: str) -> Iterator[IndexRow]:
        """Every article with its sentence and passage spans, for building the index, and
        its sentences' terms if they were cached by the analyzer `terms_version` (else its
        text, to analyse)."""
        with self._lock:
            articles = self._db.execute(
                "SELECT id, title, source, published, sentences,"
                " CASE WHEN terms_version = ? THEN NULL ELSE text END,"
                " CASE WHEN terms_version = ? THEN terms END"
                " FROM articles ORDER BY rowid", (terms_version, terms_version)).fetchall()
            spans: dict[str, list[tuple[int, int]]] = {}
            for article_id, start, end in self._db.execute(
                    "SELECT article_id, start, end FROM passages ORDER BY article_id, seq"):
                spans.setdefault(article_id, []).append((start, end))
        for article_id, title, source, published, sentences, text, terms in articles:
            yield IndexRow(article_id, title, source, published, text,
                           [tuple(s) for s in json.loads(sentences)],
                           spans.get(article_id, []),
                           [t.split() for t in json.loads(terms)] if terms else None)

    def iter_passage_texts(self) -> Iterator[str]:
        """The text of every passage."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.text, p.start, p.end FROM passages p JOIN articles a"
                " ON a.id = p.article_id ORDER BY a.rowid, p.seq").fetchall()
        for text, start, end in rows:
            yield text[start:end]

    def titles_matching(self, text: str, limit: int) -> list[tuple[str, str, str]]:
        """(id, title, source) of articles whose title or id contains `text`, newest first."""
        pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        with self._lock:
            return self._db.execute(
                "SELECT id, title, source FROM articles WHERE title LIKE ? ESCAPE '\\'"
                " OR id LIKE ? ESCAPE '\\' ORDER BY published IS NULL, published DESC, rowid"
                " DESC LIMIT ?", (pattern, pattern, limit)).fetchall()

    def added_after(self, ids: Iterable[str], moment: datetime) -> set[str]:
        """Those of `ids` that were added to the archive after `moment`."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        cutoff = utc_stamp(moment)
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM articles WHERE id IN ({marks}) AND added_at > ?",
                [*ids, cutoff]).fetchall()
        return {row[0] for row in rows}

    def counts(self) -> dict[str, int]:
        with self._lock:
            articles, sources = self._db.execute(
                "SELECT count(*), count(DISTINCT source) FROM articles").fetchone()
            passages = self._db.execute("SELECT count(*) FROM passages").fetchone()[0]
        return {"articles": articles, "passages": passages, "sources": sources}

    def sources(self) -> list[tuple[str, int]]:
        with self._lock:
            return self._db.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC,"
                " source").fetchall()

    def date_range(self) -> tuple[str | None, str | None, int]:
        """Earliest and latest publication dates, and how many articles are undated."""
        with self._lock:
            first, last = self._db.execute(
                "SELECT min(substr(published, 1, 10)), max(substr(published, 1, 10))"
                " FROM articles WHERE published IS NOT NULL").fetchone()
            undated = self._db.execute(
                "SELECT count(*) FROM articles WHERE published IS NULL").fetchone()[0]
        return first, last, undated

    # Feeds ---------------------------------------------------------------------

    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified a feed last answered with."""
        with self._lock:
            row = self._db.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?",
                                   (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO feed_state (url, etag, last_modified) VALUES (?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified", (url, etag, last_modified))

    def record_feed_poll(self, url: str, moment: datetime, outcome: str, ok: bool) -> None:
        """Remember how a feed's latest poll went, for `newsdesk stats`."""
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO feed_polls (url, polled_at, outcome, ok) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET polled_at = excluded.polled_at,"
                " outcome = excluded.outcome, ok = excluded.ok",
                (url, utc_stamp(moment), outcome, int(ok)))

    def feed_polls(self) -> list[FeedPoll]:
        """Every polled feed's latest poll, by URL."""
        with self._lock:
            rows = self._db.execute(
                "SELECT url, polled_at, outcome, ok FROM feed_polls ORDER BY url").fetchall()
        return [FeedPoll(url, datetime.fromisoformat(at), outcome, bool(ok))
                for url, at, outcome, ok in rows]

    # Scheduled briefings ------------------------------------------------------

    def briefing_run(self, key: str) -> tuple[datetime, datetime] | None:
        """(slot, cutoff) of a scheduled briefing's last run, or None if it never ran."""
        with self._lock:
            row = self._db.execute("SELECT slot, cutoff FROM briefing_runs WHERE key = ?",
                                   (key,)).fetchone()
        return (datetime.fromisoformat(row[0]), datetime.fromisoformat(row[1])) if row else None

    def record_briefing_run(self, key: str, slot: datetime, cutoff: datetime) -> None:
        with self._lock, self._transaction():
            self._db.execute(
                "INSERT INTO briefing_runs (key, slot, cutoff) VALUES (?, ?, ?) ON CONFLICT(key)"
                " DO UPDATE SET slot = excluded.slot, cutoff = excluded.cutoff",
                (key, utc_stamp(slot), utc_stamp(cutoff)))

    # Internals ----

    def _migrate(self) -> None:
        """Bring a store made by an earlier newsdesk up to date (in one transaction)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        if not columns:
            return  # a new store
        with self._transaction():
            if "text_key" not in columns:
                self._db.execute(
                    "ALTER TABLE articles ADD COLUMN text_key TEXT NOT NULL DEFAULT ''")
                rows = self._db.execute("SELECT rowid, text FROM articles").fetchall()
                self._db.executemany("UPDATE articles SET text_key = ? WHERE rowid = ?",
                                     [(text_key(text), rowid) for rowid, text in rows])
            for column in ("terms", "terms_version"):
                if column not in columns:
                    self._db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def _meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key)"
                         " DO UPDATE SET value = excluded.value", (key, value))

    def _bump_revision(self) -> None:
        self._set_meta("revision", str(self.revision() + 1))


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (KeyboardInterrupt too)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")


def text_key(text: str) -> str:
    """A hash of the text with case and white space normalised."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]


def utc_stamp(moment: datetime) -> str:
    """A UTC time as fixed-width ISO 8601 text, so that stamps compare as strings."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _article(row: tuple) -> Article:
    (article_id, title, source, url, published, authors, dateline, credits, text,
     origin) = row
    return Article(id=article_id, title=title, source=source, text=text, url=url,
                   published=published, authors=tuple(json.loads(authors)),
                   dateline=dateline, credits=tuple(json.loads(credits)), origin=origin)
