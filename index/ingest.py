"""Ingest: files, web pages and feed entries to validated, cleaned articles in the store.

Reading and fetching only produce records (or one-line rejections); `store_records`
validates, analyses and stores them in batches, with worker processes sharing the
analysis of a big add (analysis_pool.py). Fetching is done before the archive's write
lock is taken (see `Archive.add`), so a slow server never holds up a writer.

When the index is to take in just the articles added, each is also numbered for the
index where it is analysed, and the articles stored are handed to the index update
(`AddedArticles`, indexer.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .analysis_pool import map_in_order, pool_workers
from .analyzer import ANALYZER_VERSION, Analyzer
from .articles import build_article
from .indexer import AddedArticles
from .numbering import ArticleNumbers, NumberedArticle
from .progress import Progress
from .readers import find_files, read_file
from .records import Article, RawRecord, Rejection
from .store import Store, StoredArticle
from .watches import Alert
from .web import record_from_html

if TYPE_CHECKING:
    from .fetch import Fetcher  # (imported when pages are fetched: it loads ssl and http)

# Articles are committed in batches: a crash loses at most one batch, never the store.
BATCH_SIZE = 500
# Records are analysed in worker processes too (analysis_pool.py), one a core but this
# process's, when an add has at least this many.
POOL_MIN_RECORDS = 1000
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class IngestReport:
    files: int = 0  # files read and pages fetched
    added: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    added_articles: list[Article] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)  # new stories on watched topics

    def summary(self) -> str:
        """"3 added, 1 already stored, 0 rejected (2 files or pages read)"."""
        read = "file or page" if self.files == 1 else "files or pages"
        return (f"{self.added} added, {self.duplicates} already stored, "
                f"{len(self.rejected)} rejected ({self.files} {read} read)")


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source[:8].lower().startswith(("http://", "https://"))


def fetch_pages(urls: Sequence[str], fetcher: Fetcher,
                progress: Progress) -> list[RawRecord | Rejection]:
    """The article at each URL, or why there is none."""
    if not urls:
        return []
    progress.stage("Fetching pages", len(urls))
    records = []
    for url in urls:
        records.append(fetch_page(fetcher, url))
        progress.advance()
    return records


def fetch_page(fetcher: Fetcher, url: str) -> RawRecord | Rejection:
    """The article at `url`, or why there is none."""
    fetched = fetcher.get(url)
    if isinstance(fetched, Rejection):
        return fetched
    if fetched.content_type not in HTML_TYPES:
        return Rejection(url, f"not a web page (content type {fetched.content_type or 'none'})")
    host = fetched.url.split("/")[2]
    return record_from_html(fetched.body, fetched.url, url, host)


def read_paths(paths: Sequence[Path], skip: Path, report: IngestReport,
               progress: Progress) -> Iterator[RawRecord | Rejection]:
    """The records in every file under `paths` (files and folders), but the folder
    `skip` (the archive's own data); what cannot be read is reported."""
    files: list[Path] = []
    for found in find_files(paths, skip=skip):
        if isinstance(found, Rejection):
            report.rejected.append(found)
        else:
            files.append(found)
    report.files += len(files)
    progress.stage("Reading articles", len(files))
    for path in files:
        yield from read_file(path)
        progress.advance()


def store_records(store: Store, analyzer: Analyzer, records: Iterable[RawRecord | Rejection],
                  report: IngestReport, added: AddedArticles | None = None) -> None:
    """Validate, clean, analyse and store records in batches, counting into `report`;
    an article already stored (by id) is counted and not stored again. With `added`,
    each article is numbered for the index as it is analysed and added to it in order
    (then the store says which it kept: `AddedArticles.settle`)."""
    batch: list[StoredArticle] = []
    batch_ids: set[str] = set()
    if added is None:
        function, factory, args = RecordAnalysis(analyzer), RecordAnalysis.__name__, ()
    else:
        window, stride = added.params.window, added.params.stride
        function = RecordAnalysis(analyzer, ArticleNumbers(added.terms, analyzer), window,
                                  stride)
        factory, args = numbering_analysis.__name__, (window, stride)
    analysed = map_in_order(function, records, f"{__name__}:{factory}",
                            workers=pool_workers(), min_items=POOL_MIN_RECORDS,
                            factory_args=args)
    with _BatchWriter(store, report, added) as writer, closing(analysed):
        for item in analysed:
            if isinstance(item, Rejection):
                report.rejected.append(item)
                continue
            stored = item.stored if isinstance(item, Numbered) else item
            article_id = stored.article.id
            if article_id in batch_ids:
                report.duplicates += 1
                continue
            batch_ids.add(article_id)
            if added is not None:
                assert isinstance(item, Numbered)
                added.add(*item)
            batch.append(stored)
            if len(batch) >= BATCH_SIZE:
                writer.write(batch)
                batch, batch_ids = [], set()
        writer.write(batch)


class _BatchWriter:
    """Stores batches, each in one transaction, in a thread of its own: SQLite writes
    (and waits for the disk) without holding the GIL, so meanwhile this thread goes on
    analysing and keeps the workers supplied. At most `BATCHES_AHEAD` batches wait to be
    stored. As without the thread, nothing is stored after a batch that failed; leaving
    on an error, the batch being stored is finished (committed or rolled back) and those
    waiting are dropped."""

    BATCHES_AHEAD = 2

    def __init__(self, store: Store, report: IngestReport,
                 added: AddedArticles | None = None) -> None:
        self._store = store
        self._report = report
        self._added = added
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._waiting: deque[tuple[list[StoredArticle], Future[list[str]]]] = deque()
        self._failed = False  # set in the writing thread

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                while self._waiting:
                    self._count(*self._waiting.popleft())
        finally:
            self._thread.shutdown(wait=True, cancel_futures=True)

    def write(self, batch: list[StoredArticle]) -> None:
        if batch:
            self._waiting.append((batch, self._thread.submit(self._stored, batch)))
        while self._waiting and (len(self._waiting) > self.BATCHES_AHEAD
                                 or self._waiting[0][1].done()):
            self._count(*self._waiting.popleft())

    def _stored(self, batch: list[StoredArticle]) -> list[str]:
        if self._failed:
            raise RuntimeError("not stored: a batch before it failed")
        try:
            return self._store.add(batch, ANALYZER_VERSION)
        except BaseException:
            self._failed = True
            raise

    def _count(self, batch: list[StoredArticle], stored: Future[list[str]]) -> None:
        added = set(stored.result())
        self._report.added += len(added)
        # Stored already, or its outlet had the text already: the store left it out.
        self._report.duplicates += len(batch) - len(added)
        self._report.added_articles.extend(i.article for i in batch if i.article.id in added)
        if self._added is not None:
            self._added.settle([i.article.id in added for i in batch])


def analyse_record(item: RawRecord | Rejection, analyzer: Analyzer) -> StoredArticle | Rejection:
    """One record validated, cleaned, split into sentences and analysed, or why not."""
    built = item if isinstance(item, Rejection) else build_article(item)
    if isinstance(built, Rejection):
        return built
    article, sentences = built
    return StoredArticle.of(article, sentences, analyzer.sentence_terms(article.text, sentences))


class Numbered(NamedTuple):
    """An article analysed, and its terms numbered for the index as `ArticleNumbers`
    numbers the row the store gives for it once stored."""

    stored: StoredArticle
    numbered: NumberedArticle


class RecordAnalysis:
    """`analyse_record` with an analyzer, for `map_in_order`: worker processes make
    their own (with the default analyzer, which ANALYZER_VERSION names) and share the
    terms they learn. With `numbers` (sharing the analyzer), each article is numbered
    for the index too, its passages cut `window` sentences every `stride`: the workers
    learn the numbers given as they go (numbering.py)."""

    def __init__(self, analyzer: Analyzer | None = None,
                 numbers: ArticleNumbers | None = None, window: int = 0,
                 stride: int = 0) -> None:
        self._analyzer = analyzer or Analyzer()
        self._numbers = numbers
        self._window, self._stride = window, stride

    def __call__(self, item: RawRecord | Rejection) -> StoredArticle | Numbered | Rejection:
        analysed = analyse_record(item, self._analyzer)
        if self._numbers is None or isinstance(analysed, Rejection):
            return analysed
        # As `ArticleNumbers` numbers the row the store will give for it, undecoded.
        spans, terms = analysed.analysed()
        return Numbered(analysed, self._numbers.numbered(
            analysed.article.title, spans, terms, self._window, self._stride))

    def learned(self, since: Any) -> tuple[Any, Any]:
        if self._numbers is None:
            return self._analyzer.stems_since(since)
        return self._numbers.learned(since)

    def learn(self, lesson: Any) -> None:
        if self._numbers is None:
            self._analyzer.learn(lesson)
        else:
            self._numbers.learn(lesson)


def numbering_analysis(window: int, stride: int) -> RecordAnalysis:
    """A worker's `RecordAnalysis` that numbers articles too."""
    analyzer = Analyzer()
    return RecordAnalysis(analyzer, ArticleNumbers(analyzer=analyzer), window, stride)
