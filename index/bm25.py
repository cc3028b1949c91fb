"""BM25Okapi over an inverted index stored as plain arrays.

The scores are rank-bm25's `BM25Okapi` exactly (Robertson IDF with the epsilon floor
for negative IDFs, k1, b, the same length normalisation): for each query term, in
query order, a document containing the term gains

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))

Unlike rank-bm25, which loops over every document in Python for every query term,
only the documents in the term's postings are touched, and nothing is pickled: the
index is a handful of .npy files and a term list, memory-mapped on load.
"""

from __future__ import annotations

import json
import math
from collections import Counter
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
                 post_docs: np.ndarray, post_tfs: np.ndarray, doc_len: np.ndarray,
                 idf: np.ndarray, avgdl: float) -> None:
        self.params = params
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self._terms = terms
        self._offsets = offsets
        self._post_docs = post_docs
        self._post_tfs = post_tfs
        self.doc_len = doc_len
        self.idf = idf
        self.avgdl = avgdl
        k1, b = params.k1, params.b
        # Written as rank-bm25 writes it, so that the floating-point results are equal.
        self._norm = k1 * (1 - b + b * np.asarray(doc_len) / avgdl)

    @property
    def size(self) -> int:
        return len(self.doc_len)

    @classmethod
    def build(cls, documents: Iterable[list[str]], params: Bm25Params) -> Bm25:
        vocabulary: dict[str, int] = {}
        doc_len: list[int] = []
        post_terms: list[int] = []
        post_docs: list[int] = []
        post_tfs: list[int] = []
        for doc, tokens in enumerate(documents):
            doc_len.append(len(tokens))
            for term, tf in Counter(tokens).items():
                post_terms.append(vocabulary.setdefault(term, len(vocabulary)))
                post_docs.append(doc)
                post_tfs.append(tf)
        if not doc_len:
            raise ValueError("cannot build a BM25 index over no documents")

        term_ids = np.asarray(post_terms, dtype=np.int32)
        order = np.argsort(term_ids, kind="stable")  # documents stay ascending per term
        df = np.bincount(term_ids, minlength=len(vocabulary))
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        avgdl = sum(doc_len) / len(doc_len)
        return cls(
            params=params,
            terms=list(vocabulary),
            offsets=offsets,
            post_docs=np.asarray(post_docs, dtype=np.int32)[order],
            post_tfs=np.asarray(post_tfs, dtype=np.int32)[order],
            doc_len=np.asarray(doc_len, dtype=np.int32),
            idf=_okapi_idf(df.tolist(), len(doc_len), params.epsilon),
            avgdl=avgdl,
        )

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query `terms` (repeats count, as in rank-bm25)."""
        scores = np.zeros(self.size)
        k1 = self.params.k1
        for term in terms:
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            docs = self._post_docs[lo:hi]
            tf = self._post_tfs[lo:hi].astype(np.float64)
            scores[docs] += self.idf[tid] * (tf * (k1 + 1) / (tf + self._norm[docs]))
        return scores

    def documents_with(self, term: str) -> np.ndarray:
        """The documents that contain `term` (ascending)."""
        tid = self.vocabulary.get(term)
        if tid is None:
            return np.empty(0, dtype=np.int32)
        return self._post_docs[self._offsets[tid]:self._offsets[tid + 1]]

    def term_weight(self, term: str) -> float | None:
        """How informative `term` is, always positive: Lucene's log(1 + (N - df + .5) / (df + .5)).

        Okapi's IDF (used for scoring) goes negative for terms in over half the
        documents and degenerates on small archives; weighing coverage and answer
        sentences needs a measure that does not.
        """
        tid = self.vocabulary.get(term)
        if tid is None:
            return None
        df = int(self._offsets[tid + 1] - self._offsets[tid])
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    # Persistence -----------------------------------------------------------------

    def save(self, folder: Path, prefix: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in (("offsets", self._offsets), ("post_docs", self._post_docs),
                            ("post_tfs", self._post_tfs), ("doc_len", self.doc_len),
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
                   post_docs=array("post_docs"), post_tfs=array("post_tfs"),
                   doc_len=array("doc_len"), idf=np.asarray(array("idf")), avgdl=meta["avgdl"])


def _okapi_idf(df: list[int], n_docs: int, epsilon: float) -> np.ndarray:
    """rank-bm25's IDF: log(N - df + .5) - log(df + .5), negatives floored to eps * mean."""
    idf = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df]
    floor = epsilon * (sum(idf) / len(idf))
    return np.asarray([floor if v < 0 else v for v in idf], dtype=np.float64)
