"""Builds a new index snapshot from the article store."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from .analyzer import ANALYZER_VERSION, Analyzer
from .bm25 import Bm25
from .progress import Progress
from .ranking import Ranking
from .snapshot import write_snapshot
from .store import Store


class EmptyStoreError(Exception):
    """There are no passages to index."""


def build_index(store: Store, root: Path, analyzer: Analyzer, ranking: Ranking,
                progress: Progress) -> Path:
    """Index every stored passage, and every article whole, into a new snapshot under
    `root`, and make it current."""
    revision = store.revision()
    counts = store.counts()
    if not counts["passages"]:
        raise EmptyStoreError("the archive has no articles yet; add some with 'newsdesk add'")
    progress.stage("Indexing passages", counts["passages"])

    article_ids: list[str] = []
    sources: list[str] = []
    published: list[str | None] = []
    article_terms: list[list[str]] = []
    passage_article: list[int] = []
    spans: list[tuple[int, int]] = []

    def passage_documents() -> Iterator[list[str]]:
        # Each sentence is analysed once; a passage's terms are its sentences' terms
        # (passages start and end on sentence boundaries), an article's are all of them.
        for number, row in enumerate(store.iter_index_rows(ANALYZER_VERSION)):
            article_ids.append(row.article_id)
            sources.append(row.source)
            published.append(row.published)
            starts = [s for s, _ in row.sentences]
            terms = row.sentence_terms if row.sentence_terms is not None else [
                analyzer.terms(row.text[s:e]) for s, e in row.sentences]
            title = headline_terms(analyzer.terms(row.title), terms)
            article_terms.append(title + list(chain.from_iterable(terms)))
            for start, end in row.passages:
                passage_article.append(number)
                spans.append((start, end))
                first, last = bisect_left(starts, start), bisect_left(starts, end)
                lead = title if first == 0 else []
                yield lead + list(chain.from_iterable(terms[first:last]))
                progress.advance()

    passages = Bm25.build(passage_documents(), ranking.passage_params)
    progress.stage("Indexing articles", 1)
    articles = Bm25.build(article_terms, ranking.article_params)
    progress.advance()
    progress.stage("Writing the index", 1)
    folder = write_snapshot(
        root, passages=passages, articles=articles, article_ids=article_ids,
        passage_article=passage_article, passage_spans=spans, article_sources=sources,
        article_published=published,
        meta={"store_revision": revision, "articles": len(article_ids),
              "passages": len(spans), "built_at": datetime.now(UTC).isoformat(timespec="seconds")},
    )
    progress.advance()
    return folder


def headline_terms(title: list[str], sentences: list[list[str]]) -> list[str]:
    """The terms a headline adds to its article and its lead passage (given the terms of
    each sentence): all of them, unless the title was made from the first sentence (an
    untitled article's), which would count that sentence twice."""
    first = sentences[0] if sentences else []
    return [] if title == first[:len(title)] else title
