"""Ingest: files, web pages and feed entries to validated, cleaned articles and their
passages in the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .analyzer import ANALYZER_VERSION, Analyzer
from .articles import build_article
from .fetch import Fetcher
from .passages import make_passages
from .progress import Progress
from .readers import find_files, read_file
from .records import Article, RawRecord, Rejection
from .store import Store, StoredArticle
from .web import record_from_html

# Articles are committed in batches: a crash loses at most one batch, never the store.
BATCH_SIZE = 500
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    added_articles: list[Article] = field(default_factory=list)


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def ingest(store: Store, analyzer: Analyzer, sources: Iterable[Path | str], window: int,
           stride: int, progress: Progress, fetcher: Fetcher | None = None) -> IngestReport:
    """Read every article under `sources` (files, folders, http(s) URLs of pages) into
    `store`; bad ones are skipped and reported, duplicates (by id) are counted and not
    stored again."""
    report = IngestReport()
    units: list[Path | str] = []
    paths = [Path(s) for s in sources if not is_url(s)]
    for found in find_files(paths, skip=store.path.parent.resolve()):
        if isinstance(found, Rejection):
            report.rejected.append(found)
        else:
            units.append(found)
    units += [s for s in sources if is_url(s)]
    report.files = len(units)
    progress.stage("Reading articles", len(units))

    def records() -> Iterator[RawRecord | Rejection]:
        for unit in units:
            if isinstance(unit, Path):
                yield from read_file(unit)
            else:
                yield fetch_page(fetcher or Fetcher(), unit)
            progress.advance()

    store_records(store, analyzer, records(), window, stride, report)
    return report


def fetch_page(fetcher: Fetcher, url: str) -> RawRecord | Rejection:
    """The article at `url`, or why there is none."""
    fetched = fetcher.get(url)
    if isinstance(fetched, Rejection):
        return fetched
    if fetched.content_type not in HTML_TYPES:
        return Rejection(url, f"not a web page (content type {fetched.content_type or 'none'})")
    host = fetched.url.split("/")[2]
    return record_from_html(fetched.body, fetched.url, url, host)


def store_records(store: Store, analyzer: Analyzer, records: Iterable[RawRecord | Rejection],
                  window: int, stride: int, report: IngestReport) -> None:
    """Validate, clean, analyse and store records in batches, counting into `report`."""
    batch: list[StoredArticle] = []
    batch_ids: set[str] = set()

    def flush() -> None:
        added = set(store.add(batch, ANALYZER_VERSION))
        report.added += len(added)
        report.duplicates += len(batch) - len(added)  # the outlet had the text already
        report.added_articles.extend(a for a, _, _, _ in batch if a.id in added)
        batch.clear()
        batch_ids.clear()

    for item in records:
        built = item if isinstance(item, Rejection) else build_article(item)
        if isinstance(built, Rejection):
            report.rejected.append(built)
            continue
        article, sentences = built
        if article.id in batch_ids or store.contains(article.id):
            report.duplicates += 1
            continue
        batch_ids.add(article.id)
        terms = [analyzer.terms(article.text[s:e]) for s, e in sentences]
        batch.append((article, sentences, terms,
                      make_passages(article.id, sentences, window, stride)))
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
