import json
import random
import zlib
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from newsdesk.index.analyzer import Analyzer
from newsdesk.index.bm25 import (
    Bm25,
    Bm25Params,
    Part,
    Postings,
    Terms,
    summed_at,
    term_key,
    top_k,
)
from newsdesk.index.cleaning import clean_article_text
from newsdesk.index.passages import make_passages
from newsdesk.index.sentences import sentence_spans

from .conftest import NEWSQA, SEEDS, needs_newsqa


def passages_of(texts: list[str], window: int, stride: int) -> list[list[str]]:
    analyzer = Analyzer()
    out = []
    for n, raw in enumerate(texts):
        text = clean_article_text(raw).text
        for p in make_passages(str(n), sentence_spans(text), window, stride):
            out.append(analyzer.terms(text[p.start:p.end]))
    return out


def queries_from(docs: list[list[str]], count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        doc = rng.choice([d for d in docs if len(d) > 4])
        queries.append([*rng.sample(doc, rng.randint(1, 5)), rng.choice(doc)])  # a repeat too
    return [*queries, ["zzz-not-a-term"], []]


def assert_same_as_rank_bm25(docs: list[list[str]], queries: list[list[str]],
                             params: Bm25Params) -> None:
    ours = Bm25.build(docs, params)
    ref = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    for query in queries:
        expected = ref.get_scores(query)
        got = ours.scores(query)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
        top_expected = np.argsort(-expected, kind="stable")[:10]
        top_got = np.argsort(-got, kind="stable")[:10]
        assert top_got.tolist() == top_expected.tolist(), query


@needs_newsqa
@pytest.mark.parametrize("params", [Bm25Params(), Bm25Params(k1=0.9, b=0.4)])
def test_scores_equal_rank_bm25_on_thousands_of_real_passages(params: Bm25Params):
    texts = [json.loads(line)["text"]
             for line in (NEWSQA / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = passages_of(texts, window=2, stride=1)
    assert len(docs) > 2000
    assert_same_as_rank_bm25(docs, queries_from(docs, 200, seed=7), params)


def test_scores_equal_rank_bm25_on_the_seed_article_where_idf_goes_negative():
    docs = passages_of([p.read_text("utf-8") for p in SEEDS.glob("*.txt")], window=3, stride=1)
    ref = BM25Okapi(docs)
    floor = ref.epsilon * ref.average_idf
    assert any(v == floor for v in ref.idf.values())  # the epsilon floor is exercised
    assert_same_as_rank_bm25(docs, queries_from(docs, 50, seed=3), Bm25Params())


def test_scores_equal_rank_bm25_on_a_zipf_corpus():
    rng = np.random.default_rng(11)
    vocab = [f"w{i}" for i in range(3000)]
    weights = 1 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    docs = [list(rng.choice(vocab, size=rng.integers(3, 60), p=weights)) for _ in range(3000)]
    assert_same_as_rank_bm25(docs, queries_from(docs, 100, seed=5), Bm25Params(k1=1.2, b=0.5))


def saved_and_loaded(postings: Postings, folder: Path) -> Postings:
    postings.save(folder, "p")
    postings.terms.save(folder)
    return Postings.load(folder, "p", Terms.load(folder, len(postings.terms)))


def test_saved_terms_are_found_by_their_keys_without_reading_them_all(tmp_path: Path):
    words = [f"term{i}" for i in range(2000)] + ["café", "naïve", "x"]
    Terms(words).save(tmp_path)
    loaded = Terms.load(tmp_path, len(words))
    for number in (0, 1, 999, 2000, 2001, 2002):
        assert loaded.number(words[number]) == number
        assert loaded.word(number) == words[number]
    assert loaded.number("absent") is None and loaded.number("term") is None
    assert loaded.numbers_of(["x", "nope", "term7"]).tolist() == [2002, -1, 7]
    picked = np.asarray([2002, 0, 2000, 5])
    assert loaded.words_of(picked) == [words[n] for n in picked.tolist()]
    assert "numbers" not in vars(loaded) and "words" not in vars(loaded)  # neither made
    asked = [*words[::23], "absent", "", "term2000x", "café"]  # (~90: still by their keys)
    assert loaded.numbers_of(asked).tolist() == Terms(words).numbers_of(asked).tolist()
    assert "numbers" not in vars(loaded)
    assert loaded.words_of(picked) == Terms(words).words_of(picked)
    assert loaded.words == words and len(loaded) == len(words)


def test_each_terms_key_is_read_from_the_saved_keys_or_made_from_its_text(tmp_path: Path):
    words = [f"term{i}" for i in range(300)] + ["café", "naïve", ""]
    Terms(words).save(tmp_path)
    loaded = Terms.load(tmp_path, len(words))
    expected = [term_key(word) for word in words]
    assert loaded.keys_by_number.tolist() == expected
    assert "words" not in vars(loaded)  # (no term decoded)
    assert Terms(words).keys_by_number.tolist() == expected  # a list not saved yet
    (tmp_path / "terms.crc32.npy").unlink()  # a segment written before the keys
    assert Terms.load(tmp_path, len(words)).keys_by_number.tolist() == expected


def test_terms_whose_keys_collide_are_told_apart_by_their_text(tmp_path: Path):
    words = ["bravo", "alpha", *(f"pad{i}" for i in range(200))]
    Terms(words).save(tmp_path)
    keys = [zlib.crc32(word.encode()) << 32 | i for i, word in enumerate(words)]
    keys[0] = zlib.crc32(b"alpha") << 32  # "bravo" keyed as if its CRC were "alpha"'s
    np.save(tmp_path / "terms.crc32.npy", np.array(sorted(keys), dtype=np.uint64))
    loaded = Terms.load(tmp_path, len(words))
    assert loaded.number("alpha") == 1  # the first key of its CRC is "bravo"'s
    assert loaded.number("bravo") is None  # (its own CRC has no key here)
    # Many at once (one search for all), the same.
    assert loaded.numbers_of(["pad3", "alpha", "bravo", "zulu"]).tolist() == [5, 1, -1, -1]


def test_the_dictionary_is_made_once_lookups_would_have_paid_for_it(tmp_path: Path):
    words = [f"w{i}" for i in range(1600)]
    Terms(words).save(tmp_path)
    loaded = Terms.load(tmp_path, len(words))
    for word in words[:99]:
        assert loaded.number(word) == words.index(word)
    assert "numbers" not in vars(loaded)
    assert loaded.numbers_of(words[99:110]).tolist() == list(range(99, 110))
    assert "numbers" in vars(loaded) and loaded.number("w5") == 5


def test_terms_saved_without_keys_are_looked_up_in_the_dictionary(tmp_path: Path):
    Terms(["storm", "school"]).save(tmp_path)
    (tmp_path / "terms.crc32.npy").unlink()  # a segment written before the keys
    loaded = Terms.load(tmp_path, 2)
    assert loaded.number("school") == 1 and loaded.number("bridge") is None
    with pytest.raises(ValueError, match="expected 3 terms"):
        Terms.load(tmp_path, 3)


def test_a_saved_index_loads_with_identical_scores(tmp_path: Path):
    docs = [["storm", "close", "school"], ["school", "reopen"], ["bridge", "storm", "storm"]]
    params = Bm25Params(k1=0.9, b=0.4)
    built = Bm25.build(docs, params)
    loaded = Bm25([Part(saved_and_loaded(Postings.build(docs), tmp_path))], params)
    for query in (["storm"], ["school", "storm"], ["unknown"]):
        assert loaded.scores(query).tolist() == built.scores(query).tolist()
    assert not list(tmp_path.glob("*.pkl"))


def test_an_index_needs_documents():
    with pytest.raises(ValueError):
        Bm25.build([], Bm25Params())


@pytest.mark.parametrize("seed", range(20))
def test_top_k_equals_a_stable_sort_with_ties_negatives_and_hints(seed: int):
    rng = np.random.default_rng(seed)
    scores = rng.choice([0.0, 0.5, 1.0, 1.5, -0.2, 2.0], size=300)  # many ties
    expected = np.argsort(-scores, kind="stable")
    for k in (1, 5, 10, 299, 300, 400):
        assert top_k(scores, k).tolist() == expected[:k].tolist()
        hint = rng.choice(300, size=min(k + 3, 300), replace=False)
        assert top_k(scores, k, hint).tolist() == expected[:k].tolist()
    assert top_k(scores, 0).tolist() == []


def test_hint_documents_come_from_the_rarest_term_with_enough_documents():
    docs = [["a", "b"], ["a"], ["a", "b", "c"], ["a"]]
    index = Bm25.build(docs, Bm25Params())
    assert index.hint_documents(["a", "b", "c"], k=2).tolist() == [0, 2]
    assert index.hint_documents(["c"], k=2).tolist() == []


@pytest.mark.filterwarnings("error")  # numpy's 0/0 is a warning, not an exception
def test_an_archive_of_stop_words_only_builds_and_scores_zero(tmp_path: Path):
    docs = passages_of(["It is what it is.", "Was it?"], window=3, stride=1)
    assert docs == [[], []]
    index = Bm25.build(docs, Bm25Params())
    assert (index.size, index.avgdl, index.knows("what")) == (2, 0, False)
    reloaded = Bm25([Part(saved_and_loaded(Postings.build(docs), tmp_path))], Bm25Params())
    for loaded in (index, reloaded):
        for query in (["what"], ["storm", "storm"], []):
            assert loaded.scores(query).tolist() == [0.0, 0.0]
        assert loaded.hint_documents(["storm"], k=1).tolist() == []
        assert loaded.term_weight("storm") is None


@pytest.mark.filterwarnings("error")
def test_empty_documents_among_others_score_as_in_rank_bm25():
    docs = [["storm", "close", "school"], [], ["storm", "reopen"], ["bridge", "storm", "storm"]]
    ref = BM25Okapi(docs)
    assert ref.idf["storm"] == ref.epsilon * ref.average_idf  # in 3 of 4: the floor
    queries = [["storm"], ["school", "storm", "school"], ["reopen"], ["unknown"], []]
    assert_same_as_rank_bm25(docs, queries, Bm25Params())
    seeds = [p.read_text("utf-8") for p in SEEDS.glob("*.txt")]
    docs = passages_of([*seeds, "It is what it is."], window=3, stride=1)
    assert docs[-1] == []
    assert_same_as_rank_bm25(docs, queries_from(docs, 50, seed=4), Bm25Params())


def test_postings_built_in_chunks_score_as_in_one(monkeypatch):
    """Documents are turned into postings some tokens at a time; a chunk may end exactly
    with the last document, and documents may be empty."""
    import newsdesk.index.bm25 as bm25_module

    docs = [["a", "b"], ["c", "a", "d"], [], ["a"], ["b", "b", "e", "f"], ["g"]]
    monkeypatch.setattr(bm25_module, "_TOKENS_PER_CHUNK", 5)
    assert_same_as_rank_bm25(docs, [["a"], ["b", "e"], ["g", "a"], ["zzz"]], Bm25Params())


def test_summed_at_adds_as_indexed_adds_do_bit_for_bit():
    rng = np.random.default_rng(5)
    for size in (1, 7, 100, 5000):
        for share in (0.0, 0.01, 0.1, 0.3, 1.0):  # of the places: both ways of adding
            places = [np.sort(rng.choice(size, int(size * share * rng.random()),
                                         replace=False)) for _ in range(rng.integers(0, 5))]
            scalars = (float(rng.random()), 3, np.float32(0.1), np.asarray(0.5))
            amounts = [rng.normal(size=len(p)) * 10.0 ** rng.integers(-8, 8)
                       if rng.random() < 0.7 else scalars[rng.integers(4)] for p in places]
            expected = np.zeros(size)
            for where, amount in zip(places, amounts, strict=True):
                expected[where] += amount
            assert np.array_equal(summed_at(size, places, amounts), expected)


def test_columns_of_common_terms_score_and_match_as_their_postings_bit_for_bit(
        tmp_path: Path, monkeypatch):
    """Terms held by many documents are read from columns: scores and matches are the
    same to the last bit as from postings alone, over several segments with deletions,
    saved and loaded, whichever terms have columns."""
    import newsdesk.index.bm25 as bm25_module

    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(400)]
    weights = 1 / np.arange(1, len(vocab) + 1) ** 0.8
    weights /= weights.sum()
    segments = [[list(rng.choice(vocab, size=rng.integers(0, 40), p=weights))
                 for _ in range(size)] for size in (900, 300, 40)]
    deleted = [None, rng.random(300) < 0.2, rng.random(40) < 0.5]
    queries = [*queries_from([d for s in segments for d in s], 60, seed=9), ["w0"] * 3]

    def index(share: int, folder: Path) -> Bm25:
        monkeypatch.setattr(bm25_module, "_COLUMN_SHARE", share)
        parts = []
        for n, (docs, gone) in enumerate(zip(segments, deleted, strict=True)):
            postings = Postings.build(docs)
            parts.append(Part(saved_and_loaded(postings, folder / str(n)), gone))
        return Bm25(parts, Bm25Params())

    plain, columned = index(0, tmp_path / "plain"), index(4, tmp_path / "columns")
    assert all(len(p.postings.column_terms) == 0 for p in plain._parts)
    assert all(len(p.postings.column_terms) > 0 for p in columned._parts)
    assert any(len(p.postings.columns[0]) and p.postings.columns.dtype == np.uint16
               for p in columned._parts)
    for query in queries:
        assert np.array_equal(columned.scores(query), plain.scores(query)), query
        for share in (0.05, 0.5, 1.0):  # few candidates (binary search), many (the map)
            live = np.flatnonzero(plain.live)
            documents = np.sort(rng.choice(live, int(len(live) * share), replace=False))
            expected = plain.matches(query, documents)
            got = columned.matches(query, documents)
            assert got.keys() == expected.keys()
            for term in got:
                assert np.array_equal(got[term][0], expected[term][0])
                assert np.array_equal(got[term][1], expected[term][1])


def test_columns_that_do_not_fit_their_postings_are_refused(tmp_path: Path):
    postings = Postings.build([["storm", "school"], ["storm"], ["bridge", "storm"]])
    assert postings.column_terms.tolist() == [0, 1, 2]  # each is in over 1/4 of them
    saved_and_loaded(postings, tmp_path)
    good = postings.columns
    for name, bad in (("columns", np.zeros((1, 2), dtype=np.uint16)),  # wrong shape
                      ("columns", good.astype(np.int32)),  # signed
                      ("column_terms", np.asarray([1, 0, 2]))):  # out of order
        np.save(tmp_path / f"p.{name}.npy", bad)
        with pytest.raises(ValueError, match="columns do not fit"):
            Postings.load(tmp_path, "p", Terms.load(tmp_path, 3))
        saved_and_loaded(postings, tmp_path)
