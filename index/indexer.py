"""Keeps the index in step with the article store, one segment at a time.

A full build (`build_index`) indexes every stored article into one segment. An update
(`update_index`) indexes only what changed since the current manifest: articles added
go into a new small segment, and articles removed (or replaced) are marked in their
segment's deletions. The new article is answerable as soon as that manifest is
current; merges come after it.

Merges keep the segments few, as Lucene's logarithmic merge policy does: a segment's
level is the logarithm, base `MERGE_FACTOR`, of its passages (at least
`SMALLEST_LEVEL_PASSAGES`); from the largest level down, the segments within
`LEVEL_SPAN` of the largest remaining one form a level, and `MERGE_FACTOR` adjacent
segments of one level are rebuilt as one from the store. So there are at most
`MERGE_FACTOR - 1` segments a level, and each passage is indexed again about once a
level: log(N / SMALLEST_LEVEL_PASSAGES) / log(MERGE_FACTOR) times over its life. A
segment more than half deleted is rebuilt alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

import numpy as np

from .analyzer import Analyzer
from .bm25 import Postings, Terms
from .params import IndexParams
from .passages import make_passages
from .progress import Progress
from .segments import SegmentData, write_deletions, write_segment
from .snapshot import Snapshot, write_manifest
from .store import IndexRow, Store

MERGE_FACTOR = 4
SMALLEST_LEVEL_PASSAGES = 64  # smaller segments all count as this size
LEVEL_SPAN = 0.75  # segments this close (in levels) to the largest remaining are one level


class EmptyStoreError(Exception):
    """There are no passages to index."""


@dataclass
class _Planned:
    """A segment of the index being made: its name, deletions, live articles (ids, in
    order), live passages, and all its articles."""

    name: str
    deletions: str | None
    ids: list[str]
    passages: int
    articles: int  # deleted ones too

    @property
    def level(self) -> float:
        return math.log(max(self.passages, SMALLEST_LEVEL_PASSAGES), MERGE_FACTOR)


def build_index(store: Store, root: Path, analyzer: Analyzer, params: IndexParams,
                progress: Progress) -> str:
    """Index every stored article into one new segment and make it the whole index;
    the new manifest's name."""
    seq = store.last_change()
    revision = store.revision()
    count = store.count()
    if not count:
        raise EmptyStoreError("the archive has no articles yet; add some with 'newsdesk add'")
    progress.stage("Indexing articles", count)
    root.mkdir(parents=True, exist_ok=True)
    data = segment_data(store.iter_index_rows(params.analyzer), analyzer, params, progress)
    progress.stage("Writing the index", 1)
    name = write_segment(root, data)
    manifest = write_manifest(root, [(name, None)], _meta(
        params, seq, revision, articles=len(data.article_ids),
        passages=len(data.passage_spans)))
    store.forget_changes(seq)
    progress.advance()
    return manifest


def update_index(store: Store, current: Snapshot, analyzer: Analyzer, params: IndexParams,
                 progress: Progress) -> str | None:
    """Bring `current` (built with `params`) up to date with the store's changes since
    it was made; the new manifest's name, or None when nothing changed."""
    seq, touched = store.changes_since(current.change_seq)
    revision = store.revision()
    if not touched:
        return None
    root = current.root
    planned = _with_deletions(current, set(touched))
    rows = list(store.iter_index_rows(params.analyzer, touched))
    if rows:
        progress.stage("Indexing articles", len(rows))
        data = segment_data(rows, analyzer, params, progress)
        planned.append(_planned(write_segment(root, data), data))
    meta = _meta(params, seq, revision,
                 articles=sum(len(p.ids) for p in planned),
                 passages=sum(p.passages for p in planned))
    manifest = write_manifest(root, [(p.name, p.deletions) for p in planned], meta)
    store.forget_changes(seq)
    merged = _merge(store, root, planned, analyzer, params, progress)
    if merged is not planned:
        manifest = write_manifest(root, [(p.name, p.deletions) for p in merged], meta)
    return manifest


def _with_deletions(current: Snapshot, touched: set[str]) -> list[_Planned]:
    """The current segments with the `touched` articles (removed, or added again)
    deleted: a new deletions file where one changed; emptied segments are left out."""
    planned = []
    for entry in current.entries:
        segment = entry.segment
        numbers = [segment.article_number[i] for i in touched if i in segment.article_number]
        deleted = entry.deleted
        deletions = entry.deletions
        if numbers and (deleted is None or not deleted[numbers].all()):
            deleted = np.zeros(len(segment.article_ids), dtype=bool) if deleted is None \
                else deleted.copy()
            deleted[numbers] = True
            deletions = write_deletions(segment, deleted)
        live = None if deleted is None else ~deleted
        ids = segment.article_ids if live is None else [
            i for i, keep in zip(segment.article_ids, live.tolist(), strict=True) if keep]
        if not ids:
            continue
        passages = len(segment.passage_article) if live is None else int(
            live[segment.passage_article].sum())
        planned.append(_Planned(segment.name, deletions, ids, passages,
                                len(segment.article_ids)))
    return planned


def _planned(name: str, data: SegmentData) -> _Planned:
    return _Planned(name, None, data.article_ids, len(data.passage_spans),
                    len(data.article_ids))


def _merge(store: Store, root: Path, planned: list[_Planned], analyzer: Analyzer,
           params: IndexParams, progress: Progress) -> list[_Planned]:
    """`planned` with merges done (the same list when none was due)."""
    result = planned
    while True:
        run = _due(result)
        if run is None:
            return result
        start, end = run
        ids = [i for p in result[start:end] for i in p.ids]
        progress.stage("Merging index segments", len(ids))
        data = segment_data(store.iter_index_rows(params.analyzer, ids), analyzer, params,
                            progress)
        merged = _planned(write_segment(root, data), data)
        result = [*result[:start], merged, *result[end:]]


def _due(planned: list[_Planned]) -> tuple[int, int] | None:
    """The run of segments [start, end) to merge next, if any."""
    for at, item in enumerate(planned):
        if len(item.ids) * 2 < item.articles:
            return at, at + 1
    levels = [p.level for p in planned]
    start = 0
    while start < len(levels):
        bottom = max(levels[start:]) - LEVEL_SPAN
        end = max(i for i in range(start, len(levels)) if levels[i] >= bottom) + 1
        if end - start >= MERGE_FACTOR:
            return start, start + MERGE_FACTOR
        start = end
    return None


def segment_data(rows: Iterable[IndexRow], analyzer: Analyzer, params: IndexParams,
                 progress: Progress) -> SegmentData:
    """Cut the articles of `rows` into passages (`params`' windows) and index them, and
    every article whole.

    Each sentence's terms are analysed once (or come cached from the store) and
    numbered once; a passage is a run of its article's numbered terms (the lead one
    with the headline's), so the words of overlapping windows are not looked up again.
    """
    article_ids: list[str] = []
    sources: list[str] = []
    published: list[str | None] = []
    articles: list[np.ndarray] = []
    passage_article: list[int] = []
    spans: list[tuple[int, int]] = []
    numbers: dict[str, int] = {}  # terms in order of first appearance

    def numbered(terms: Iterable[str]) -> list[int]:
        return [numbers.setdefault(t, len(numbers)) for t in terms]

    def passage_documents() -> Iterator[np.ndarray]:
        for number, row in enumerate(rows):
            article_ids.append(row.article_id)
            sources.append(row.source)
            published.append(row.published)
            terms = row.sentence_terms if row.sentence_terms is not None else [
                analyzer.terms(row.text[s:e]) for s, e in row.sentences]
            title = np.asarray(numbered(headline_terms(analyzer.terms(row.title), terms)),
                               dtype=np.int64)
            body = np.asarray(numbered(chain.from_iterable(terms)), dtype=np.int64)
            starts = np.cumsum([0, *map(len, terms)]).tolist()
            articles.append(np.concatenate((title, body)))
            for passage in make_passages(row.article_id, row.sentences, params.window,
                                         params.stride):
                passage_article.append(number)
                spans.append((passage.start, passage.end))
                window = body[starts[passage.first]:starts[passage.last]]
                yield np.concatenate((title, window)) if passage.first == 0 else window
            progress.advance()

    passages = Postings.from_term_numbers(passage_documents())
    terms = Terms(list(numbers), numbers)
    return SegmentData(passages=passages.over(terms),
                       articles=Postings.from_term_numbers(articles).over(terms),
                       article_ids=article_ids, passage_article=passage_article,
                       passage_spans=spans, article_sources=sources,
                       article_published=published)


def _meta(params: IndexParams, seq: int, revision: int, *, articles: int,
          passages: int) -> dict[str, object]:
    return {"store_revision": revision, "change_seq": seq, "params": params.to_json(),
            "articles": articles, "passages": passages,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds")}


def headline_terms(title: list[str], sentences: list[list[str]]) -> list[str]:
    """The terms a headline adds to its article and its lead passage (given the terms of
    each sentence): all of them, unless the title was made from the first sentence (an
    untitled article's), which would count that sentence twice."""
    first = sentences[0] if sentences else []
    return [] if title == first[:len(title)] else title
