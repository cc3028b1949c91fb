"""Builds a new index snapshot from the article store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .analyzer import Analyzer
from .bm25 import Bm25, Bm25Params
from .progress import Progress
from .snapshot import write_snapshot
from .store import Store


class EmptyStoreError(Exception):
    """There are no passages to index."""


def build_index(store: Store, root: Path, analyzer: Analyzer, params: Bm25Params,
                progress: Progress) -> Path:
    """Index every stored passage into a new snapshot under `root` and make it current."""
    revision = store.revision()
    counts = store.counts()
    if not counts["passages"]:
        raise EmptyStoreError("the archive has no articles yet; add some with 'newsdesk add'")
    progress.stage("Indexing passages", counts["passages"])

    article_ids: list[str] = []
    sources: list[str] = []
    published: list[str | None] = []
    passage_article: list[int] = []
    spans: list[tuple[int, int]] = []

    def documents() -> Iterator[list[str]]:
        for number, (article_id, source, date, text, passage_spans) in enumerate(
                store.iter_index_rows()):
            article_ids.append(article_id)
            sources.append(source)
            published.append(date)
            for start, end in passage_spans:
                passage_article.append(number)
                spans.append((start, end))
                yield analyzer.terms(text[start:end])
                progress.advance()

    passages = Bm25.build(documents(), params)
    progress.stage("Writing the index", 1)
    folder = write_snapshot(
        root, passages=passages, article_ids=article_ids, passage_article=passage_article,
        passage_spans=spans, article_sources=sources, article_published=published,
        meta={"store_revision": revision, "articles": len(article_ids),
              "passages": len(spans), "built_at": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    progress.advance()
    return folder
