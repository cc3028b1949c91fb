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

An add whose articles are all the index has to take in (the first build of a new
archive, an update of a current index) hands them over already numbered
(`AddedArticles`): ingest numbers each article's terms as it analyses it, so the build
neither reads them back from the store nor decodes and numbers them again. The segment
is the same, array by array, as one built from the store; that the rows to index are
exactly the ones handed over is checked against the store before they are used.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from .analysis_pool import map_in_order, pool_workers
from .analyzer import Analyzer
from .bm25 import Postings, Terms
from .errors import UserError
from .numbering import (
    ArticleNumbers,
    NumberedArticle,
    SegmentTerms,
    WindowedRow,
)
from .params import IndexParams
from .progress import Progress
from .segments import SegmentData, write_deletions, write_segment
from .snapshot import Snapshot, write_manifest
from .store import IndexRow, Store, StoredArticle

MERGE_FACTOR = 4
SMALLEST_LEVEL_PASSAGES = 64  # smaller segments all count as this size
LEVEL_SPAN = 0.75  # segments this close (in levels) to the largest remaining are one level
# A build of this many articles or more shares their numbering with worker processes:
# a worker starts in about half a second (Python and this package's imports), which the
# chunks first sent to it wait for, and numbering an article here takes ~150 us.
POOL_MIN_ARTICLES = 4000


class EmptyStoreError(UserError):
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


class AddedArticles:
    """The articles of an add, numbered for a segment of their own as ingest analyses
    them (ingest.py), to be handed to `build_index` or `update_index`, which use them
    when they are exactly the rows the index has to take in, and else let them go and
    read the store. Only what the segment is built from is kept: each article's term
    numbers and passage bounds (arrays), its id, outlet and date.

    An article is numbered when its analysis comes back, before the store has said
    whether it keeps it (an article stored already, or whose text its outlet has, is
    left out): `settle` says so afterwards, in the same order, and the terms of the
    articles kept are numbered again, in order of first appearance, when any was not.
    """

    def __init__(self, params: IndexParams) -> None:
        self.params = params
        self._builder: _SegmentBuilder | None = _SegmentBuilder()
        self._kept: list[bool] = []  # of the first articles added, whether stored

    @property
    def terms(self) -> SegmentTerms:
        """The numbers given so far (an article's terms are numbered by what they know
        before it is added: `ArticleNumbers`)."""
        assert self._builder is not None, "taken or let go already"
        return self._builder.terms

    def add(self, stored: StoredArticle, numbered: NumberedArticle) -> None:
        """The next article, numbered by `ArticleNumbers.numbered` from its title,
        spans and terms (as the row the store gives for it once stored would be)."""
        assert self._builder is not None, "taken or let go already"
        article = stored.article
        self._builder.add(article.id, article.source, article.published, numbered)

    def settle(self, kept: list[bool]) -> None:
        """Whether the store kept each of the next articles added."""
        self._kept += kept

    def let_go(self) -> None:
        self._builder = None

    def take(self, params: IndexParams, ids: list[str]) -> SegmentData | None:
        """The segment of the articles stored if they are exactly the rows `ids` (in
        order) and were numbered for `params`, else None; either way they are let go."""
        builder, self._builder = self._builder, None
        if builder is None or not ids or params != self.params \
                or len(self._kept) != len(builder):
            return None
        if not all(self._kept):
            builder.keep(self._kept)
        return builder.data() if builder.article_ids == ids else None


def build_index(store: Store, root: Path, analyzer: Analyzer, params: IndexParams,
                progress: Progress, added: AddedArticles | None = None) -> str:
    """Index every stored article into one new segment and make it the whole index;
    the new manifest's name. `added`: the articles just added, used when the store holds
    no others."""
    seq = store.last_change()
    revision = store.revision()
    count = store.count()
    if not count:
        if added is not None:
            added.let_go()
        raise EmptyStoreError("the archive has no articles yet; add some with 'newsdesk add'")
    progress.stage("Indexing articles", count)
    root.mkdir(parents=True, exist_ok=True)
    data = added.take(params, store.ids_in_order()) if added is not None else None
    if data is None:
        data = segment_data(store.iter_index_rows(params.analyzer), analyzer, params,
                            progress)
    else:
        progress.advance(count)
    progress.stage("Writing the index", 1)
    name = write_segment(root, data)
    manifest = write_manifest(root, [(name, None)], _meta(
        params, seq, revision, articles=len(data.article_ids),
        passages=len(data.passage_start)))
    store.forget_changes(seq)
    progress.advance()
    return manifest


def update_index(store: Store, current: Snapshot, analyzer: Analyzer, params: IndexParams,
                 progress: Progress, added: AddedArticles | None = None) -> str | None:
    """Bring `current` (built with `params`) up to date with the store's changes since
    it was made; the new manifest's name, or None when nothing changed. `added`: the
    articles just added, used when they are all the changes."""
    seq, touched = store.changes_since(current.change_seq)
    revision = store.revision()
    if not touched:
        if added is not None:
            added.let_go()
        return None
    root = current.root
    planned = _with_deletions(current, set(touched))
    data = added.take(params, store.ids_in_order(touched)) if added is not None else None
    if data is not None:
        progress.stage("Indexing articles", len(data.article_ids))
        progress.advance(len(data.article_ids))
    else:
        rows = list(store.iter_index_rows(params.analyzer, touched))
        if rows:
            progress.stage("Indexing articles", len(rows))
            data = segment_data(rows, analyzer, params, progress)
        del rows
    if data is not None:
        planned.append(_planned(write_segment(root, data), data))
        del data
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
        numbers = segment.numbers_of(touched)
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
    return _Planned(name, None, data.article_ids, len(data.passage_start),
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
    numbered once, in order of first appearance, an article's headline's first; a
    passage is a run of its article's numbers (the lead one with the headline's), so the
    words of overlapping windows are not looked up again. For many rows a worker process
    shares the work (numbering.py).
    """
    builder = _SegmentBuilder()
    rows = iter(rows)
    pending: deque[IndexRow] = deque()

    def items() -> Iterator[WindowedRow]:
        for row in rows:
            pending.append(row)
            yield WindowedRow(row, params.window, params.stride)

    numbered = map_in_order(ArticleNumbers(builder.terms, analyzer), items(),
                            f"{ArticleNumbers.__module__}:{ArticleNumbers.__name__}",
                            workers=pool_workers(), min_items=POOL_MIN_ARTICLES)
    with closing(numbered):
        for article in numbered:
            row = pending.popleft()
            builder.add(row.article_id, row.source, row.published, article)
            progress.advance()
    return builder.data()


class _SegmentBuilder:
    """A segment's arrays, from its articles numbered in order."""

    def __init__(self) -> None:
        self.terms = SegmentTerms()
        # Each article's id, outlet and publication date (not its row: the stored terms
        # it carries are done with once it is numbered).
        self._articles_meta: list[tuple[str, str, str | None]] = []
        self._articles: list[np.ndarray] = []
        self._headlines: list[int] = []  # how many of each article's terms are its title's
        self._bounds: list[np.ndarray] = []  # each article's passages' (see NumberedArticle)

    def __len__(self) -> int:
        return len(self._articles)

    @property
    def article_ids(self) -> list[str]:
        return [article_id for article_id, _, _ in self._articles_meta]

    def keep(self, kept: list[bool]) -> None:
        """Keep only the articles `kept` marks, their terms numbered again in order of
        first appearance (as if the others had never been added)."""
        def chosen(items: list) -> list:
            return [item for item, keep in zip(items, kept, strict=True) if keep]

        self._articles_meta = chosen(self._articles_meta)
        self._articles = chosen(self._articles)
        self._headlines = chosen(self._headlines)
        self._bounds = chosen(self._bounds)
        numbers = (np.concatenate(self._articles) if self._articles
                   else np.empty(0, dtype=np.int32))
        used, first = np.unique(numbers, return_index=True)
        in_order = used[np.argsort(first)]  # old numbers, by first appearance
        renumber = np.zeros(len(self.terms.numbers), dtype=np.int32)
        renumber[in_order] = np.arange(len(in_order), dtype=np.int32)
        self._articles = [renumber[article] for article in self._articles]
        words = self.terms.words()
        self.terms = SegmentTerms()
        self.terms.number([words[old] for old in in_order.tolist()])

    def add(self, article_id: str, source: str, published: str | None,
            article: NumberedArticle) -> None:
        """The next article."""
        self._articles.append(article.whole(self.terms.number(article.unknown)))
        self._headlines.append(article.headline)
        self._bounds.append(article.passage_bounds())
        self._articles_meta.append((article_id, source, published))

    def data(self) -> SegmentData:
        """The segment. Its passages are runs of its articles' numbers (a lead passage's
        from the start of its headline's); the articles' postings are built in one
        thread of three while the passages' chunks are sorted in the others (numpy sorts
        without holding the GIL)."""
        words = Terms(self.terms.words(), self.terms.numbers)
        tokens = (np.concatenate(self._articles) if self._articles
                  else np.empty(0, dtype=np.int32))
        lengths = np.fromiter(map(len, self._articles), dtype=np.int64,
                              count=len(self._articles))
        article_end = np.cumsum(lengths)
        article_start = article_end - lengths
        bounds = np.concatenate(self._bounds) if self._bounds else np.empty((0, 4), np.int32)
        per_article = np.asarray([len(b) for b in self._bounds], dtype=np.int64)
        # Where each passage's terms start and end: its sentences', after its headline's.
        sentences_start = np.repeat(article_start + self._headlines, per_article)
        starts = sentences_start + bounds[:, 0]
        leads = (np.cumsum(per_article) - per_article)[per_article > 0]
        starts[leads] = article_start[per_article > 0]
        with ThreadPoolExecutor(max_workers=3) as threads:
            articles = threads.submit(Postings.from_runs, tokens, article_start, article_end)
            passages = Postings.from_runs(tokens, starts, sentences_start + bounds[:, 1],
                                          threads)
            return SegmentData(
                passages=passages.over(words), articles=articles.result().over(words),
                article_ids=[article_id for article_id, _, _ in self._articles_meta],
                passage_article=np.repeat(np.arange(len(per_article), dtype=np.int32),
                                          per_article),
                passage_start=bounds[:, 2].copy(), passage_end=bounds[:, 3].copy(),
                article_sources=[source for _, source, _ in self._articles_meta],
                article_published=[published for _, _, published in self._articles_meta])


def _meta(params: IndexParams, seq: int, revision: int, *, articles: int,
          passages: int) -> dict[str, object]:
    return {"store_revision": revision, "change_seq": seq, "params": params.to_json(),
            "articles": articles, "passages": passages,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
