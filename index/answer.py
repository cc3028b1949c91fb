"""Choosing the sentence that answers a question.

A candidate sentence scores, with weights from `Ranking`:

- the share of the question's term weight it contains (distinct terms, IDF-weighted:
  it must share the question's rare words, the names, places and numbers, to win);
- a bonus when it holds what the question asks for: a number for "how many", a date
  or time for "when", a name for "who", a place for "where";
- a prior for its position in the article, 1 / (1 + index): news is written as an
  inverted pyramid, and the lead sentences hold most answers;
- a little of its neighbours' overlap: the answer often follows the sentence that
  repeats the question's words;
- the share of the question's phrases it keeps: each pair of neighbouring question
  terms ("people killed", "Fiat hoping") found in that order, at most
  `answer_phrase_gap` terms apart. Of two sentences with the same words, the one that
  says what the question says ("two people were killed") beats the one that only
  mentions them ("kill 11 people");
- a penalty for being very short (a heading, "The reason: the border fence.").

Ties go to the earlier sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .ranking import Ranking

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    r"dozens?|half|percent)\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
    r"apr|jun|jul|aug|sept?|oct|nov|dec|today|yesterday|tomorrow|tonight|week|weeks|month|"
    r"months|year|years|decade|decades|century|morning|afternoon|evening|night|hours?|"
    r"minutes?|days?|since|ago|\d{4}|\d{1,2}:\d\d|a\.m|p\.m)\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_PLACE = re.compile(r"\b(?:in|at|from|near|to|into|outside)\s+(?:the\s+)?[A-Z][a-z]+")

_KINDS = (
    ("number", re.compile(r"\bhow\s+(?:many|much|old|far|long|big|large)\b|\bwhat\s+"
                          r"(?:number|percent(?:age)?|amount|age|price|size)\b", re.I)),
    ("time", re.compile(r"\bwhen\b|\bwhat\s+(?:year|day|date|time|month)\b", re.I)),
    ("person", re.compile(r"\bwho(?:m|se)?\b", re.I)),
    ("place", re.compile(r"\bwhere\b|\bwhat\s+(?:country|city|place|state|town|region)\b",
                         re.I)),
)


def question_kind(question: str) -> str | None:
    """What a question asks for: "number", "time", "person", "place", or None."""
    for kind, pattern in _KINDS:
        if pattern.search(question):
            return kind
    return None


def holds_kind(kind: str | None, sentence: str, question_words: set[str]) -> bool:
    """Whether `sentence` holds something of `kind` that the question does not name."""
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "time":
        return bool(_TIME.search(sentence))
    if kind in ("person", "place"):
        pattern = _NAME if kind == "person" else _PLACE
        for match in pattern.finditer(sentence, 1):  # not the capital that opens it
            words = re.findall(r"\w+", match.group().lower())
            if kind == "place":
                words = words[-1:]
            if not set(words) <= question_words:
                return True
    return False


@dataclass(frozen=True)
class Candidate:
    """A sentence that may answer: its text, index terms and index in its article."""

    text: str
    terms: Sequence[str]
    position: int


def score_sentences(question: str, question_terms: Sequence[str],
                    candidates: Sequence[Candidate], weight: Callable[[str], float],
                    ranking: Ranking) -> list[float]:
    """The score of each candidate (consecutive sentences of one passage)."""
    distinct = list(dict.fromkeys(question_terms))
    total = sum(weight(t) for t in distinct) or 1.0
    kind = question_kind(question)
    question_words = set(re.findall(r"\w+", question.lower()))

    def overlap(terms: Sequence[str]) -> float:
        present = set(terms)
        # Added in question order, so equal term sets give bit-identical scores.
        return sum(weight(t) for t in distinct if t in present) / total

    overlaps = [overlap(c.terms) for c in candidates]
    phrases = set(pairwise(question_terms))
    scores = []
    for i, candidate in enumerate(candidates):
        neighbours = overlaps[max(i - 1, 0):i] + overlaps[i + 1:i + 2]
        score = (overlaps[i]
                 + ranking.answer_kind_bonus * holds_kind(kind, candidate.text, question_words)
                 + ranking.answer_position_prior / (1 + candidate.position)
                 + ranking.answer_neighbour_weight * max(neighbours, default=0.0))
        if phrases:
            kept = phrases_kept(phrases, candidate.terms, ranking.answer_phrase_gap)
            score += ranking.answer_phrase_weight * kept / len(phrases)
        if len(candidate.terms) < ranking.answer_min_terms:
            score *= len(candidate.terms) / ranking.answer_min_terms
        scores.append(score)
    return scores


def phrases_kept(phrases: set[tuple[str, str]], terms: Sequence[str], gap: int) -> int:
    """How many of `phrases` (term pairs) occur in `terms` in order, the second at most
    `gap` terms after the first."""
    found = set()
    for i, first in enumerate(terms):
        for second in terms[i + 1:i + 1 + gap]:
            if (first, second) in phrases:
                found.add((first, second))
    return len(found)


def best_index(scores: Sequence[float]) -> int:
    """The index of the highest score; the earliest among equals."""
    return max(range(len(scores)), key=lambda i: (scores[i], -i))
