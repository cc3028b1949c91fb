"""Building the index from the store: cached terms, and the index's own settings."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from newsdesk.index import Archive, IndexParams, IndexSettings, Silent, indexer
from newsdesk.index.analyzer import ANALYZER_VERSION, Analyzer
from newsdesk.index.bm25 import Postings
from newsdesk.index.numbering import ArticleNumbers, headline_terms
from newsdesk.index.passages import make_passages
from newsdesk.index.sentence_codec import decode_spans, decode_terms
from newsdesk.index.store import Store

from .conftest import REPO, SEEDS, write_jsonl

sys.path.insert(0, str(REPO / "benchmarks"))
from query_latency import articles as generated_articles


def analysed_texts(monkeypatch) -> list[str]:
    """Every text the analyzer is asked for, from now on."""
    seen: list[str] = []
    original = Analyzer.terms

    def recording(self: Analyzer, text: str) -> list[str]:
        seen.append(text)
        return original(self, text)

    monkeypatch.setattr(Analyzer, "terms", recording)
    return seen


def test_re_indexing_analyses_no_sentence_whose_terms_are_cached(seeded: Archive, monkeypatch):
    seen = analysed_texts(monkeypatch)
    seeded.rebuild()
    body = seeded.article(seeded.titles("")[0].article_id)
    assert body is not None
    spans = seeded._store.sentence_spans([body.id])[body.id]
    assert body.title in seen  # the headline only: every sentence came from the cache
    assert not {body.text[start:end] for start, end in spans} & set(seen)


def test_terms_cached_by_another_analyzer_are_recomputed_to_the_same_index(
        seeded: Archive, monkeypatch):
    [before] = [e.segment.passages for e in seeded._search().snapshot.entries]
    seeded._db.execute("UPDATE articles SET terms_version = 'an older analyzer'")
    seen = analysed_texts(monkeypatch)
    seeded.rebuild()
    [after] = [e.segment.passages for e in seeded._search().snapshot.entries]
    assert len(seen) > 10  # the sentences were analysed again
    assert after.terms.words == before.terms.words
    for array in ("offsets", "docs", "pairs", "pair_tf", "pair_len", "doc_len"):
        assert np.array_equal(getattr(after, array), getattr(before, array)), array


def test_an_index_built_with_other_settings_is_stale_and_rebuilt(tmp_path: Path):
    data = tmp_path / "data"
    first = Archive(IndexSettings(data))
    first.add([SEEDS])
    k1_before = first._search().snapshot.passages.params.k1
    first.close()

    other = Archive(IndexSettings(data, IndexParams(passage_k1=1.5, window=3)))
    try:
        assert other.stale_reason() == ("its settings changed (window 5 → 3, "
                                        "passage_k1 0.9 → 1.5)")
        assert other.ensure_searchable() == ("the index was rebuilt: its settings changed "
                                             "(window 5 → 3, passage_k1 0.9 → 1.5)")
        rebuilt = other._search().snapshot
        assert (k1_before, rebuilt.passages.params.k1) == (0.9, 1.5)
        assert rebuilt.meta["params"]["window"] == 3
        assert other.stale_reason() is None
    finally:
        other.close()


def test_an_index_written_by_an_older_newsdesk_is_rebuilt_and_its_files_removed(
        seeded: Archive):
    root = seeded._index_root
    shutil.rmtree(root)
    (root / "snapshot-0123456789ab").mkdir(parents=True)  # the layout before segments
    (root / "snapshot-0123456789ab" / "meta.json").write_text('{"format": 2}', "utf-8")
    (root / "CURRENT").write_text("snapshot-0123456789ab", "utf-8")
    seeded._snapshot = seeded._searcher = None
    assert seeded.stale_reason() == "it was built by an older newsdesk"
    assert seeded.ensure_searchable() == ("the index was rebuilt: it was built by an older "
                                          "newsdesk")
    assert seeded.ask("How many SDF fighters did ISIS kill?").hits
    assert not (root / "snapshot-0123456789ab").exists()


# The segment builder gives the index a plain build from each passage's terms gives ------


def corpus(tmp_path: Path) -> Path:
    """Generated articles, some untitled (their first sentence is their title, which then
    adds no terms of its own), and the seeds' article."""
    texts = generated_articles(4000, seed=11)
    records = [{"id": f"g{n}", "source": f"Outlet {n % 3}", "text": text,
                **({} if n % 7 == 0 else {"title": f"Story {n}: {text[:40]}"})}
               for n, text in enumerate(texts)]
    return write_jsonl(tmp_path / "corpus.jsonl", records)


def reference_postings(store: Store) -> tuple[Postings, Postings, list[tuple[int, int]],
                                              list[int]]:
    """The passages' and the articles' postings built from lists of terms, and each
    passage's span and article: what the segment must hold."""
    analyzer = Analyzer()
    passages: list[list[str]] = []
    articles: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    owners: list[int] = []
    for number, row in enumerate(store.iter_index_rows(ANALYZER_VERSION)):
        sentences = row.cached_terms().sentences()
        title = headline_terms(analyzer.terms(row.title), sentences)
        articles.append(title + [t for s in sentences for t in s])
        for p in make_passages(row.article_id, row.spans(), 5, 2):
            window = [t for s in sentences[p.first:p.last] for t in s]
            passages.append((title if p.first == 0 else []) + window)
            spans.append((p.start, p.end))
            owners.append(number)
    return Postings.build(passages), Postings.build(articles), spans, owners


def assert_same_postings(got: Postings, expected: Postings) -> None:
    assert got.terms.words == expected.terms.words
    for array in Postings._ARRAYS + Postings._COLUMN_ARRAYS:
        a, b = getattr(got, array), getattr(expected, array)
        assert a.dtype == b.dtype and np.array_equal(a, b), array


@pytest.mark.parametrize("workers", [0, 1])
@pytest.mark.usefixtures("workers_started_first")
def test_a_segment_holds_what_postings_of_each_passage_s_terms_hold(
        tmp_path: Path, monkeypatch, workers: int):
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        archive.add([corpus(tmp_path), SEEDS])
        store = archive._store
        monkeypatch.setattr(indexer, "POOL_MIN_ARTICLES", 10)
        monkeypatch.setattr(indexer, "pool_workers", lambda: workers)
        here = []
        numbers = ArticleNumbers.__call__

        def counted(self, item):  # in this process only
            here.append(item)
            return numbers(self, item)

        monkeypatch.setattr(ArticleNumbers, "__call__", counted)
        data = indexer.segment_data(store.iter_index_rows(ANALYZER_VERSION), Analyzer(),
                                    IndexParams(), Silent())
        assert (len(here) < store.count()) == bool(workers)
        passages, articles, spans, owners = reference_postings(store)
        assert_same_postings(data.passages, passages)
        assert_same_postings(data.articles, articles)
        assert list(zip(data.passage_start.tolist(), data.passage_end.tolist(),
                        strict=True)) == spans
        assert data.passage_article.tolist() == owners
        rows = list(store.iter_index_rows(ANALYZER_VERSION))
        assert data.article_ids == [r.article_id for r in rows]
        assert data.article_sources == [r.source for r in rows]
        assert data.article_published == [r.published for r in rows]
    finally:
        archive.close()


def test_a_store_written_as_json_by_an_earlier_newsdesk_is_indexed_alike(seeded: Archive,
                                                                         tmp_path: Path):
    seeded.add([corpus(tmp_path)])
    ids = [i for e in seeded._search().snapshot.entries for i in e.segment.article_ids]
    db = seeded._db
    rows = db.all("SELECT id, sentences, terms FROM articles ORDER BY rowid")
    for at, (article_id, sentences, terms) in enumerate(rows):
        if at % 2:  # as an earlier newsdesk left them
            spans = decode_spans(sentences)
            words = decode_terms(terms).sentences()
            db.execute("UPDATE articles SET sentences = ?, terms = ? WHERE id = ?",
                       (json.dumps(spans), json.dumps([" ".join(s) for s in words]),
                        article_id))
    seeded.rebuild()
    [after] = [e.segment for e in seeded._search().snapshot.entries]
    assert after.article_ids == ids
    reference = reference_postings(seeded._store)
    assert_same_postings(after.passages, reference[0])
    assert_same_postings(after.articles, reference[1])
