"""BM25Okapi over an inverted index stored as plain arrays.

The scores are rank-bm25's `BM25Okapi` exactly (Robertson IDF with the epsilon floor
for negative IDFs, k1, b, the same length normalisation): for each query term, in
query order, a document containing the term gains

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))

Unlike rank-bm25, which loops over every document in Python for every query term,
only the documents in the term's postings are touched. The part of the formula that
does not depend on the query, tf * (k1 + 1) / (tf + k1 * (...)), is computed once per
posting at build time, so a query term costs one multiply-add per posting. Nothing is
pickled: the index is a handful of .npy files and a term list, memory-mapped on load.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Bm25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


class Bm25:
    """An immutable BM25Okapi index over documents given as lists of terms."""

    def __init__(self, params: Bm25Params, terms: list[str], offsets: np.ndarray,
                 post_docs: np.ndarray, post_weights: np.ndarray, doc_len: np.ndarray,
                 idf: np.ndarray, avgdl: float) -> None:
        self.params = params
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self._terms = terms
        self._offsets = offsets
        self._post_docs = post_docs
        self._post_weights = post_weights
        self.doc_len = doc_len
        self.idf = idf
        self.avgdl = avgdl

    @property
    def size(self) -> int:
        return len(self.doc_len)

    @classmethod
    def build(cls, documents: Iterable[list[str]], params: Bm25Params) -> Bm25:
        vocabulary: dict[str, int] = {}
        doc_len: list[int] = []
        chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        tokens: list[str] = []
        first_doc = 0
        for tokens_of_doc in documents:
            doc_len.append(len(tokens_of_doc))
            tokens.extend(tokens_of_doc)
            if len(tokens) >= _TOKENS_PER_CHUNK:
                chunks.append(_postings(tokens, doc_len[first_doc:], first_doc, vocabulary))
                tokens, first_doc = [], len(doc_len)
        if not doc_len:
            raise ValueError("cannot build a BM25 index over no documents")
        chunks.append(_postings(tokens, doc_len[first_doc:], first_doc, vocabulary))

        term_ids = np.concatenate([c[0] for c in chunks])
        order = np.argsort(term_ids, kind="stable")  # documents stay ascending per term
        df = np.bincount(term_ids, minlength=len(vocabulary))
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        docs = np.concatenate([c[1] for c in chunks])[order]
        tf = np.concatenate([c[2] for c in chunks]).astype(np.float64)[order]
        lengths = np.asarray(doc_len, dtype=np.int64)
        avgdl = int(lengths.sum()) / len(doc_len)  # 0 when every document is stop words
        k1, b = params.k1, params.b
        # Written as rank-bm25 writes it, so that the floating-point results are equal;
        # per posting, so that with avgdl 0 (then there are no postings) nothing divides.
        norm = k1 * (1 - b + b * lengths[docs] / avgdl)
        return cls(
            params=params,
            terms=list(vocabulary),
            offsets=offsets,
            post_docs=docs,
            post_weights=tf * (k1 + 1) / (tf + norm),
            doc_len=lengths.astype(np.int32),
            idf=_okapi_idf(df.tolist(), len(doc_len), params.epsilon),
            avgdl=avgdl,
        )

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query `terms` (repeats count, as in rank-bm25)."""
        scores = np.zeros(self.size)
        for term in terms:
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            scores[self._post_docs[lo:hi]] += self.idf[tid] * self._post_weights[lo:hi]
        return scores

    def positions(self, documents: np.ndarray) -> np.ndarray:
        """Where each document of the index stands in `documents` (-1: not there)."""
        at = np.full(self.size, -1, dtype=np.int64)
        at[documents] = np.arange(len(documents))
        return at

    def scores_of(self, terms: list[str], documents: np.ndarray,
                  positions: np.ndarray | None = None) -> np.ndarray:
        """`scores(terms)[documents]`, adding only the postings' weights (`positions`:
        this index's `positions(documents)`, if already made)."""
        scores = np.zeros(len(documents))
        if not len(documents):
            return scores
        at = self.positions(documents) if positions is None else positions
        for term in terms:
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            where = at[self._post_docs[lo:hi]]
            found = where >= 0
            scores[where[found]] += self.idf[tid] * self._post_weights[lo:hi][found]
        return scores

    def hint_documents(self, terms: list[str], k: int, limit: int = 4096) -> np.ndarray:
        """Up to `limit` documents of the query's rarest term found in at least `k`
        documents: a cheap set of likely winners for `top_k`'s `hint`."""
        dfs = [(self.document_frequency(t), t) for t in set(terms)]
        usable = [(df, t) for df, t in dfs if df >= k]
        if not usable:
            return np.empty(0, dtype=np.int32)
        return self.documents_with(min(usable)[1])[:limit]

    def document_frequency(self, term: str) -> int:
        tid = self.vocabulary.get(term)
        return 0 if tid is None else int(self._offsets[tid + 1] - self._offsets[tid])

    def documents_with(self, term: str) -> np.ndarray:
        """The documents that contain `term` (ascending)."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return np.empty(0, dtype=np.int32)
        return self._post_docs[self._offsets[tid]:self._offsets[tid + 1]]

    def term_weight(self, term: str) -> float | None:
        """How informative `term` is (None if no document has it); see `term_weight_for_df`."""
        df = self.document_frequency(term)
        return self.term_weight_for_df(df) if df else None

    def term_weights(self, terms: list[str]) -> np.ndarray:
        """`term_weight` of many terms at once (0 for a term no document has)."""
        tids = np.fromiter((self.vocabulary.get(t, -1) for t in terms), dtype=np.int64,
                           count=len(terms))
        known = tids >= 0
        offsets = np.asarray(self._offsets)
        df = np.zeros(len(terms))
        df[known] = offsets[tids[known] + 1] - offsets[tids[known]]
        weights = np.log1p((self.size - df + 0.5) / (df + 0.5))
        weights[~known] = 0.0
        return weights

    def term_weight_for_df(self, df: int) -> float:
        """Lucene's IDF, log(1 + (N - df + .5) / (df + .5)): always positive.

        Okapi's IDF (used for scoring) goes negative for terms in over half the
        documents and degenerates on small archives; weighing coverage and answer
        sentences needs a measure that does not.
        """
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    # Persistence -----------------------------------------------------------------

    def save(self, folder: Path, prefix: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in (("offsets", self._offsets), ("post_docs", self._post_docs),
                            ("post_weights", self._post_weights), ("doc_len", self.doc_len),
                            ("idf", self.idf)):
            np.save(folder / f"{prefix}.{name}.npy", np.asarray(array))
        (folder / f"{prefix}.terms.txt").write_text("\n".join(self._terms), encoding="utf-8")
        meta = {"params": asdict(self.params), "avgdl": self.avgdl, "documents": self.size,
                "terms": len(self._terms)}
        (folder / f"{prefix}.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, prefix: str) -> Bm25:
        meta = json.loads((folder / f"{prefix}.json").read_text(encoding="utf-8"))
        text = (folder / f"{prefix}.terms.txt").read_text(encoding="utf-8")
        terms = text.split("\n") if text else []
        if len(terms) != meta["terms"]:
            raise ValueError(f"{folder / (prefix + '.terms.txt')}: expected {meta['terms']} "
                             f"terms, found {len(terms)}")

        def array(name: str) -> np.ndarray:
            return np.load(folder / f"{prefix}.{name}.npy", mmap_mode="r", allow_pickle=False)

        return cls(params=Bm25Params(**meta["params"]), terms=terms, offsets=array("offsets"),
                   post_docs=array("post_docs"), post_weights=array("post_weights"),
                   doc_len=array("doc_len"), idf=np.asarray(array("idf")), avgdl=meta["avgdl"])


def top_k(scores: np.ndarray, k: int, hint: np.ndarray | None = None) -> np.ndarray:
    """Indexes of the `k` highest scores, best first; equal scores in index order.

    The same order as a stable sort of all scores, without sorting them all. The k-th
    best score among the `hint` documents (any documents; those holding the query's
    rarest terms are good) is a lower bound for the k-th best overall, so only scores
    at or above it are candidates; without a hint, every positive score is. A partial
    partition of the candidates then finds the exact k-th score.
    """
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    bound = 0.0
    if hint is not None and len(hint) >= k:
        bound = max(bound, -np.partition(-scores[hint], k - 1)[k - 1])
    candidates = np.flatnonzero(scores >= bound) if bound > 0 else np.flatnonzero(scores > 0)
    if len(candidates) < k:  # fewer than k positive scores: zeros and below count too
        return np.argsort(-scores, kind="stable")[:k]
    values = scores[candidates]
    if len(candidates) > k:
        kth = -np.partition(-values, k - 1)[k - 1]
        keep = values >= kth
        candidates, values = candidates[keep], values[keep]
    return candidates[np.lexsort((candidates, -values))][:k]


# Tokens turned into postings at a time: bounds the memory of a build (about 40 bytes a
# token) without giving up numpy's speed.
_TOKENS_PER_CHUNK = 2_000_000


def _postings(tokens: list[str], lengths: list[int], first_doc: int,
              vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term id, document, term frequency) of every distinct term of each document whose
    tokens are concatenated in `tokens`, sorted by document then term; new terms are
    added to `vocabulary` in order of first appearance."""
    for term in dict.fromkeys(tokens):
        if term not in vocabulary:
            vocabulary[term] = len(vocabulary)
    term_ids = np.fromiter(map(vocabulary.__getitem__, tokens), dtype=np.int64,
                           count=len(tokens))
    doc_ids = np.repeat(np.arange(first_doc, first_doc + len(lengths), dtype=np.int64),
                        lengths)
    keys, tf = np.unique(doc_ids * len(vocabulary) + term_ids, return_counts=True)
    return ((keys % len(vocabulary)).astype(np.int32),
            (keys // len(vocabulary)).astype(np.int32), tf.astype(np.int32))


def _okapi_idf(df: list[int], n_docs: int, epsilon: float) -> np.ndarray:
    """rank-bm25's IDF: log(N - df + .5) - log(df + .5), negatives floored to eps * mean.

    Documents of stop words only leave no terms at all; rank-bm25 then divides by zero
    for the mean, here the IDF is simply empty."""
    idf = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df]
    if not idf:
        return np.empty(0, dtype=np.float64)
    floor = epsilon * (sum(idf) / len(idf))
    return np.asarray([floor if v < 0 else v for v in idf], dtype=np.float64)
