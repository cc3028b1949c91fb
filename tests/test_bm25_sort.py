"""Postings.from_term_numbers orders postings as a stable argsort by term would (the
reference below is the code before the packed-key sort), for any sizes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from newsdesk.index import bm25
from newsdesk.index.bm25 import Postings


def reference(documents: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The postings by `np.unique` and a stable argsort, as they were first built."""
    lengths = np.asarray([len(d) for d in documents], dtype=np.int64)
    term_ids = np.concatenate(documents).astype(np.int64)
    span = int(term_ids.max(initial=0)) + 1
    doc_ids = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
    keys, tf = np.unique(doc_ids * span + term_ids, return_counts=True)
    terms, docs = keys % span, keys // span
    order = np.argsort(terms, kind="stable")
    offsets = np.zeros(int(terms.max(initial=-1)) + 2, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=len(offsets) - 1), out=offsets[1:])
    longest = int(lengths.max(initial=0)) + 1
    distinct, pairs = np.unique(tf[order] * longest + lengths[docs[order]],
                                return_inverse=True)
    small = np.uint16 if len(distinct) <= 1 << 16 else np.int32
    return {"offsets": offsets, "docs": docs[order].astype(np.int32),
            "pairs": pairs.astype(small), "pair_tf": (distinct // longest).astype(np.int32),
            "pair_len": (distinct % longest).astype(np.int32),
            "doc_len": lengths.astype(np.int32)}


@pytest.mark.parametrize("seed", range(6))
def test_postings_are_ordered_by_term_then_document(seed: int, monkeypatch):
    rng = np.random.default_rng(seed)
    if seed == 5:  # several chunks
        monkeypatch.setattr(bm25, "_TOKENS_PER_CHUNK", 500)
    terms = [1, 7, 300, 70_000, 3, 2_000][seed]
    documents = [rng.integers(0, terms, size=rng.integers(0, 60)).astype(np.int32)
                 for _ in range(rng.integers(1, 400))]
    if seed == 4:  # a term many times in one document
        documents.append(np.full(5000, 2, dtype=np.int32))
    got = Postings.from_term_numbers(documents)
    for name, expected in reference(documents).items():
        array = getattr(got, name)
        assert array.dtype == expected.dtype and np.array_equal(array, expected), name


def test_keys_too_wide_to_pack_fall_back_to_a_stable_sort():
    term_ids = np.array([5, 1, 5, 1], dtype=np.int32)
    docs = np.array([0, 1, 2, 3], dtype=np.int32)
    tf = np.array([1, 2, 3, 4], dtype=np.int64)
    for terms, documents in ((6, 4), (1 << 30, 1 << 40)):  # packed, and not
        got_docs, got_tf = bm25.sorted_by(term_ids, docs, tf, terms, documents)
        assert got_docs.tolist() == [1, 3, 0, 2] and got_tf.tolist() == [2, 4, 1, 3]


@pytest.mark.parametrize("threads", [0, 2])
@pytest.mark.parametrize("chunk", [7, 50, 2_000_000])
def test_postings_of_runs_are_those_of_the_runs_as_documents(chunk: int, threads: int,
                                                             monkeypatch):
    """Runs may overlap, be empty, repeat and cross chunks (passages of articles), and
    chunks may be sorted in threads."""
    monkeypatch.setattr(bm25, "_TOKENS_PER_CHUNK", chunk)
    rng = np.random.default_rng(chunk)
    tokens = rng.integers(0, 40, size=300).astype(np.int32)
    starts = rng.integers(0, 300, size=120)
    ends = np.minimum(starts + rng.integers(0, 30, size=120), 300)
    starts[5], ends[5] = 10, 10  # empty
    starts[6], ends[6] = 0, 300  # everything
    if threads:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            got = Postings.from_runs(tokens, starts, ends, pool)
    else:
        got = Postings.from_runs(tokens, starts, ends)
    expected = reference([tokens[s:e] for s, e in zip(starts, ends, strict=True)])
    for name, array in expected.items():
        assert getattr(got, name).dtype == array.dtype, name
        assert np.array_equal(getattr(got, name), array), name
    serial = Postings.from_runs(tokens, starts, ends)
    for name in Postings._COLUMN_ARRAYS:
        assert np.array_equal(getattr(got, name), getattr(serial, name)), name


def test_postings_too_wide_to_pack_are_ordered_the_same():
    """140,000 documents (18 bits) and one of 2,200,000 terms (keys below its length
    squared: 43 bits) with 50 terms (6 bits) do not fit one int64: the postings are
    ordered apart, to the same result."""
    rng = np.random.default_rng(9)
    documents = list(rng.integers(0, 50, size=(140_000, 2)).astype(np.int32))
    documents[7] = rng.integers(0, 50, size=2_200_000).astype(np.int32)
    got = Postings.from_term_numbers(documents)
    for name, expected in reference(documents).items():
        array = getattr(got, name)
        assert array.dtype == expected.dtype and np.array_equal(array, expected), name


def test_postings_that_fill_an_int64_keep_their_last_term():
    """2,001 documents (11 bits), one of 2**20 - 1 terms (keys below its length squared:
    40 bits) and term numbers up to 4,095 (12 bits) fill 63 bits: the last term's
    postings end where the postings do (its end key would not fit an int64)."""
    rng = np.random.default_rng(11)
    documents = list(rng.integers(0, 4096, size=(2000, 2)).astype(np.int32))
    documents.append(rng.integers(0, 4096, size=(1 << 20) - 1).astype(np.int32))
    documents[0][0] = 4095
    got = Postings.from_term_numbers(documents)
    for name, expected in reference(documents).items():
        array = getattr(got, name)
        assert array.dtype == expected.dtype and np.array_equal(array, expected), name
