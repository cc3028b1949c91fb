"""BM25Okapi over inverted indexes stored as plain arrays, one per segment.

The scores are rank-bm25's `BM25Okapi` (Robertson IDF with the epsilon floor for
negative IDFs, k1, b, the same length normalisation), up to floating-point rounding:
for each query term, in query order, a document containing the term gains

    idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avgdl))

An archive's index is a list of immutable segments (`Postings`), each possibly with
some documents deleted. `Bm25` is the BM25Okapi of the live documents of all of them:
N, avgdl, every term's document frequency and the epsilon floor (a share of the mean
IDF over every term) are the whole archive's, so adding a segment or deleting a
document scores as a build from scratch would.

avgdl moves with every addition, so a posting cannot hold its weight. It holds the
number of its (term frequency, document length) pair instead: a segment has a few
thousand distinct pairs, whose weights are computed once per index version, so a
query term costs one look-up in that small table and one multiply-add per posting.
Unlike rank-bm25, which loops over every document in Python for every query term, only
the documents in the term's postings are touched (or, for a word held by over a quarter
of a segment's documents, its column: every document's pair number, read at the
candidates or added whole). Nothing is pickled: a segment is a handful of .npy files and
a term list, memory-mapped on load.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from .npy_map import map_array

Result = TypeVar("Result")

# A segment's dictionary of terms costs about as much to make as finding this share of
# its terms by their keys (see `Terms`).
_LOOKUPS_PER_DICTIONARY = 16
# Terms found by their keys that a segment keeps (the words of some thousand questions).
_FOUND_KEPT = 10_000
_UNKNOWN = -1  # (not a term's number: not looked up yet)


@dataclass(frozen=True)
class Bm25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25


def term_key(term: str) -> int:
    """A term's key, the CRC-32 of its UTF-8: the same in every segment and layout.
    (A saved segment files its terms' look-up keys so: `Terms.save`.)"""
    return zlib.crc32(term.encode("utf-8"))


class Terms:
    """A segment's terms in order, and each one's number: one copy for the postings of
    its passages and of its articles, which share them.

    A process that looks up many terms (an index build, the bot over time) makes the
    `numbers` dictionary once. One that looks up a few (`newsdesk ask`, `add`) need not
    decode and split the list: a saved segment keeps beside it the terms' CRC-32s,
    sorted, each with its term's number (`_crc_keys`), and a term is found by binary
    search and checked against its line of the list's bytes. At 300,000 passages that
    spares a process splitting the list, 0.02 s, and making the dictionary, 0.04 s. Once
    the look-ups made so would have paid for the dictionary, it is made.
    """

    def __init__(self, words: list[str] | None, numbers: dict[str, int] | None = None, *,
                 text: bytes = b"", crc_keys: np.ndarray | None = None) -> None:
        """`words`, or (None) the terms of `text`, one a line: a saved list, whose
        `crc_keys` find a term without reading them all."""
        self._text = text
        self._crc_keys = crc_keys
        self._looked_up = 0  # terms found by their keys so far
        self._found: dict[str, int | None] = {}  # term -> number (None: not here)
        if words is not None:
            self.__dict__["words"] = words
            self._count = len(words)
        else:
            self._count = text.count(b"\n") + 1 if text else 0
        if numbers is not None:
            self.__dict__["numbers"] = numbers

    @cached_property
    def words(self) -> list[str]:
        return self._text.decode("utf-8").split("\n") if self._count else []

    @cached_property
    def numbers(self) -> dict[str, int]:
        return dict(zip(self.words, range(self._count), strict=True))

    @cached_property
    def keys_by_number(self) -> np.ndarray:
        """Each term's `term_key`, by its number (uint32): read from the saved look-up
        keys when the segment has them (one pass, no term decoded)."""
        if self._crc_keys is None:
            return np.fromiter(map(term_key, self.words), dtype=np.uint32, count=self._count)
        keys = np.empty(self._count, dtype=np.uint32)
        numbers = (self._crc_keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
        keys[numbers] = (self._crc_keys >> np.uint64(32)).astype(np.uint32)
        return keys

    @cached_property
    def _line_starts(self) -> np.ndarray:
        """Where each term's line starts in `_text`, and one past the end."""
        breaks = np.flatnonzero(np.frombuffer(self._text, dtype=np.uint8) == ord("\n"))
        return np.concatenate(([0], breaks + 1, [len(self._text) + 1]))

    def __len__(self) -> int:
        return self._count

    def _by_keys(self, more: int) -> bool:
        """Whether to find `more` terms by their keys, not in the dictionary."""
        if self._crc_keys is None or "numbers" in self.__dict__:
            return False
        return (self._looked_up + more) * _LOOKUPS_PER_DICTIONARY < self._count

    def number(self, term: str) -> int | None:
        """The term's number, None if it is not one of these."""
        if not self._by_keys(1):
            return self.numbers.get(term)
        return self._found_by_key(term)

    def _found_by_key(self, term: str) -> int | None:
        """The term's number found by its key. Terms found are kept, up to _FOUND_KEPT
        and then afresh (a question looks each of its terms up several times)."""
        found = self._found  # (read once: another thread may start a new one)
        number = found.get(term, _UNKNOWN)
        if number is _UNKNOWN:
            if len(found) >= _FOUND_KEPT:
                found = self._found = {}
            found[term] = number = self._search_keys(term)
        return number

    def _search_keys(self, term: str) -> int | None:
        assert self._crc_keys is not None
        self._looked_up += 1
        data = term.encode("utf-8")
        crc = zlib.crc32(data)
        keys = self._crc_keys
        at = int(np.searchsorted(keys, np.uint64(crc << 32)))
        while at < len(keys) and int(keys[at]) >> 32 == crc:
            number = int(keys[at]) & 0xFFFFFFFF
            if self.word_bytes(number) == data:
                return number
            at += 1
        return None

    def numbers_of(self, terms: list[str]) -> np.ndarray:
        """`number` of each of `terms` as an array, -1 for those not here."""
        if self._by_keys(len(terms)):
            return self._numbers_by_keys(terms)
        return np.fromiter(map(self.numbers.get, terms, repeat(-1)), dtype=np.int64,
                           count=len(terms))

    def _numbers_by_keys(self, terms: list[str]) -> np.ndarray:
        """`numbers_of` found by the terms' keys: one binary search for them all, each
        term checked against the line its key points to (a term whose key is shared
        with another term, a CRC-32 collision, is looked up alone)."""
        assert self._crc_keys is not None
        self._looked_up += len(set(terms))
        numbers = np.full(len(terms), -1, dtype=np.int64)
        keys = self._crc_keys
        data = [term.encode("utf-8") for term in terms]
        crcs = np.fromiter(map(zlib.crc32, data), dtype=np.uint64, count=len(data))
        at = np.minimum(np.searchsorted(keys, crcs << np.uint64(32)), len(keys) - 1)
        found = np.take(keys, at)
        held = np.flatnonzero((found >> np.uint64(32)) == crcs)  # (others are not here)
        candidates = (np.take(found, held) & np.uint64(0xFFFFFFFF)).astype(np.int64)
        starts, text = self._line_starts, self._text
        for i, number, start, end in zip(held.tolist(), candidates.tolist(),
                                         np.take(starts, candidates).tolist(),
                                         np.take(starts, candidates + 1).tolist(), strict=True):
            if text[start:end - 1] == data[i]:
                numbers[i] = number
            elif (other := self._search_keys(terms[i])) is not None:  # a collision
                numbers[i] = other
        return numbers

    def word(self, number: int) -> str:
        """Term number `number`."""
        if "words" in self.__dict__:
            return self.words[number]
        return self.word_bytes(number).decode("utf-8")

    def words_of(self, numbers: np.ndarray) -> list[str]:
        """`word` of each of `numbers`."""
        if "words" in self.__dict__:
            return [self.words[n] for n in numbers.tolist()]
        starts = self._line_starts
        text = self._text
        return [text[start:end - 1].decode("utf-8") for start, end in
                zip(starts[numbers].tolist(), starts[numbers + 1].tolist(), strict=True)]

    def word_bytes(self, number: int) -> bytes:
        starts = self._line_starts
        return self._text[int(starts[number]):int(starts[number + 1]) - 1]

    def save(self, folder: Path) -> None:
        """Write the term list (terms.txt) and its look-up keys (terms.crc32.npy)."""
        encoded = [word.encode("utf-8") for word in self.words]
        (folder / "terms.txt").write_bytes(b"\n".join(encoded))
        crcs = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint64, count=len(encoded))
        np.save(folder / "terms.crc32.npy",
                np.sort((crcs << np.uint64(32)) | np.arange(len(encoded), dtype=np.uint64)))

    @classmethod
    def load(cls, folder: Path, count: int) -> Terms:
        """A segment's terms, split into words only when they are all needed; looked up
        by their keys when the segment has them (one written before them is looked up
        in the dictionary)."""
        path, keys_path = folder / "terms.txt", folder / "terms.crc32.npy"
        keys = map_array(keys_path) if keys_path.is_file() else None
        terms = cls(None, text=path.read_bytes(), crc_keys=keys)
        if len(terms) != count:
            raise ValueError(f"{path}: expected {count} terms, found {len(terms)}")
        if keys is not None and len(keys) != count:
            raise ValueError(f"{keys_path}: {len(keys)} keys for {count} terms")
        return terms


class TermPostings(NamedTuple):
    """A term's postings in one segment."""

    docs: np.ndarray  # the documents holding it, ascending
    pairs: np.ndarray  # per document, the number of its (tf, length) pair
    # For a term held by many of the segment's documents, its column: every document's
    # pair number, `len(pair_tf)` for those without it (None for other terms).
    column: np.ndarray | None


class Postings:
    """One segment's inverted index: for each term the documents holding it (ascending)
    and, per posting, the number of its (term frequency, document length) pair; and each
    document's length in terms.

    The terms held by over 1 / _COLUMN_SHARE of the documents also have a column (see
    `TermPostings`): a question of such common words ("said") finds their weight in
    its candidates by indexing the columns, where finding candidates in postings of
    most documents costs a pass over those postings or a binary search per candidate.
    """

    def __init__(self, terms: Terms, offsets: np.ndarray, docs: np.ndarray,
                 pairs: np.ndarray, pair_tf: np.ndarray, pair_len: np.ndarray,
                 doc_len: np.ndarray, column_terms: np.ndarray | None = None,
                 columns: np.ndarray | None = None) -> None:
        self.terms = terms
        self.offsets = offsets
        self.docs = docs
        self.pairs = pairs
        self.pair_tf = pair_tf
        self.pair_len = pair_len
        self.doc_len = doc_len
        # (ascending term numbers, and a row of `columns` each)
        self.column_terms = (np.empty(0, dtype=np.int64) if column_terms is None
                             else column_terms)
        self.columns = (np.empty((0, len(doc_len)), dtype=np.uint16) if columns is None
                        else columns)

    @property
    def size(self) -> int:
        return len(self.doc_len)

    @cached_property
    def df(self) -> np.ndarray:
        return np.diff(np.asarray(self.offsets))

    def postings(self, term: str) -> TermPostings | None:
        """The postings of `term`, None when no document has it."""
        tid = self.terms.number(term)
        if tid is None:
            return None
        lo, hi = self.offsets[tid], self.offsets[tid + 1]
        if lo == hi:
            return None
        return TermPostings(self.docs[lo:hi], self.pairs[lo:hi], self._column_of(tid))

    def _column_of(self, tid: int) -> np.ndarray | None:
        row = self._column_rows.get(tid)
        return None if row is None else self.columns[row]

    @cached_property
    def _column_rows(self) -> dict[int, int]:
        """Each column term's row in `columns` (a few dozen terms)."""
        return {term: row for row, term in enumerate(self.column_terms.tolist())}

    def deleted_df(self, deleted: np.ndarray) -> np.ndarray:
        """Per term, how many of the `deleted` documents (a mask) hold it."""
        hits = np.asarray(deleted)[np.asarray(self.docs)].astype(np.int64)
        counts = np.concatenate(([0], np.cumsum(hits)))
        return counts[self.offsets[1:]] - counts[self.offsets[:-1]]

    @classmethod
    def build(cls, documents: Iterable[list[str]]) -> Postings:
        """The postings of `documents` (lists of terms), their terms numbered in order of
        first appearance."""
        numbers: dict[str, int] = {}
        ids = (np.fromiter([numbers.setdefault(t, len(numbers)) for t in document],
                           dtype=np.int64, count=len(document)) for document in documents)
        postings = cls.from_term_numbers(ids)
        return postings.over(Terms(list(numbers), numbers))

    @classmethod
    def from_term_numbers(cls, documents: Iterable[np.ndarray]) -> Postings:
        """The postings of `documents` given as arrays of term numbers; their terms are
        named with `over`. (They are held, and joined, at once: for tests and
        benchmarks; the index builds from runs of its articles' numbers.)"""
        documents = list(documents)
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        ends = np.cumsum(lengths)
        tokens = np.concatenate(documents) if documents else np.empty(0, dtype=np.int32)
        return cls.from_runs(tokens, ends - lengths, ends)

    @classmethod
    def from_runs(cls, tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                  threads: Executor | None = None) -> Postings:
        """The postings of documents that are runs of `tokens` (term numbers): document
        i is `tokens[starts[i]:ends[i]]` (runs may overlap, as passages do). No document
        is made as an array of its own: a chunk's runs are gathered at once, and each
        posting gets its (tf, document length) key then, while its documents are in
        order, rather than by a look-up of every posting's document afterwards. With
        `threads`, chunks are sorted there, a few at once, while this thread gathers
        the next."""
        starts = np.asarray(starts, dtype=np.int64)
        lengths = np.asarray(ends, dtype=np.int64) - starts
        if not len(lengths):
            raise ValueError("cannot build a BM25 index over no documents")
        span = int(lengths.max()) + 1
        # A posting is packed in an int64 (term, document, tf * span + length: below
        # span ** 2) when the three fit, and the postings sorted at once; else they are
        # kept apart and ordered by `sorted_by`.
        doc_bits = max(len(lengths) - 1, 1).bit_length()
        key_bits = (span * span - 1).bit_length()
        packed = (max(int(tokens.max(initial=0)), 1).bit_length() + doc_bits + key_bits
                  <= 63)

        def postings_of(term_ids: np.ndarray, chunk: np.ndarray, first_doc: int) -> Any:
            postings = _postings(term_ids, chunk, first_doc, span)
            return _packed(*postings, doc_bits, key_bits) if packed else postings

        found = list(_in_order(threads, postings_of, _run_chunks(tokens, starts, lengths)))
        if packed:
            joined = np.concatenate(found)
            found.clear()  # (the chunks' copies go before the sort's work)
            offsets, docs, keys = _unpacked(joined, doc_bits, key_bits)
        else:
            term_ids = np.concatenate([c[0] for c in found])
            count = int(term_ids.max(initial=-1)) + 1
            offsets = np.zeros(count + 1, dtype=np.int64)
            np.cumsum(np.bincount(term_ids, minlength=count), out=offsets[1:])
            # (documents ascend within each term: `_postings` orders them by document)
            docs, keys = sorted_by(term_ids, np.concatenate([c[1] for c in found]),
                                   np.concatenate([c[2] for c in found]), count,
                                   len(lengths))
        del found
        pairs, pair_tf, pair_len = _pairs(keys, span)
        column_terms, columns = _columns(offsets, docs, pairs, len(lengths), len(pair_tf))
        return cls(terms=Terms([]), offsets=offsets, docs=docs, pairs=pairs,
                   pair_tf=pair_tf, pair_len=pair_len, doc_len=lengths.astype(np.int32),
                   column_terms=column_terms, columns=columns)

    def over(self, terms: Terms) -> Postings:
        """These postings with their terms named by `terms`, which may name more (those
        hold no document here)."""
        extra = len(terms) - (len(self.offsets) - 1)
        if extra < 0:
            raise ValueError(f"{len(terms)} terms for postings of {len(self.offsets) - 1}")
        offsets = np.concatenate((self.offsets, np.full(extra, self.offsets[-1])))
        return Postings(terms, offsets, self.docs, self.pairs, self.pair_tf, self.pair_len,
                        self.doc_len, self.column_terms, self.columns)

    _ARRAYS = ("offsets", "docs", "pairs", "pair_tf", "pair_len", "doc_len")
    _COLUMN_ARRAYS = ("column_terms", "columns")  # saved only when there are columns

    def save(self, folder: Path, prefix: str) -> None:
        """Write the arrays (the terms are saved apart: `Terms.save`)."""
        folder.mkdir(parents=True, exist_ok=True)
        names = self._ARRAYS + (self._COLUMN_ARRAYS if len(self.column_terms) else ())
        for name in names:
            np.save(folder / f"{prefix}.{name}.npy", np.asarray(getattr(self, name)))

    @classmethod
    def load(cls, folder: Path, prefix: str, terms: Terms) -> Postings:
        names = cls._ARRAYS
        if (folder / f"{prefix}.column_terms.npy").is_file():  # (older segments have none)
            names += cls._COLUMN_ARRAYS
        # (Plain arrays over the maps: numpy's memmap subclass makes every slice cost more.)
        loaded = cls(terms, **{name: map_array(folder / f"{prefix}.{name}.npy")
                               for name in names})
        if len(loaded.offsets) != len(terms) + 1:
            raise ValueError(f"{folder / prefix}: the postings do not fit the terms")
        if not loaded._columns_fit():
            raise ValueError(f"{folder / prefix}: the columns do not fit the postings")
        return loaded

    def _columns_fit(self) -> bool:
        """Whether the columns are a row of pair numbers (unsigned) for each of some of
        the terms, in ascending order. (Their values are not read: a load reads no
        array whole.)"""
        held, columns = self.column_terms, self.columns
        if columns.shape != (len(held), self.size) or columns.dtype.kind != "u":
            return False
        return not len(held) or (held[0] >= 0 and held[-1] < len(self.offsets) - 1
                                 and bool(np.all(np.diff(held) > 0)))


@dataclass(frozen=True)
class Part:
    """A segment's postings in an index, with the mask of its deleted documents."""

    postings: Postings
    deleted: np.ndarray | None = None  # True for a deleted document; None: none is

    @cached_property
    def live_df(self) -> np.ndarray:
        df = self.postings.df
        return df if self.deleted is None else df - self.postings.deleted_df(self.deleted)


class Bm25:
    """Exact BM25Okapi over the live documents of some segments, numbered one after
    the other: document `i` of the second part is `len(first) + i`."""

    def __init__(self, parts: Sequence[Part], params: Bm25Params) -> None:
        self.params = params
        self._parts = list(parts)
        self._bases = np.cumsum([0] + [p.postings.size for p in self._parts]).tolist()
        self.size = self._bases[-1]  # documents numbered, deleted ones too
        lengths = [np.asarray(p.postings.doc_len, dtype=np.int64) for p in self._parts]
        live_len = [ln if p.deleted is None else ln[~p.deleted]
                    for ln, p in zip(lengths, self._parts, strict=True)]
        self.count = sum(len(ln) for ln in live_len)  # live documents: BM25's N
        self.avgdl = int(sum(int(ln.sum()) for ln in live_len)) / self.count if (
            self.count) else 0.0
        self._df = _DocumentFrequencies([(p.postings, p.live_df) for p in self._parts])
        self._floor = params.epsilon * self._df.mean_idf(self.count)
        self._idf: dict[str, float] = {}
        self._local = threading.local()

    @classmethod
    def build(cls, documents: Iterable[list[str]], params: Bm25Params) -> Bm25:
        """A one-segment index of `documents`."""
        return cls([Part(Postings.build(documents))], params)

    @cached_property
    def live(self) -> np.ndarray | None:
        """Which documents are not deleted (None when all are live)."""
        if all(p.deleted is None for p in self._parts):
            return None
        return np.concatenate([np.ones(p.postings.size, dtype=bool) if p.deleted is None
                               else ~p.deleted for p in self._parts])

    @cached_property
    def _pair_weights(self) -> list[np.ndarray]:
        """Per part, the weight of each (tf, length) pair, written as rank-bm25 writes
        it so that the floating-point results are equal; then a 0, the weight of the
        mark for "not held" in columns."""
        k1, b = self.params.k1, self.params.b
        avgdl = self.avgdl or 1.0  # 0 only when no document has a term: nothing is scored
        weights = []
        for part in self._parts:
            tf = part.postings.pair_tf.astype(np.float64)
            weights.append(np.append(tf * (k1 + 1) / (tf + k1 * (1 - b + b * part.postings
                                                                 .pair_len / avgdl)), 0.0))
        return weights

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query `terms` (repeats count, as in
        rank-bm25); deleted documents score 0.

        The terms are added in query order, as rank-bm25 adds them, so each sum is the
        same to the last bit: postings up to the first column in one `summed_at`, then
        each term's column or postings in turn.
        """
        places: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        scores: np.ndarray | None = None
        for term in terms:
            idf = self.idf(term)
            if idf is None:
                continue
            for part, base, table in zip(self._parts, self._bases, self._pair_weights,
                                         strict=False):
                found = part.postings.postings(term)
                if found is None:
                    continue
                if found.column is not None:
                    if scores is None:
                        scores = summed_at(self.size, places, weights)
                    scores[base:base + len(found.column)] += _weights(idf, table, found.column)
                    continue
                docs = found.docs + base if base else found.docs
                amounts = _weights(idf, table, found.pairs)
                if scores is None:
                    places.append(docs)
                    weights.append(amounts)
                else:
                    np.add.at(scores, docs, amounts)  # (in order, as an indexed add)
        if scores is None:
            scores = summed_at(self.size, places, weights)
        if self.live is not None:
            scores[~self.live] = 0.0
        return scores

    def matches(self, terms: Iterable[str], documents: np.ndarray
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each of `terms`, which of `documents` (ascending, live) hold it, as places
        in `documents`, and the term's BM25 weight in each: `scores(terms)` on those
        documents alone, without an array over the whole index.

        Per segment, a term with a column is read from it at the documents; one whose
        postings are many times more than the documents is looked up by binary search;
        otherwise its postings are placed through a map from document to place (one per
        thread, reset after use).
        """
        found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        spans = np.searchsorted(documents, self._bases).tolist()
        at: np.ndarray | None = None
        try:
            for term in dict.fromkeys(terms):
                idf = self.idf(term)
                places: list[np.ndarray] = []
                weights: list[np.ndarray] = []
                for n, part in enumerate(self._parts):
                    lo, hi = spans[n], spans[n + 1]
                    hit = part.postings.postings(term) if hi > lo else None
                    if hit is None or idf is None:
                        continue
                    docs, pairs, column = hit
                    if column is not None:
                        held = np.take(column, documents[lo:hi] - self._bases[n])
                        holds = np.flatnonzero(held != len(self._pair_weights[n]) - 1)
                        places.append(lo + holds)
                        weights.append(_weights(idf, self._pair_weights[n],
                                                np.take(held, holds)))
                    elif (hi - lo) * _SEARCH_COST < len(docs):
                        wanted = documents[lo:hi] - self._bases[n]
                        index = np.minimum(np.searchsorted(docs, wanted), len(docs) - 1)
                        holds = np.flatnonzero(np.take(docs, index) == wanted)
                        places.append(lo + holds)
                        weights.append(_weights(idf, self._pair_weights[n],
                                                np.take(pairs, np.take(index, holds))))
                    else:
                        if at is None:
                            at = self._place_map()
                            at[documents] = np.arange(len(documents), dtype=np.int32)
                        where = np.take(at[self._bases[n]:], docs)
                        holds = np.flatnonzero(where >= 0)
                        places.append(np.take(where, holds))
                        weights.append(_weights(idf, self._pair_weights[n],
                                                np.take(pairs, holds)))
                if places:
                    found[term] = (np.concatenate(places), np.concatenate(weights))
                else:
                    found[term] = (np.empty(0, dtype=np.int64), np.empty(0))
        finally:
            if at is not None:
                at[documents] = -1
        return found

    def _place_map(self) -> np.ndarray:
        """This thread's map from document to place (-1 everywhere when unused)."""
        at = getattr(self._local, "at", None)
        if at is None:
            at = self._local.at = np.full(self.size, -1, dtype=np.int32)
        return at

    def idf(self, term: str) -> float | None:
        """The term's Okapi IDF (floored), None if no live document holds it."""
        idf = self._idf.get(term)
        if idf is None:
            df = self._df.of(term)
            if not df:
                return None
            idf = math.log(self.count - df + 0.5) - math.log(df + 0.5)
            self._idf[term] = idf = self._floor if idf < 0 else idf
        return idf

    def knows(self, term: str) -> bool:
        return self._df.of(term) > 0

    def hint_documents(self, terms: list[str], k: int, limit: int = 4096) -> np.ndarray:
        """Up to `limit` documents of the query's rarest term found in at least `k`
        documents: a cheap set of likely winners for `top_k`'s `hint`."""
        dfs = [(self.document_frequency(t), t) for t in set(terms)]
        usable = [(df, t) for df, t in dfs if df >= k]
        if not usable:
            return np.empty(0, dtype=np.int64)
        return self.documents_with(min(usable)[1])[:limit]

    def document_frequency(self, term: str) -> int:
        return self._df.of(term)

    def documents_with(self, term: str) -> np.ndarray:
        """The live documents that hold `term` (ascending)."""
        found = []
        for part, base in zip(self._parts, self._bases, strict=False):
            hit = part.postings.postings(term)
            if hit is None:
                continue
            docs = hit.docs if part.deleted is None else hit.docs[~part.deleted[hit.docs]]
            found.append(docs + base if base else docs)
        if not found:
            return np.empty(0, dtype=np.int64)
        return found[0] if len(found) == 1 else np.concatenate(found)

    def term_weight(self, term: str) -> float | None:
        """How informative `term` is (None if no document has it); see `term_weight_for_df`."""
        df = self.document_frequency(term)
        return self.term_weight_for_df(df) if df else None

    def term_weights(self, terms: list[str]) -> np.ndarray:
        """`term_weight` of many terms at once (0 for a term no document has)."""
        return self._lucene_idf(self._df.of_many(terms))

    def _lucene_idf(self, df: np.ndarray) -> np.ndarray:
        """`term_weight_for_df` of many frequencies (0 for 0)."""
        df = df.astype(np.float64)
        weights = np.log1p((self.count - df + 0.5) / (df + 0.5))
        weights[df == 0] = 0.0
        return weights

    def part_term_weights(self, part: int, terms: np.ndarray) -> np.ndarray:
        """`term_weights` of terms numbered as in the postings of part `part`."""
        return self._lucene_idf(self._df.of_part(part, terms))

    def term_weight_for_df(self, df: int) -> float:
        """Lucene's IDF, log(1 + (N - df + .5) / (df + .5)): always positive.

        Okapi's IDF (used for scoring) goes negative for terms in over half the
        documents and degenerates on small archives; weighing coverage and answer
        sentences needs a measure that does not.
        """
        return math.log(1 + (self.count - df + 0.5) / (df + 0.5))


class _DocumentFrequencies:
    """Every term's live document frequency over all parts.

    The part with the most terms keeps its own numbering (a copy of its frequencies);
    the terms of the others are looked up in it, and those it lacks are counted apart.
    Building this costs one look-up per term of the smaller parts, which merging keeps
    few.
    """

    def __init__(self, parts: list[tuple[Postings, np.ndarray]]) -> None:
        self._parts = [postings for postings, _ in parts]
        if not parts:
            self._terms = Terms([])
            self._df = np.zeros(0, dtype=np.int64)
            self._extra: dict[str, int] = {}
            return
        self._main = main = max(range(len(parts)), key=lambda i: len(parts[i][0].terms))
        postings, live_df = parts[main]
        self._terms = postings.terms
        self._df = np.array(live_df, dtype=np.int64)
        self._extra = {}
        for i, (other, other_df) in enumerate(parts):
            if i == main:
                continue
            words = other.terms.words
            tids = self._terms.numbers_of(words).tolist()
            for term, tid, df in zip(words, tids, np.asarray(other_df).tolist(), strict=True):
                if tid >= 0:
                    self._df[tid] += df
                elif df:
                    self._extra[term] = self._extra.get(term, 0) + df

    def of(self, term: str) -> int:
        tid = self._terms.number(term)
        return int(self._df[tid]) if tid is not None else self._extra.get(term, 0)

    def of_many(self, terms: list[str]) -> np.ndarray:
        """`of` each of `terms`, as an array."""
        tids = self._terms.numbers_of(terms)
        found = tids >= 0
        df = np.zeros(len(terms), dtype=np.int64)
        df[found] = self._df[tids[found]]
        if self._extra and not found.all():
            for at in np.flatnonzero(~found).tolist():
                df[at] = self._extra.get(terms[at], 0)
        return df

    def of_part(self, part: int, terms: np.ndarray) -> np.ndarray:
        """`of_many` of terms numbered as in part `part`'s postings."""
        if part == self._main:  # numbered as here
            return self._df[terms]
        return self.of_many(self._parts[part].terms.words_of(terms))

    def mean_idf(self, n_docs: int) -> float:
        """The mean Okapi IDF over every term a live document holds (0 when none does):
        the epsilon floor is a share of it.

        Terms are counted by document frequency (most share theirs with thousands of
        others), and each frequency's IDF times its count added exactly: the sum of
        every term's IDF, whatever order segments list the terms in, over a few
        thousand frequencies rather than every term (at 1M passages, 63 -> 4 ms a
        load)."""
        counts = np.bincount(self._df)
        if self._extra:
            extra = np.bincount(np.fromiter(self._extra.values(), dtype=np.int64))
            counts = _padded(counts, len(extra))
            counts[:len(extra)] += extra
        counts[:1] = 0  # (terms no live document holds)
        frequencies = np.flatnonzero(counts)
        if not len(frequencies):
            return 0.0
        idf = np.log(n_docs - frequencies + 0.5) - np.log(frequencies + 0.5)
        how_many = counts[frequencies]
        # Each IDF split in two halves of 26 bits (Veltkamp): times a count below 2**27,
        # each half's product is exact, so fsum gives the sum of every term's IDF
        # exactly rounded, as adding them one by one with fsum did.
        assert int(how_many.max()) < 1 << 27
        scaled = idf * (2.0 ** 27 + 1)
        high = scaled - (scaled - idf)
        exact = np.concatenate((high * how_many, (idf - high) * how_many))
        return math.fsum(exact.tolist()) / int(how_many.sum())


def _padded(counts: np.ndarray, size: int) -> np.ndarray:
    """`counts` with zeros after it up to `size` (as it is when as long already)."""
    return counts if len(counts) >= size else np.concatenate(
        (counts, np.zeros(size - len(counts), dtype=counts.dtype)))


def summed_at(size: int, places: Sequence[np.ndarray],
              amounts: Sequence[np.ndarray | float]) -> np.ndarray:
    """`size` zeros with each `amounts[i]` added at `places[i]` (distinct places within
    each), in order: `out[places[i]] += amounts[i]` for each i, with the same result.

    When the places are many, one `bincount` of them all adds them instead: it adds in
    the order given, so each sum is the same to the last bit, and it costs a third of
    numpy's indexed adds (which also make a temporary array each).
    """
    if sum(map(len, places)) * _COUNT_FROM < size:
        out = np.zeros(size)
        for where, amount in zip(places, amounts, strict=True):
            out[where] += amount
        return out
    if not places:
        return np.zeros(size)
    weights = np.concatenate([np.broadcast_to(np.asarray(amount, dtype=np.float64),
                                              len(where))
                              for where, amount in zip(places, amounts, strict=True)])
    return np.bincount(np.concatenate(places), weights, minlength=size).astype(
        np.float64, copy=False)


def _weights(idf: float, table: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """`idf * table[pairs]`: the BM25 weights of postings from their pair numbers. The
    table is multiplied first when it is the smaller: the same products, fewer of them."""
    if len(pairs) > len(table):
        return np.take(idf * table, pairs)
    return idf * np.take(table, pairs)


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


# From places numbering 1 / this of the size, `summed_at` counts them (even at ~1/8).
_COUNT_FROM = 6
# A binary search costs about this many times placing one posting through a map.
_SEARCH_COST = 16
# A term held by over 1 / this share of a segment's documents gets a column (see
# `Postings`); at 1/3 the column takes the space of its postings.
_COLUMN_SHARE = 4
# Tokens turned into postings at a time (in each thread that does it): bounds the memory
# of a build (about 40 bytes a token) without giving up numpy's speed.
_TOKENS_PER_CHUNK = 2_000_000


def _in_order(threads: Executor | None, function: Callable[..., Result],
              items: Iterable[tuple[Any, ...]], ahead: int = 2) -> Iterator[Result]:
    """`function(*item)` of each item, in order: in `threads` if given, the oldest
    waited for once `ahead` more are submitted (numpy's sorts hold no GIL), the next
    items made meanwhile. Not to be called from one of `threads`' own workers: a small
    pool would wait for itself. Items not started when this ends early are cancelled."""
    if threads is None:
        yield from (function(*item) for item in items)
        return
    pending: deque[Future[Result]] = deque()
    try:
        for item in items:
            pending.append(threads.submit(function, *item))
            if len(pending) > ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def _run_chunks(tokens: np.ndarray, starts: np.ndarray, lengths: np.ndarray
                ) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
    """The runs of `lengths` tokens from `starts` in chunks of about `_TOKENS_PER_CHUNK`
    tokens: each chunk's term numbers (int64), one run after the other, its runs'
    lengths and its first run's number."""
    before = np.concatenate(([0], np.cumsum(lengths)))  # tokens before each run
    first = 0
    while first < len(lengths):
        # The runs up to the one that reaches the chunk's size (at least one).
        last = max(int(np.searchsorted(before, before[first] + _TOKENS_PER_CHUNK)),
                   first + 1)
        last = min(last, len(lengths))
        chunk = lengths[first:last]
        # Each token's place in `tokens`: its run's start, plus its place in the run.
        at = np.arange(before[first], before[last], dtype=np.int64)
        at += np.repeat(starts[first:last] - before[first:last], chunk)
        yield tokens[at].astype(np.int64), chunk, first
        first = last


def _postings(term_ids: np.ndarray, lengths: np.ndarray, first_doc: int, span: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term number, document, tf * `span` + document length) of every distinct term of
    each of the documents of `lengths` whose term numbers (int64) `term_ids` holds one
    after the other (the first is document `first_doc`), sorted by document then term:
    what `np.unique` of (document, term) keys counts, with the keys packed by shifts and
    sorted in place."""
    bits = int(term_ids.max(initial=0)).bit_length()
    keys = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    keys <<= bits
    keys |= term_ids
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    at = np.flatnonzero(first)
    pair_keys = np.empty(len(at), dtype=np.int64)  # each one's tf, to begin with
    np.subtract(at[1:], at[:-1], out=pair_keys[:-1])
    pair_keys[-1:] = len(keys) - at[-1:]
    keys = keys[at]
    documents = keys >> bits
    pair_keys *= span
    pair_keys += lengths[documents]  # (documents ascend: a look-up in order)
    documents += first_doc
    return (keys & ((1 << bits) - 1)).astype(np.int32), documents.astype(np.int32), pair_keys


def _packed(term_ids: np.ndarray, docs: np.ndarray, keys: np.ndarray, doc_bits: int,
            key_bits: int) -> np.ndarray:
    """Postings packed in int64s that sort by term, then document."""
    packed = term_ids.astype(np.int64)
    packed <<= doc_bits
    packed |= docs
    packed <<= key_bits
    packed |= keys
    return packed


def _unpacked(packed: np.ndarray, doc_bits: int, key_bits: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Postings `_packed` sorted in place: each term's offset (where the postings of
    the terms before it end: a binary search each, rather than a count over the
    postings), each posting's document (int32) and key."""
    packed.sort()
    shift = doc_bits + key_bits
    count = int(packed[-1] >> shift) + 1 if len(packed) else 0
    # (The end is the number of postings: `count << shift` may not fit an int64.)
    offsets = np.append(np.searchsorted(packed, np.arange(count, dtype=np.int64) << shift),
                        len(packed))
    docs = packed >> key_bits
    docs &= (1 << doc_bits) - 1
    packed &= (1 << key_bits) - 1
    return offsets.astype(np.int64, copy=False), docs.astype(np.int32), packed


def sorted_by(major: np.ndarray, middle: np.ndarray, minor: np.ndarray, majors: int,
              middles: int) -> tuple[np.ndarray, np.ndarray]:
    """`middle` (as int32) and `minor` reordered by `major`, then `middle` (all three
    non-negative; `major` below `majors`, `middle` below `middles`), where no (major,
    middle) pair is there twice: what a stable argsort by `major` gives when `middle`
    already ascends within each major.

    Each (major, middle, minor) is packed in an int64 when they fit, and the keys sorted:
    numpy sorts int64 several times faster than it argsorts stably and gathers. Else
    the stable argsort.
    """
    middle_bits = max(middles - 1, 1).bit_length()
    minor_bits = max(int(minor.max(initial=1)), 1).bit_length()
    if max(majors - 1, 1).bit_length() + middle_bits + minor_bits > 63:
        order = np.argsort(major, kind="stable")
        return middle[order].astype(np.int32, copy=False), minor[order]
    keys = major.astype(np.int64)
    keys <<= middle_bits
    keys |= middle
    keys <<= minor_bits
    keys |= minor
    keys.sort()
    minor = (keys & ((1 << minor_bits) - 1)).astype(minor.dtype, copy=False)
    keys >>= minor_bits
    keys &= (1 << middle_bits) - 1
    return keys.astype(np.int32), minor


def _columns(offsets: np.ndarray, docs: np.ndarray, pairs: np.ndarray, size: int,
             pair_count: int) -> tuple[np.ndarray, np.ndarray]:
    """The terms held by over 1 / _COLUMN_SHARE of the `size` documents, and a column
    of each: every document's pair number for the term, `pair_count` where it is not
    held."""
    terms = np.flatnonzero(np.diff(offsets) * _COLUMN_SHARE > size)
    dtype = np.uint16 if pair_count < np.iinfo(np.uint16).max else np.uint32
    columns = np.full((len(terms), size), pair_count, dtype=dtype)
    for row, term in enumerate(terms.tolist()):
        lo, hi = offsets[term], offsets[term + 1]
        columns[row, docs[lo:hi]] = pairs[lo:hi]
    return terms, columns


def _pairs(keys: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Number the distinct (term frequency, document length) pairs of the postings, given
    as keys tf * `span` + length: (each posting's pair number, each pair's tf, each
    pair's length)."""
    if keys.max(initial=0) < 1 << 24:  # a mask over every possible key: no sorting
        used = np.zeros(int(keys.max(initial=0)) + 1, dtype=bool)
        used[keys] = True
        distinct = np.flatnonzero(used)
        number = np.cumsum(used) - 1
        pairs = number[keys]
    else:
        distinct, pairs = np.unique(keys, return_inverse=True)
    small = np.uint16 if len(distinct) <= 1 << 16 else np.int32
    return (pairs.astype(small), (distinct // span).astype(np.int32),
            (distinct % span).astype(np.int32))
