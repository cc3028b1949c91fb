"""An index segment's terms numbered in order of first appearance, the articles' share
of that work done in worker processes too (analysis_pool.py).

Numbering must follow the articles' order, so only the process that builds the segment
gives numbers (`SegmentTerms`). What can be done for each article apart is done by
`ArticleNumbers`, in that process or a worker: decoding its stored terms, analysing its
headline, looking its terms up among the numbers given so far (which a worker is
taught as it goes, with the analyzer's stems, as analysis_pool.py teaches what a
function learns), and cutting its passages. Its result names only the terms it did not
find, so the builder looks up a few words an article instead of every one.

Ingest numbers the articles it adds the same way where it analyses them, from the terms
it has just made (`ArticleNumbers.numbered`), when the index is to take in just those
(indexer.AddedArticles).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import accumulate, repeat

import numpy as np

from .analyzer import Analyzer
from .passages import window_starts
from .sentence_codec import SentenceTerms
from .store import IndexRow

# An article's numbers and its passages' bounds cross the pipe as raw int32 bytes.
_INT32 = np.dtype(np.int32)
# Columns of `NumberedArticle.passages`: where a passage's terms start and end among its
# article's sentences' terms, and where its text starts and ends.
_PASSAGE_FIELDS = 4

# What `ArticleNumbers` teaches and learns: terms' numbers, and the analyzer's stems.
Lesson = tuple[dict[str, int], dict[str, str | None]]
Mark = tuple[int, int]


@dataclass(frozen=True)
class WindowedRow:
    """An article to number, with the passage windows of the index being built."""

    row: IndexRow
    window: int
    stride: int


@dataclass(frozen=True)
class NumberedArticle:
    """An article's terms (its headline's that count, then its sentences') as numbers:
    a term's number where it had one when the article was numbered, else -1 - its place
    in `unknown` (the terms without one, in order of first appearance); how many are
    the headline's; and its passages' bounds (`_PASSAGE_FIELDS` each)."""

    numbers: bytes  # int32
    unknown: list[str]
    headline: int
    passages: bytes  # int32

    def whole(self, resolved: np.ndarray) -> np.ndarray:
        """The numbers, with the k-th unknown term's number `resolved[k]`."""
        numbers = np.frombuffer(self.numbers, dtype=_INT32)
        if not len(resolved):
            return numbers
        numbers = numbers.copy()
        unknown = numbers < 0
        numbers[unknown] = resolved[-1 - numbers[unknown]]
        return numbers

    def passage_bounds(self) -> np.ndarray:
        """One row a passage: where its terms start and end among the article's
        sentences' terms (the headline's not counted), and where its text starts and
        ends."""
        return np.frombuffer(self.passages, dtype=_INT32).reshape(-1, _PASSAGE_FIELDS)


class SegmentTerms:
    """The terms of a segment being built, numbered in order of first appearance."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self._in_order: list[str] = []

    def number(self, terms: list[str]) -> np.ndarray:
        """The numbers of `terms`, giving the next numbers to those without one."""
        numbers = self.numbers
        for term in terms:
            if term not in numbers:
                numbers[term] = len(numbers)
                self._in_order.append(term)
        return np.fromiter(map(numbers.__getitem__, terms), dtype=_INT32, count=len(terms))

    def words(self) -> list[str]:
        return list(self._in_order)

    def since(self, mark: int) -> tuple[dict[str, int], int]:
        """The terms numbered since `mark` (0 at first), with their numbers, and the mark
        to ask from next."""
        new = self._in_order[mark:]
        return {term: self.numbers[term] for term in new}, mark + len(new)


class ArticleNumbers:
    """Numbers one article's terms by what `terms` knows, for `map_in_order`: in the
    building process it shares the builder's `SegmentTerms` and analyzer; a worker makes
    its own and learns the numbers the builder gave and the stems its analyzer knows."""

    def __init__(self, terms: SegmentTerms | None = None,
                 analyzer: Analyzer | None = None) -> None:
        self._terms = terms or SegmentTerms()
        self._analyzer = analyzer or Analyzer()

    def __call__(self, item: WindowedRow) -> NumberedArticle:
        row = item.row
        spans = row.spans()
        terms = row.cached_terms() or SentenceTerms.of(self._analysed(row, spans))
        return self.numbered(row.title, spans, terms, item.window, item.stride)

    def numbered(self, title: str, spans: list[tuple[int, int]], terms: SentenceTerms,
                 window: int, stride: int) -> NumberedArticle:
        """An article numbered from its title, sentence spans and sentences' terms."""
        headline = headline_terms(self._analyzer.terms(title), [terms.first()])
        # The headline's terms, then the sentences' distinct ones: most are known, and
        # looked up at C speed; the others are numbered -1, -2, ... in this order.
        words = headline + terms.vocabulary
        numbers = np.fromiter(map(self._terms.numbers.get, words, repeat(-1)),
                              dtype=_INT32, count=len(words))
        unknown: dict[str, int] = {}
        for place in np.flatnonzero(numbers < 0).tolist():
            numbers[place] = unknown.setdefault(words[place], -1 - len(unknown))
        places = numbers[len(headline):][terms.places]
        whole = np.concatenate((numbers[:len(headline)], places)) if headline else places
        return NumberedArticle(whole.tobytes(), list(unknown), len(headline),
                               passage_bounds(spans, terms.counts, window, stride).tobytes())

    def _analysed(self, row: IndexRow, spans: list[tuple[int, int]]) -> list[list[str]]:
        """Each sentence's terms, for an article whose terms the store has not cached."""
        assert row.text is not None  # the store gives the text when terms are not cached
        return [self._analyzer.terms(row.text[start:end]) for start, end in spans]

    def learned(self, since: Mark | int) -> tuple[Lesson, Mark]:
        """The numbers given and the stems made since `since` (0 at first)."""
        numbers_mark, stems_mark = since or (0, 0)
        numbers, numbers_mark = self._terms.since(numbers_mark)
        stems, stems_mark = self._analyzer.stems_since(stems_mark)
        return (numbers, stems), (numbers_mark, stems_mark)

    def learn(self, lesson: Lesson) -> None:
        """Know the numbers the builder gave (a worker gives none) and the stems."""
        numbers, stems = lesson
        self._terms.numbers.update(numbers)
        self._analyzer.learn(stems)


def passage_bounds(spans: list[tuple[int, int]], counts: list[int], window: int,
                   stride: int) -> array[int]:
    """An article's passages (`make_passages`' windows), `_PASSAGE_FIELDS` int32 each:
    where its terms start and end among the terms of the sentences (`counts` a
    sentence), and where its text starts and ends (`spans`, a sentence's)."""
    starts = list(accumulate(counts, initial=0))
    bounds = array(_INT32.char)
    sentences = len(spans)
    for first in window_starts(sentences, window, stride):
        last = min(first + window, sentences)
        bounds.extend((starts[first], starts[last], spans[first][0], spans[last - 1][1]))
    return bounds


def headline_terms(title: list[str], sentences: list[list[str]]) -> list[str]:
    """The terms a headline adds to its article and its lead passage (given the terms of
    each sentence): all of them, unless the title was made from the first sentence (an
    untitled article's), which would count that sentence twice."""
    first = sentences[0] if sentences else []
    return [] if title == first[:len(title)] else title
