"""Builds a new index snapshot from the article store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from .analyzer import Analyzer
from .bm25 import Bm25
from .params import IndexParams
from .passages import make_passages
from .progress import Progress
from .snapshot import write_snapshot
from .store import Store


class EmptyStoreError(Exception):
    """There are no passages to index."""


def build_index(store: Store, root: Path, analyzer: Analyzer, params: IndexParams,
                progress: Progress) -> Path:
    """Cut every stored article into passages (`params`' windows), index them and every
    article whole into a new snapshot under `root`, and make it current."""
    revision = store.revision()
    count = store.count()
    if not count:
        raise EmptyStoreError("the archive has no articles yet; add some with 'newsdesk add'")
    progress.stage("Indexing articles", count)

    article_ids: list[str] = []
    sources: list[str] = []
    published: list[str | None] = []
    article_terms: list[list[str]] = []
    passage_article: list[int] = []
    spans: list[tuple[int, int]] = []

    def passage_documents() -> Iterator[list[str]]:
        # Each sentence is analysed once (or its terms come cached from the store); a
        # passage's terms are its sentences' terms, an article's are all of them.
        for number, row in enumerate(store.iter_index_rows(params.analyzer)):
            article_ids.append(row.article_id)
            sources.append(row.source)
            published.append(row.published)
            terms = row.sentence_terms if row.sentence_terms is not None else [
                analyzer.terms(row.text[s:e]) for s, e in row.sentences]
            title = headline_terms(analyzer.terms(row.title), terms)
            article_terms.append(title + list(chain.from_iterable(terms)))
            for passage in make_passages(row.article_id, row.sentences, params.window,
                                         params.stride):
                passage_article.append(number)
                spans.append((passage.start, passage.end))
                lead = title if passage.first == 0 else []
                yield lead + list(chain.from_iterable(terms[passage.first:passage.last]))
            progress.advance()

    passages = Bm25.build(passage_documents(), params.passage_bm25)
    articles = Bm25.build(article_terms, params.article_bm25)
    progress.stage("Writing the index", 1)
    folder = write_snapshot(
        root, passages=passages, articles=articles, article_ids=article_ids,
        passage_article=passage_article, passage_spans=spans, article_sources=sources,
        article_published=published,
        meta={"store_revision": revision, "params": params.to_json(),
              "articles": len(article_ids),
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
