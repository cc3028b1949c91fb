"""The archive's persistent word → stem memo, so that a new process can analyse the words
the archive has met without nltk's stemmer (importing nltk costs half a second).

It is a cache: a word missing from it is stemmed, never answered wrongly. Its stems are
those of the analysis ANALYZER_VERSION names; kept under another version they are ignored,
and cleared at the next write. Words longer than MAX_WORD_CHARS are not kept (no word of
news prose is that long; a question may paste anything).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from .analyzer import ANALYZER_VERSION
from .database import Database, marks

SCHEMA = """
CREATE TABLE IF NOT EXISTS stem_memo_version (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    version TEXT NOT NULL  -- the analysis the stems are of
);
CREATE TABLE IF NOT EXISTS stem_memo (
    word TEXT PRIMARY KEY,
    stem TEXT NOT NULL
) WITHOUT ROWID;
"""

MAX_WORD_CHARS = 64
# Words looked up in one query: under SQLite's limit on parameters.
_CHUNK = 500


class StemMemo:
    """The stem_memo tables of the archive's database, made at the first write only (a
    reading command never changes the database; an archive without them is read as an
    empty memo)."""

    def __init__(self, db: Database, version: str = ANALYZER_VERSION) -> None:
        self._db = db
        self._version = version
        self._created = False
        # No table when last looked (an archive made before the memo, or a new one):
        # not looked for again until this process makes it, so that the first add to a
        # new archive, all of whose words are new, pays no failed query an article.
        self._absent = False

    def stems(self, words: list[str]) -> dict[str, str]:
        """The stems kept for those of `words` the memo has (as a cache should, none when
        the database cannot answer: the words are stemmed)."""
        wanted = [word for word in words if len(word) <= MAX_WORD_CHARS]
        found: dict[str, str] = {}
        for start in range(0, len(wanted) if not self._absent else 0, _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            try:
                found.update(self._db.all(
                    f"SELECT word, stem FROM stem_memo WHERE word IN ({marks(chunk)})"
                    " AND (SELECT version FROM stem_memo_version) = ?",
                    [*chunk, self._version]))
            except sqlite3.Error as exc:
                self._absent = "no such table" in str(exc)
                break
        return found

    def keep(self, stems: Mapping[str, str | None]) -> None:
        """Keep these words' stems (stop words, as None, are not kept), in one
        transaction; stems kept under another analysis are dropped first."""
        rows = [(word, stem) for word, stem in stems.items()
                if stem is not None and len(word) <= MAX_WORD_CHARS]
        if not rows:
            return
        if not self._created:
            self._db.create(SCHEMA)
            self._created, self._absent = True, False
        with self._db.transaction():
            kept = self._db.execute("SELECT version FROM stem_memo_version").fetchone()
            if kept is None or kept[0] != self._version:
                self._db.execute("DELETE FROM stem_memo")
                self._db.execute("INSERT OR REPLACE INTO stem_memo_version (one, version)"
                                 " VALUES (1, ?)", (self._version,))
            self._db.executemany("INSERT OR IGNORE INTO stem_memo (word, stem) VALUES (?, ?)",
                                 rows)
