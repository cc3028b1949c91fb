"""The article store: the source of truth for articles and their sentences.

The search index (passages, BM25) is derived from it and can always be rebuilt from it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from .database import Database, marks, utc_stamp
from .records import Article
from .sentence_codec import SentenceTerms, decode_spans, decode_terms, encode_spans

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
    sentences TEXT NOT NULL,  -- their spans (sentence_codec.py: a blob, or earlier JSON)
    terms TEXT,  -- each sentence's index terms, cached so re-indexing skips the analysis
    terms_version TEXT,  -- the analyzer that made them
    origin TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_copy_per_outlet ON articles (source, text_key);
CREATE INDEX IF NOT EXISTS articles_by_arrival ON articles (added_at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Removed articles, so that a feed that still lists one does not bring it back.
CREATE TABLE IF NOT EXISTS removed (id TEXT PRIMARY KEY, removed_at TEXT NOT NULL);
-- Every article added or removed, in order: what the index has to catch up with.
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL);
"""

_ARTICLE_COLUMNS = "id, title, source, url, published, authors, dateline, credits, text, origin"


@dataclass(frozen=True)
class StoredArticle:
    """An article as ingest hands it to the store, with its sentence spans and each
    sentence's index terms (made by the analyzer `terms_version`) already encoded as the
    store keeps them (`of`, sentence_codec.py): that is done where the article is
    analysed, in a worker process for a big add, so the process that writes the store
    only inserts it, and what crosses the pipe is a few strings and bytes rather than a
    list for each sentence. (The process that made it keeps what it encoded, for
    `analysed`: it is never pickled.)"""

    article: Article
    text_key: str
    sentences: bytes
    terms: bytes

    @classmethod
    def of(cls, article: Article, sentences: list[tuple[int, int]],
           terms: list[list[str]]) -> StoredArticle:
        sentence_terms = SentenceTerms.of(terms)
        stored = cls(article, text_key(article.text), encode_spans(sentences),
                     sentence_terms.encode())  # (what `encode_terms` makes)
        object.__setattr__(stored, "_analysed", (sentences, sentence_terms))
        return stored

    def analysed(self) -> tuple[list[tuple[int, int]], SentenceTerms]:
        """Its sentence spans and terms, once: as `of` was given them, in the process
        that made it (which lets them go then), else decoded."""
        made = self.__dict__.pop("_analysed", None)
        return made or (decode_spans(self.sentences), decode_terms(self.terms))

    def __getstate__(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items() if key != "_analysed"}


@dataclass(frozen=True)
class IndexRow:
    """An article as the index builder reads it: its sentence spans and, when the analyzer
    the index asks for made them, its sentences' cached terms, both as the store keeps
    them (whichever process indexes the article decodes them: `spans`, `cached_terms`);
    else its text, to analyse."""

    article_id: str
    title: str
    source: str
    published: str | None
    sentences: str | bytes  # sentence_codec.py's
    text: str | None  # only when its terms are not cached
    terms: str | bytes | None  # sentence_codec.py's, when cached

    def spans(self) -> list[tuple[int, int]]:
        return decode_spans(self.sentences)

    def cached_terms(self) -> SentenceTerms | None:
        return None if self.terms is None else decode_terms(self.terms)


class Store:
    """The articles table of the archive's database."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._migrate()
        db.create(SCHEMA)

    # Writing -------------------------------------------------------------------

    def add(self, items: Iterable[StoredArticle], terms_version: str) -> list[str]:
        """Store new articles with their sentences in one transaction.

        An article whose id is already stored, or whose text its outlet already
        published under another id, is left out. Returns the ids added. Either all of
        `items` is stored or, on any error, none.
        """
        now = utc_stamp(datetime.now(UTC))
        added: list[str] = []
        with self._db.transaction():
            for item in items:
                article = item.article
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO articles (id, title, source, url, published, authors,"
                    " dateline, credits, text, text_key, sentences, terms, terms_version,"
                    " origin, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (article.id, article.title, article.source, article.url, article.published,
                     json.dumps(list(article.authors)), article.dateline,
                     json.dumps(list(article.credits)), article.text, item.text_key,
                     item.sentences, item.terms, terms_version, article.origin, now),
                )
                if cur.rowcount:
                    added.append(article.id)
            if added:
                self._log_changes(added)
                self._bump_revision()
        return added

    def remove(self, ids: Iterable[str]) -> int:
        """Delete these articles in one transaction; returns how many there were."""
        unique = list(dict.fromkeys(ids))
        now = utc_stamp(datetime.now(UTC))
        removed = 0
        with self._db.transaction():
            for start in range(0, len(unique), 500):
                chunk = unique[start:start + 500]
                removed += self._db.execute(
                    f"DELETE FROM articles WHERE id IN ({marks(chunk)})", chunk).rowcount
                self._db.executemany("INSERT OR REPLACE INTO removed (id, removed_at)"
                                     " VALUES (?, ?)", [(i, now) for i in chunk])
            if removed:
                self._log_changes(unique)
                self._bump_revision()
        return removed

    def forget_changes(self, upto: int) -> None:
        """Drop the change log up to `upto` (the index has caught up with it)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM changes WHERE seq <= ?", (upto,))

    # Reading -------------------------------------------------------------------

    def ids_starting(self, prefix: str, limit: int) -> list[str]:
        """Ids that start with `prefix` (at most `limit`), for ids typed in part."""
        return [row[0] for row in self._db.all(
            "SELECT id FROM articles WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?",
            (len(prefix), prefix, limit))]

    def ids_from(self, source: str) -> list[str]:
        """Every article of the outlet `source` (case-insensitive)."""
        return [row[0] for row in self._db.all(
            "SELECT id FROM articles WHERE source = ? COLLATE NOCASE", (source.strip(),))]

    def contains(self, article_id: str) -> bool:
        return self._db.one("SELECT 1 FROM articles WHERE id = ?", (article_id,)) is not None

    def known(self, article_id: str) -> bool:
        """Stored, or removed on purpose: a feed entry with this id is not fetched."""
        return self.contains(article_id) or self._db.one(
            "SELECT 1 FROM removed WHERE id = ?", (article_id,)) is not None

    def revision(self) -> int:
        """A counter that changes whenever the stored articles change."""
        row = self._db.one("SELECT value FROM meta WHERE key = 'revision'")
        return int(row[0]) if row else 0

    def article(self, article_id: str) -> Article | None:
        row = self._db.one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?",
                           (article_id,))
        return _article(row) if row else None

    def text_between(self, article_id: str, start: int, end: int) -> str | None:
        """Characters `start` to `end` of an article's text (a passage), without reading
        the rest of its row into Python; None if it is not stored."""
        row = self._db.one("SELECT substr(text, ?, ?), instr(text, char(0)) FROM articles"
                           " WHERE id = ?", (start + 1, max(end - start, 0), article_id))
        if row and row[1]:  # (SQLite's substr stops at a NUL, which older rows may hold)
            article = self.article(article_id)
            return article.text[start:end] if article else None
        return row[0] if row else None

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        rows = self._where_id_in(_ARTICLE_COLUMNS, ids)
        return {row[0]: _article(row) for row in rows}

    def with_sentences(self, ids: Iterable[str], terms_version: str
                       ) -> dict[str, tuple[Article, list[tuple[int, int]],
                                            list[list[str]] | None]]:
        """These articles, each with its sentence spans and, where the analyzer
        `terms_version` cached them, each sentence's terms: what an answer reads, in
        one query."""
        rows = self._where_id_in(f"{_ARTICLE_COLUMNS}, sentences,"
                                 " CASE WHEN terms_version = ? THEN terms END", ids,
                                 leading=(terms_version,))
        return {row[0]: (_article(row[:-2]), decode_spans(row[-2]),
                         None if row[-1] is None else decode_terms(row[-1]).sentences())
                for row in rows}

    def sentence_spans(self, ids: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
        return {article_id: decode_spans(spans)
                for article_id, spans in self._where_id_in("id, sentences", ids)}

    def cached_terms(self, ids: Iterable[str], terms_version: str) -> dict[str, list[str]]:
        """The index terms of these articles' text, where the analyzer `terms_version`
        cached them at ingest (others are left out: analyse their text)."""
        rows = self._where_id_in("id, terms", ids, "terms_version = ?", (terms_version,))
        return {article_id: decode_terms(terms).flat() for article_id, terms in rows
                if terms is not None}

    def added_since(self, moment: datetime) -> set[str]:
        """The ids of the articles added to the archive after `moment`."""
        return {row[0] for row in self._db.all(
            "SELECT id FROM articles WHERE added_at > ?", (utc_stamp(moment),))}

    def last_change(self) -> int:
        """The number of the latest change (0: none yet)."""
        row = self._db.one("SELECT seq FROM sqlite_sequence WHERE name = 'changes'")
        return int(row[0]) if row else 0

    def changes_since(self, seq: int) -> tuple[int, list[str]]:
        """The latest change's number, and the ids of the articles added or removed
        after change `seq` (each once)."""
        rows = self._db.all("SELECT seq, id FROM changes WHERE seq > ? ORDER BY seq", (seq,))
        return max(seq, self.last_change()), list(dict.fromkeys(i for _, i in rows))

    def ids_in_order(self, ids: Iterable[str] | None = None) -> list[str]:
        """Every article's id (or those of `ids` still stored), in the order they were
        added: the order of `iter_index_rows`."""
        # (Read from the id index, which holds each row's rowid, and sorted here: at a
        # million passages 0.17 s against 0.3-1.7 s for walking the table's rows, which
        # hold the texts.)
        rows = self._db.all("SELECT rowid, id FROM articles") if ids is None else (
            self._where_id_in("rowid, id", ids))
        return [article_id for _, article_id in sorted(rows)]

    def iter_index_rows(self, terms_version: str,
                        ids: Iterable[str] | None = None) -> Iterator[IndexRow]:
        """Every article (or those of `ids` still stored), in the order they were
        added, with its sentence spans, for building the index, and its sentences' terms
        if they were cached by the analyzer `terms_version` (else its text, to
        analyse)."""
        columns = ("rowid, id, title, source, published, sentences,"
                   " CASE WHEN terms_version = ? THEN NULL ELSE text END,"
                   " CASE WHEN terms_version = ? THEN terms END")
        if ids is None:
            rows = self._db.all(f"SELECT {columns} FROM articles ORDER BY rowid",
                                (terms_version, terms_version))
        else:
            rows = sorted(self._where_id_in(columns, ids, leading=(terms_version,) * 2))
        for _, article_id, title, source, published, sentences, text, terms in rows:
            yield IndexRow(article_id, title, source, published, sentences, text, terms)

    def titles_matching(self, text: str, limit: int) -> list[tuple[str, str, str]]:
        """(id, title, source) of articles whose title or id contains `text`, newest first."""
        pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        return self._db.all(
            "SELECT id, title, source FROM articles WHERE title LIKE ? ESCAPE '\\'"
            " OR id LIKE ? ESCAPE '\\' ORDER BY published IS NULL, published DESC, rowid"
            " DESC LIMIT ?", (pattern, pattern, limit))

    def count(self) -> int:
        row = self._db.one("SELECT count(*) FROM articles")
        return row[0] if row else 0

    def is_empty(self) -> bool:
        """Whether no article is stored: one row looked at, where `count` reads a whole
        index (at 1M passages 2-3 ms with its pages cached, 0.19 s without)."""
        return self._db.one("SELECT 1 FROM articles LIMIT 1") is None

    def sources(self) -> list[tuple[str, int]]:
        """Every outlet with its number of articles, most first."""
        return self._db.all("SELECT source, count(*) FROM articles GROUP BY source"
                            " ORDER BY count(*) DESC, source")

    def date_range(self) -> tuple[str | None, str | None, int]:
        """Earliest and latest publication dates, and how many articles are undated."""
        first, last = self._db.one(
            "SELECT min(substr(published, 1, 10)), max(substr(published, 1, 10))"
            " FROM articles WHERE published IS NOT NULL") or (None, None)
        undated = self._db.one("SELECT count(*) FROM articles WHERE published IS NULL")
        return first, last, undated[0] if undated else 0

    # Internals ----

    def _where_id_in(self, columns: str, ids: Iterable[str], condition: str = "",
                     parameters: tuple[object, ...] = (),
                     leading: tuple[object, ...] = ()) -> list[tuple]:
        """`SELECT columns FROM articles WHERE id IN (ids) [AND condition]`, in chunks
        that stay under SQLite's limit on parameters (`leading`: the parameters of
        `columns`)."""
        unique = list(dict.fromkeys(ids))
        extra = f" AND {condition}" if condition else ""
        rows: list[tuple] = []
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            rows += self._db.all(f"SELECT {columns} FROM articles WHERE id IN ({marks(chunk)})"
                                 f"{extra}", [*leading, *chunk, *parameters])
        return rows

    def _migrate(self) -> None:
        """Bring a store made by an earlier newsdesk up to date, in one transaction taken
        only when there is something to change: a process opening a current store (a
        question asked while `add` writes) never waits for the writer's lock."""
        self._db.change_if(self._outdated, self._bring_up_to_date)

    def _bring_up_to_date(self) -> None:
        columns = self._db.columns("articles")
        if "text_key" not in columns:
            self._db.execute(
                "ALTER TABLE articles ADD COLUMN text_key TEXT NOT NULL DEFAULT ''")
            rows = self._db.all("SELECT rowid, text FROM articles")
            self._db.executemany("UPDATE articles SET text_key = ? WHERE rowid = ?",
                                 [(text_key(text), rowid) for rowid, text in rows])
        for column in ("terms", "terms_version"):
            if column not in columns:
                self._db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")
        # Passages are cut when the index is built (passages.py), no longer stored,
        # and stems are computed (snowball.py), no longer looked up.
        self._db.execute("DROP TABLE IF EXISTS passages")
        self._db.execute("DROP TABLE IF EXISTS stem_memo")
        if self._db.columns("meta"):
            self._db.execute("DELETE FROM meta WHERE key = 'passage_window'")

    def _outdated(self) -> bool:
        """Whether this store was made by an earlier newsdesk and not brought up to date
        (what `_bring_up_to_date` changes)."""
        columns = self._db.columns("articles")
        if not columns:
            return False
        return ("text_key" not in columns or not {"terms", "terms_version"} <= columns
                or bool(self._db.columns("passages")) or bool(self._db.columns("stem_memo"))
                or (bool(self._db.columns("meta")) and self._db.one(
                    "SELECT 1 FROM meta WHERE key = 'passage_window'") is not None))

    def _log_changes(self, ids: list[str]) -> None:
        self._db.executemany("INSERT INTO changes (id) VALUES (?)", [(i,) for i in ids])

    def _bump_revision(self) -> None:
        # Read and written through the writing connection: a thread that only writes
        # (ingest's) opens no reading connection of its own.
        self._db.execute("INSERT INTO meta (key, value) VALUES ('revision', '1') ON CONFLICT(key)"
                         " DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def text_key(text: str) -> str:
    """A hash of the text with case and white space normalised."""
    import hashlib  # (here: a reading command starts ~6 ms sooner without OpenSSL's)

    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]


def _article(row: tuple) -> Article:
    (article_id, title, source, url, published, authors, dateline, credits, text,
     origin) = row
    return Article(id=article_id, title=title, source=source, text=text, url=url,
                   published=published, authors=tuple(json.loads(authors)),
                   dateline=dateline, credits=tuple(json.loads(credits)), origin=origin)
