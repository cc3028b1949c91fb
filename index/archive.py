"""The archive: the article store plus its search index, behind one small API.

This is what the console and the Discord bot use:

    archive = Archive(load_config(path).index)
    archive.add([Path("seeds")])
    hits = archive.search("How many fighters were killed?", k=3)
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .analyzer import Analyzer
from .config import IndexSettings
from .fetch import Fetcher
from .indexer import build_index
from .ingest import IngestReport, ingest, store_records
from .passages import make_passages
from .progress import Progress, Silent
from .ranking import Ranking
from .records import Article, Hit, Passage, RawRecord, Rejection
from .search import Query, Searcher
from .snapshot import current_snapshot_folder, load_snapshot
from .store import FeedPoll, Store


class NoIndexError(Exception):
    """The archive has no index yet."""


@dataclass(frozen=True)
class ArchiveStats:
    data_dir: Path
    articles: int
    passages: int
    sources: list[tuple[str, int]]
    first_date: str | None
    last_date: str | None
    undated: int
    indexed_passages: int | None  # None when there is no index
    index_built_at: str | None
    index_stale: bool
    passage_window: tuple[int, int]
    index_bytes: int
    feeds: list[FeedPoll]  # each polled feed's latest poll


def bundled_seeds() -> Path:
    """The seed articles: index/seeds/ when installed (pyproject.toml maps seeds/ there),
    or seeds/ beside index/ in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "seeds"
    return installed if installed.is_dir() else here.parent / "seeds"


class Archive:
    def __init__(self, settings: IndexSettings, ranking: Ranking | None = None) -> None:
        self.settings = settings
        self.ranking = ranking or Ranking()
        self.store = Store(settings.data_dir / "newsdesk.sqlite3")
        self.index_root = settings.data_dir / "index"
        self.analyzer = Analyzer()
        self._searcher: Searcher | None = None
        self._lock = threading.Lock()
        self._write_lock = threading.RLock()
        self._writers = 0

    def close(self) -> None:
        self.store.close()

    # Changing the archive ------------------------------------------------------

    def add(self, sources: Iterable[Path | str], progress: Progress | None = None,
            fetcher: Fetcher | None = None) -> IngestReport:
        """Ingest files, folders and http(s) page URLs, then bring the index up to date
        if anything changed."""
        progress = progress or Silent()
        with self._writing():
            self._apply_passage_window(progress)
            report = ingest(self.store, self.analyzer, list(sources), self.settings.passage_window,
                            self.settings.passage_stride, progress, fetcher)
            if self.needs_rebuild():
                self._rebuild(progress)
        return report

    def add_records(self, records: Iterable[RawRecord | Rejection],
                    progress: Progress | None = None) -> IngestReport:
        """Ingest records read elsewhere (feed entries), then update the index."""
        progress = progress or Silent()
        with self._writing():
            self._apply_passage_window(progress)
            report = IngestReport()
            store_records(self.store, self.analyzer, records, self.settings.passage_window,
                          self.settings.passage_stride, report)
            if self.needs_rebuild():
                self._rebuild(progress)
        return report

    def rebuild(self, progress: Progress | None = None) -> Path:
        """Build a fresh index from the store and switch to it atomically."""
        with self._writing():
            return self._rebuild(progress or Silent())

    def _rebuild(self, progress: Progress) -> Path:
        self._apply_passage_window(progress)
        return build_index(self.store, self.index_root, self.analyzer, self.ranking, progress)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (the bot polling feeds
        while someone runs `newsdesk add`): readers never wait for it."""
        with self._write_lock:
            if self._writers:  # re-entered by this thread: the file lock is held already
                yield
                return
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            with open(self.settings.data_dir / "write.lock", "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._writers += 1
                try:
                    yield
                finally:
                    self._writers -= 1
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_searchable(self, progress: Progress | None = None) -> str | None:
        """Make sure there is an index to search: an empty archive gets the bundled seed
        articles, a stale index is rebuilt. Returns what was done, or None."""
        if self.store.counts()["articles"] == 0:
            seeds = bundled_seeds()
            if not seeds.is_dir():
                raise NoIndexError(f"the archive is empty and the bundled seeds are missing "
                                   f"({seeds}); add articles with 'newsdesk add PATH'")
            self.add([seeds], progress)
            return f"the archive was empty: indexed the bundled seed articles from {seeds}"
        if self.needs_rebuild():
            self.rebuild(progress)
            return "the index was behind the article store: rebuilt it"
        return None

    def needs_rebuild(self) -> bool:
        snapshot = self._current_searcher()
        if snapshot is None:
            return self.store.counts()["passages"] > 0
        return snapshot.snapshot.store_revision != self.store.revision()

    def _apply_passage_window(self, progress: Progress) -> None:
        """Re-cut every passage when the configured window differs from the stored one."""
        wanted = (self.settings.passage_window, self.settings.passage_stride)
        stored = self.store.passage_window()
        if stored == wanted:
            return
        rows = list(self.store.iter_articles_with_sentences())
        if not rows:
            self.store.set_passage_window(*wanted)
            return
        progress.stage("Re-cutting passages", len(rows))
        passages: list[Passage] = []
        for article_id, _text, sentences in rows:
            passages.extend(make_passages(article_id, sentences, *wanted))
            progress.advance()
        self.store.replace_passages(passages, *wanted)

    # Reading the archive -------------------------------------------------------

    def search(self, question: str, k: int = 5, source: str | None = None,
               since: date | None = None, until: date | None = None,
               min_coverage: float | None = None, today: date | None = None) -> list[Hit]:
        """The best `k` passages for `question`; see `Searcher.search`."""
        return self.searcher().search(question, k, source=source, since=since, until=until,
                                      min_coverage=min_coverage, today=today)

    def parse(self, question: str, today: date | None = None) -> Query:
        return self.searcher().parse(question, today)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def searcher(self) -> Searcher:
        searcher = self._current_searcher()
        if searcher is None:
            raise NoIndexError("no index yet: add articles with 'newsdesk add PATH'")
        return searcher

    def _current_searcher(self) -> Searcher | None:
        """The searcher over the current snapshot, reloaded when another build switched it."""
        folder = current_snapshot_folder(self.index_root)
        with self._lock:
            if folder is None:
                self._searcher = None
            elif self._searcher is None or self._searcher.snapshot.folder != folder:
                snapshot = load_snapshot(self.index_root)  # may be newer than `folder`
                self._searcher = (Searcher(snapshot, self.store, self.analyzer, self.ranking)
                                  if snapshot else None)
            return self._searcher

    def stats(self) -> ArchiveStats:
        counts = self.store.counts()
        first, last, undated = self.store.date_range()
        searcher = self._current_searcher()
        meta = searcher.snapshot.meta if searcher else {}
        size = sum(f.stat().st_size for f in searcher.snapshot.folder.iterdir()) if searcher else 0
        return ArchiveStats(
            data_dir=self.settings.data_dir, articles=counts["articles"],
            passages=counts["passages"], sources=self.store.sources(), first_date=first,
            last_date=last, undated=undated,
            indexed_passages=meta.get("passages"), index_built_at=meta.get("built_at"),
            index_stale=self.needs_rebuild(),
            passage_window=(self.settings.passage_window, self.settings.passage_stride),
            index_bytes=size, feeds=self.store.feed_polls(),
        )
