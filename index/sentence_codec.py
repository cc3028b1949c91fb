"""How the article store keeps each article's sentence spans and sentences' terms.

Both are compact binary (SQLite blobs): the spans as int32 pairs, the terms as the
article's vocabulary (its distinct terms in order of first appearance) and, sentence
after sentence, each term's place in it. Reading them back makes one string per
distinct term, not one per occurrence, and the index builder looks up each distinct
term once (numbering.py); as JSON (one list of spans, one string of terms a sentence),
decoding was most of the index build's cost.

A store written by an earlier newsdesk holds JSON text in the same columns; it is read
as it is (`decode_spans`, `decode_terms` tell the two apart by type), so an existing
archive works without a migration, and the articles it gets from then on are written
compactly.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from itertools import accumulate, chain, pairwise

import numpy as np

_SPAN = np.dtype("<i4")  # texts are at most MAX_ARTICLE_BYTES: far below 2**31
_COUNT = np.dtype("<u4")
# Header of encoded terms: format, bytes a term's place takes, sentences, terms.
_HEADER = struct.Struct("<BBII")
_FORMAT = 1
_PLACE = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}


def encode_spans(spans: list[tuple[int, int]]) -> bytes:
    return np.asarray(spans, dtype=_SPAN).tobytes()


def decode_spans(stored: str | bytes) -> list[tuple[int, int]]:
    """The spans `encode_spans` (or an earlier newsdesk, as JSON) stored."""
    if isinstance(stored, str):
        return [tuple(span) for span in json.loads(stored)]
    ends = iter(np.frombuffer(stored, dtype=_SPAN).tolist())
    return list(zip(ends, ends, strict=True))


@dataclass(frozen=True)
class SentenceTerms:
    """An article's sentences' terms: its vocabulary (distinct terms, in order of first
    appearance), each term's place in it (`places`, sentence after sentence) and how
    many terms each sentence has."""

    vocabulary: list[str]
    places: np.ndarray
    counts: list[int]

    @classmethod
    def of(cls, sentences: list[list[str]]) -> SentenceTerms:
        flat = list(chain.from_iterable(sentences))
        numbers = {term: place for place, term in enumerate(dict.fromkeys(flat))}
        places = np.fromiter(map(numbers.__getitem__, flat), dtype=_place_type(len(numbers)),
                             count=len(flat))
        return cls(list(numbers), places, [len(terms) for terms in sentences])

    def sentences(self) -> list[list[str]]:
        """Each sentence's terms."""
        words = list(map(self.vocabulary.__getitem__, self.places.tolist()))
        return [words[start:end] for start, end in pairwise(accumulate(self.counts, initial=0))]

    def first(self) -> list[str]:
        """The first sentence's terms (none without a sentence)."""
        if not self.counts:
            return []
        return list(map(self.vocabulary.__getitem__, self.places[:self.counts[0]].tolist()))

    def flat(self) -> list[str]:
        """The terms of every sentence, one after the other."""
        return list(map(self.vocabulary.__getitem__, self.places.tolist()))

    def encode(self) -> bytes:
        places = self.places.astype(_place_type(len(self.vocabulary)), copy=False)
        return b"".join((
            _HEADER.pack(_FORMAT, places.itemsize, len(self.counts), len(places)),
            np.asarray(self.counts, dtype=_COUNT).tobytes(), places.tobytes(),
            " ".join(self.vocabulary).encode("utf-8")))


def encode_terms(sentences: list[list[str]]) -> bytes:
    return SentenceTerms.of(sentences).encode()


def decode_terms(stored: str | bytes) -> SentenceTerms:
    """The terms `encode_terms` (or an earlier newsdesk, as JSON) stored."""
    if isinstance(stored, str):
        return SentenceTerms.of([sentence.split() for sentence in json.loads(stored)])
    kind, size, sentences, terms = _HEADER.unpack_from(stored)
    if kind != _FORMAT:
        raise ValueError(f"stored terms of an unknown format ({kind})")
    offset = _HEADER.size
    counts = np.frombuffer(stored, dtype=_COUNT, count=sentences, offset=offset)
    offset += counts.nbytes
    places = np.frombuffer(stored, dtype=_PLACE[size], count=terms, offset=offset)
    vocabulary = stored[offset + places.nbytes:].decode("utf-8").split()
    return SentenceTerms(vocabulary, places, counts.tolist())


def _place_type(vocabulary: int) -> np.dtype:
    """The smallest of `_PLACE` that numbers a vocabulary of this size."""
    return next(kind for kind in _PLACE.values() if vocabulary <= 1 << 8 * kind.itemsize)
