"""An index of many segments, some documents deleted, scores exactly as one built from
scratch over the live documents (and as rank-bm25); merges and removals keep it so."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from newsdesk.index import Archive, IndexSettings
from newsdesk.index import indexer as indexer_module
from newsdesk.index.bm25 import Bm25, Bm25Params, Part, Postings
from newsdesk.index.evaluation import load_questions

from .conftest import NEWSQA, SEEDS, article, needs_newsqa, write_jsonl
from .test_bm25 import passages_of, queries_from

TODAY = date(2024, 7, 1)


def split(docs: list[list[str]], cuts: list[int]) -> list[list[list[str]]]:
    bounds = [0, *cuts, len(docs)]
    return [docs[a:b] for a, b in pairwise(bounds)]


def assert_parts_score_as_rank_bm25(docs: list[list[str]], cuts: list[int],
                                    deleted: set[int], params: Bm25Params,
                                    queries: list[list[str]]) -> None:
    parts, at = [], 0
    for chunk in split(docs, cuts):
        mask = np.array([at + i in deleted for i in range(len(chunk))])
        parts.append(Part(Postings.build(chunk), mask if mask.any() else None))
        at += len(chunk)
    ours = Bm25(parts, params)
    live = [i for i in range(len(docs)) if i not in deleted]
    ref = BM25Okapi([docs[i] for i in live], k1=params.k1, b=params.b, epsilon=params.epsilon)
    assert ours.count == len(live)
    for query in queries:
        expected = ref.get_scores(query)
        got = ours.scores(query)
        np.testing.assert_allclose(got[live], expected, rtol=0, atol=1e-6)
        assert not got[sorted(deleted)].any()
        top_expected = np.argsort(-expected, kind="stable")[:10]
        top_got = np.argsort(-got[live], kind="stable")[:10]
        assert top_got.tolist() == top_expected.tolist(), query
        for term in set(query):
            assert ours.document_frequency(term) == sum(term in docs[i] for i in live)


@pytest.mark.parametrize("cuts", [[], [1], [40, 41, 300], list(range(50, 1000, 50))])
@pytest.mark.parametrize("deleted_share", [0.0, 0.1])
def test_segments_with_deletions_score_as_rank_bm25_over_the_live_documents(
        cuts: list[int], deleted_share: float):
    rng = np.random.default_rng(len(cuts))
    vocab = [f"w{i}" for i in range(2000)]
    weights = 1 / np.arange(1, len(vocab) + 1)
    docs = [list(rng.choice(vocab, size=rng.integers(0, 50), p=weights / weights.sum()))
            for _ in range(1200)]
    deleted = {int(i) for i in rng.choice(len(docs), int(deleted_share * len(docs)),
                                          replace=False)}
    assert_parts_score_as_rank_bm25(docs, cuts, deleted, Bm25Params(k1=0.9, b=0.4),
                                    queries_from(docs, 60, seed=len(cuts)))


def test_segments_keep_the_epsilon_floor_of_the_whole_archive():
    """The seed article's passages give common terms negative IDFs; the floor is a share
    of the mean IDF over every term of every segment, not of one segment's."""
    docs = passages_of([p.read_text("utf-8") for p in SEEDS.glob("*.txt")], window=3, stride=1)
    ref = BM25Okapi(docs)
    assert any(v == ref.epsilon * ref.average_idf for v in ref.idf.values())
    for cuts in ([3], [2, 5, 9]):
        assert_parts_score_as_rank_bm25(docs, cuts, set(), Bm25Params(),
                                        queries_from(docs, 40, seed=1))
    assert_parts_score_as_rank_bm25(docs, [4], {0, 7}, Bm25Params(),
                                    queries_from(docs, 40, seed=2))


def hits_of(archive: Archive, questions: list[str]) -> list[list[tuple[str, int, float]]]:
    return [[(h.article_id, h.passage_start, h.score) for h in archive.ask(q, k=5,
                                                                        today=TODAY).hits]
            for q in questions]


def assert_same_hits(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert [(a, s) for a, s, _ in g] == [(a, s) for a, s, _ in e]
        np.testing.assert_allclose([x for *_, x in g], [x for *_, x in e], rtol=0, atol=1e-6)


def segment_count(archive: Archive) -> int:
    return len(archive._search().snapshot.entries)


@needs_newsqa
def test_answers_from_segments_after_merges_and_removals_equal_a_rebuild(
        tmp_path: Path, monkeypatch):
    monkeypatch.setattr(indexer_module, "MERGE_FACTOR", 3)
    records = [json.loads(line) for line in
               (NEWSQA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    questions = [q.text for q in load_questions(NEWSQA / "questions.jsonl")][:60]
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        sizes = [40, 1, 1, 5, 1, 1, 1, 2, 30]
        start, counts = 0, []
        for n, size in enumerate(sizes):
            archive.add([write_jsonl(tmp_path / f"batch{n}.jsonl", records[start:start + size])])
            start += size
            counts.append(segment_count(archive))
        assert max(counts) > 2 and counts[-1] < len(sizes)  # several segments; merged
        rng = random.Random(5)
        ids = [a.article_id for a in archive.titles("", limit=1000)]
        assert archive.remove(rng.sample(ids, 12)) == 12
        assert archive._search().snapshot.live_articles is not None  # marked, not rebuilt
        segmented = hits_of(archive, questions)
        assert any(segmented)
        archive.rebuild()
        assert segment_count(archive) == 1
        assert_same_hits(segmented, hits_of(archive, questions))
    finally:
        archive.close()


def test_a_new_article_goes_into_a_new_segment_and_is_answerable(seeded: Archive,
                                                                   tmp_path: Path):
    before = seeded._search().snapshot
    seeded.add([write_jsonl(tmp_path / "one.jsonl", [article(1)])])
    after = seeded._search().snapshot
    assert [e.segment.name for e in after.entries][:1] == [before.entries[0].segment.name]
    assert after.entries[0].segment is before.entries[0].segment  # reused, not reloaded
    assert len(after.entries) == seeded.stats().index_segments == 2
    assert seeded.ask("bridge1 reopened in town1").hits[0].article_id == "art-1"
    assert not seeded.needs_rebuild()
    assert seeded._store.changes_since(0)[1] == []  # the index caught up: the log is cleared


def test_a_removed_article_is_never_found_and_a_mostly_deleted_segment_is_rewritten(
        seeded: Archive, tmp_path: Path):
    seeded.add([write_jsonl(tmp_path / "three.jsonl", [article(n) for n in (1, 2, 3)])])
    assert seeded.remove(["art-2"]) == 1
    snapshot = seeded._search().snapshot
    assert snapshot.entries[-1].deletions is not None  # art-2's segment: one of 3 deleted
    assert all(h.article_id != "art-2" for h in seeded.search("bridge2 town2").hits)
    briefing = seeded.brief("bridge2")
    assert all(i.article_id != "art-2" for i in (*briefing.items, *briefing.undated))
    assert seeded.ask("bridge3 town3").hits[0].article_id == "art-3"

    assert seeded.remove(["art-3"]) == 1  # two of three deleted: rewritten with art-1 only
    last = seeded._search().snapshot.entries[-1]
    assert (last.deletions, last.segment.article_ids) == (None, ["art-1"])
    assert seeded.ask("bridge1 town1").hits[0].article_id == "art-1"


def test_an_article_removed_and_added_again_is_found_once(seeded: Archive, tmp_path: Path):
    path = write_jsonl(tmp_path / "one.jsonl", [article(1)])
    seeded.add([path])
    seeded.remove(["art-1"])
    seeded.add([path])
    hits = seeded.search("bridge1 town1").hits
    assert [h.article_id for h in hits].count("art-1") == 1
    assert seeded.stats().indexed_passages == seeded._search().snapshot.passages.count


def test_many_small_additions_are_merged_into_few_segments(seeded: Archive, tmp_path: Path,
                                                           monkeypatch):
    monkeypatch.setattr(indexer_module, "MERGE_FACTOR", 2)
    for n in range(1, 10):
        seeded.add([write_jsonl(tmp_path / f"{n}.jsonl", [article(n)])])
    snapshot = seeded._search().snapshot
    assert len(snapshot.entries) <= 4
    assert sorted(snapshot.article_ids) == sorted(
        [*(f"art-{n}" for n in range(1, 10)), *seeded._search().snapshot.article_ids[:1]])
    folders = {p.name for p in seeded._index_root.iterdir() if p.is_dir()}
    assert {e.segment.name for e in snapshot.entries} <= folders
    assert len(folders) <= 2 * len(snapshot.entries) + 2  # old segments are removed


def test_an_update_that_failed_is_caught_up_with_only_what_changed(seeded: Archive,
                                                                   tmp_path: Path,
                                                                   monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(indexer_module, "write_segment", full_disk)
    with pytest.raises(OSError):
        seeded.add([write_jsonl(tmp_path / "one.jsonl", [article(1)])])
    monkeypatch.undo()
    assert seeded.stale_reason() == "articles were added or removed since it was built"
    assert seeded.ensure_searchable() == ("the index was brought up to date: articles were "
                                          "added or removed since it was built")
    assert len(seeded._search().snapshot.entries) == 2  # the seed's segment kept, one added
    assert seeded.ask("bridge1 reopened in town1").hits[0].article_id == "art-1"


def test_merging_is_logarithmic_in_passages_indexed_and_in_segments():
    """20,000 one-article additions (4 to 16 passages each) onto a million passages:
    each new passage is indexed a handful of times, and the segments stay few."""
    rng = random.Random(3)
    planned = [indexer_module._Planned("base", None, ["a"], 1_000_000, 1)]
    added = indexed = most = 0
    for n in range(20_000):
        passages = rng.randint(4, 16)
        added += passages
        indexed += passages
        planned.append(indexer_module._Planned(f"s{n}", None, [f"a{n}"], passages, 1))
        while (run := indexer_module._due(planned)) is not None:
            start, end = run
            merged = sum(p.passages for p in planned[start:end])
            indexed += merged
            planned[start:end] = [indexer_module._Planned(
                "merged", None, [i for p in planned[start:end] for i in p.ids], merged,
                end - start)]
        most = max(most, len(planned))
    assert planned[0].passages == 1_000_000  # the big segment is never rewritten
    assert indexed / added < 12
    assert most <= 20


def test_a_store_changed_without_its_change_log_gets_a_full_rebuild(seeded: Archive,
                                                                    tmp_path: Path):
    seeded.add([write_jsonl(tmp_path / "one.jsonl", [article(7)])])
    seeded._db.execute("DELETE FROM changes")  # as an older newsdesk or a backup leaves it
    seeded._db.execute("DELETE FROM articles WHERE id = 'art-7'")
    seeded.add([write_jsonl(tmp_path / "two.jsonl", [article(8)])])
    assert "art-7" not in seeded._search().snapshot.article_ids  # rebuilt without it
    assert len(seeded._search().snapshot.entries) == 1
    assert seeded.ask("bridge8 reopened in town8").hits[0].article_id == "art-8"
    assert seeded.stale_reason() is None
    assert seeded.stats().indexed_passages == seeded._search().snapshot.passages.count


def test_article_terms_are_read_from_their_files_as_saved(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        archive.add([SEEDS])
        archive.add([write_jsonl(tmp_path / "more.jsonl", [article(n) for n in range(1, 6)])])
        for entry in archive._search().snapshot.entries:
            segment = entry.segment
            saved = np.load(segment.folder / "article_term_ids.npy")
            offsets = segment.article_term_offsets
            assert len(segment.article_term_ids) == len(saved) == offsets[-1]
            for a in range(len(segment.article_ids)):
                ids, counts = segment.article_terms(a)
                assert np.array_equal(ids, saved[offsets[a]:offsets[a + 1]])
                assert counts.sum() == segment.articles.doc_len[a]  # every term, counted
    finally:
        archive.close()


def test_a_segment_finds_a_few_article_ids_or_many_alike(tmp_path: Path):
    archive = Archive(IndexSettings(tmp_path / "data"))
    try:
        archive.add([write_jsonl(tmp_path / "some.jsonl", [article(n) for n in range(1, 21)])])
        segment = archive._search().snapshot.entries[0].segment
        few = {"art-3", "art-17", "not-here"}  # (looked for in the list)
        many = {*segment.article_ids[::2], "not-here"}  # (through the dictionary)
        assert sorted(segment.numbers_of(few)) == sorted(
            segment.article_ids.index(i) for i in few - {"not-here"})
        assert "article_number" not in vars(segment)
        assert sorted(segment.numbers_of(many)) == list(range(0, 20, 2))
        assert sorted(segment.numbers_of(few)) == sorted(  # (now the dictionary exists)
            segment.article_number[i] for i in few - {"not-here"})
    finally:
        archive.close()


def test_the_mean_idf_is_over_every_live_term_whatever_order_the_segments_come_in():
    """The epsilon floor's mean IDF, summed by document frequency: to the last bit that
    of every term a live document holds, added one by one, for segments in any order."""
    rng = np.random.default_rng(8)
    vocab = [f"w{i}" for i in range(3000)]
    weights = 1 / np.arange(1, len(vocab) + 1)
    docs = [list(rng.choice(vocab, size=rng.integers(0, 30), p=weights / weights.sum()))
            for _ in range(900)]
    deleted = set(rng.choice(len(docs), 90, replace=False).tolist())
    live = [set(d) for i, d in enumerate(docs) if i not in deleted]
    df = np.asarray(list(Counter(term for terms in live for term in terms).values()))
    idf = np.log(len(live) - df + 0.5) - np.log(df + 0.5)  # (as Bm25 computes it)
    expected = math.fsum(idf.tolist()) / len(df)  # every term's, one by one
    cuts = [0, 400, 850, 900]  # the last part has terms the others lack
    parts = []
    for lo, hi in pairwise(cuts):
        gone = np.asarray([i in deleted for i in range(lo, hi)])
        parts.append(Part(Postings.build(docs[lo:hi]), gone if gone.any() else None))
    means = [Bm25(order, Bm25Params())._df.mean_idf(len(live))
             for order in (parts, parts[::-1], [parts[1], parts[2], parts[0]])]
    assert means == [expected] * 3
