"""Choosing the sentence that answers a question.

A candidate sentence scores, with weights from `Ranking`:

- the share of the question's term weight it contains (distinct terms, IDF-weighted:
  it must share the question's rare words, the names, places and numbers, to win);
- a bonus when it holds what the question asks for and does not name itself: a
  duration or a length for "how long", a number for "how many", a year for "what
  year", a date or time for "when", a name for "who", a place for "where";
- a prior for its position in the article, 1 / (1 + index): news is written as an
  inverted pyramid, and the lead sentences hold most answers;
- a little of its neighbours' overlap: the answer often follows the sentence that
  repeats the question's words;
- the share of the question's phrases it keeps: each pair of neighbouring question
  terms ("people killed", "Fiat hoping") found in that order, at most
  `answer_phrase_gap` terms apart. Of two sentences with the same words, the one that
  says what the question says ("two people were killed") beats the one that only
  mentions them ("kill 11 people");
- the next-sentence rule: a sentence that says what was asked, right after one that
  repeats the question's words without saying it, takes over part of the question's
  weight that sentence holds and it lacks ("Marlow rode 9,000 miles last year." "His
  steed was a battered scooter.");
- a cut for only repeating the question: no value of the kind asked for, and fewer
  than `answer_min_new` terms of its own (when and who-said-so do not count);
- a cut, when the question asks for a time, a year or a duration, for holding none:
  such a sentence is not the answer, however many of the question's words it has;
- a penalty for being very short (a heading, "The reason: the border fence.").

Ties go to the earlier sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from .analyzer import Analyzer
from .ranking import Ranking

# The archive's analysis (archive.py uses the default one), for the question's own terms
# and the circumstance words'.
_ANALYZER = Analyzer()

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                 r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|"
                 r"thousands?|millions?|billions?|dozens?|half|percent")
_NUMBER = re.compile(rf"\d[\d,.]*\d|\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)
_TIME = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
    r"apr|jun|jul|aug|sept?|oct|nov|dec|today|yesterday|tomorrow|tonight|week|weeks|month|"
    r"months|year|years|decade|decades|century|morning|afternoon|evening|night|hours?|"
    r"minutes?|days?|since|ago|\d{4}|\d{1,2}:\d\d|a\.m|p\.m)\b", re.IGNORECASE)
# A year, "1998" or "the 1990s": what "what year" asks for.
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\ds?\b")
# A stretch of time or a length: "three years", "11 days", "a decade", "two-week",
# "for months", "800 miles". What "how long" asks for.
_UNIT = (r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|"
         r"centur(?:y|ies)|miles?|kilometers?|kilometres?|km|meters?|metres?|feet|foot|"
         r"yards?|inches?)")
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|a|an|{_NUMBER_WORDS}|several|few|many|some|couple\s+of)"
    rf"(?:[\s-]+(?:and\s+a\s+half|more|full|long|whole))?[\s-]+{_UNIT}\b"
    r"|\bfor\s+(?:years|decades|months|weeks|days|hours|centuries)\b", re.IGNORECASE)
# Words that tell when something happened, how many, or who said so: not what happened.
_CIRCUMSTANCE_WORDS = (
    "last next earlier later ago recently now then said says told tells according added "
    "reported announced today yesterday tomorrow tonight morning afternoon evening night "
    "day week month year decade century hour minute monday tuesday wednesday thursday "
    "friday saturday sunday january february march april may june july august september "
    "october november december " + _NUMBER_WORDS.replace("s?", "").replace("|", " "))
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_PLACE = re.compile(r"\b(?:in|at|from|near|to|into|outside)\s+(?:the\s+)?[A-Z][a-z]+")

# What a question asks for, by its question words. The kind whose words come first in
# the question wins ("Who was hurt when the roof fell?" asks for a person), the one
# listed first among kinds that start at the same word ("what year" before "what"); a
# plain "what"/"which" asks for no kind ("What happened when …").
_KINDS = (
    ("duration", re.compile(r"\bhow\s+long\b|\bhow\s+many\s+(?:more\s+)?(?:seconds|"
                            r"minutes|hours|days|nights|weeks|months|years|decades)\b", re.I)),
    ("number", re.compile(r"\bhow\s+(?:many|much|old|far|big|large|tall|high)\b|\bwhat\s+"
                          r"(?:number|percent(?:age)?|amount|age|price|size)\b", re.I)),
    ("year", re.compile(r"\b(?:what|which)\s+year\b", re.I)),
    ("time", re.compile(r"\bwhen\b|\b(?:what|which)\s+(?:day|date|time|month)\b", re.I)),
    ("person", re.compile(r"\bwho(?:m|se)?\b", re.I)),
    ("place", re.compile(r"\bwhere\b|\b(?:what|which)\s+(?:country|city|place|state|town|"
                         r"region)\b", re.I)),
    (None, re.compile(r"\b(?:what|which)\b", re.I)),
)
_DETECTORS = {"number": _NUMBER, "time": _TIME, "year": _YEAR, "duration": _DURATION}
# Kinds whose answer the detector nearly always sees: a sentence without one is not the
# answer. Not "number": "How many shots were fired?" "No shots were fired."
_MUST_HOLD = frozenset({"time", "year", "duration"})


_CIRCUMSTANCE = frozenset(_ANALYZER.terms(_CIRCUMSTANCE_WORDS))  # their terms


def question_kind(question: str) -> str | None:
    """What a question asks for: "duration", "number", "year", "time", "person",
    "place", or None."""
    first: tuple[int, str | None] | None = None
    for kind, pattern in _KINDS:
        match = pattern.search(question)
        if match and (first is None or match.start() < first[0]):
            first = (match.start(), kind)
    return first[1] if first else None


def holds_kind(kind: str | None, sentence: str, question_words: Set[str]) -> bool:
    """Whether `sentence` holds something of `kind` that the question does not name."""
    detector = _DETECTORS.get(kind or "")
    if detector is not None:
        return any(not set(re.findall(r"\w+", m.group().lower())) <= question_words
                   for m in detector.finditer(sentence))
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


def new_terms(terms: Sequence[str], asked: Set[str]) -> set[str]:
    """The terms (of a sentence) that say something the question does not: not its
    own terms, nor when it happened or who said so ("last year", "on Monday", "he
    said"), nor a number."""
    return {t for t in terms if t not in asked and t not in _CIRCUMSTANCE
            and not t[0].isdigit()}


def score_sentences(question: str, question_terms: Sequence[str],
                    candidates: Sequence[Candidate], weight: Callable[[str], float],
                    ranking: Ranking) -> list[float]:
    """The score of each candidate (consecutive sentences of one passage)."""
    weights = {t: weight(t) for t in question_terms}  # (in question order, repeats once)
    total = sum(weights.values()) or 1.0
    kind, question_words, asked, phrases = _read(question, tuple(question_terms))

    def overlap(terms: Sequence[str]) -> float:
        present = set(terms)
        # Added in question order, so equal term sets give bit-identical scores.
        return sum(w for t, w in weights.items() if t in present) / total

    overlaps = [overlap(c.terms) for c in candidates]
    holds = [holds_kind(kind, c.text, question_words) for c in candidates]
    # Only repeats the question: holds no value of the kind asked for and fewer than
    # `answer_min_new` terms of its own.
    repeats = [not h and len(new_terms(c.terms, asked)) < ranking.answer_min_new
               for c, h in zip(candidates, holds, strict=True)]
    # Says what was asked: the value of a kind with a detector (a year, a duration …),
    # else (a name, a thing) something of its own.
    precise = kind in _DETECTORS
    says = [h if precise else not r and (h or kind is None)
            for h, r in zip(holds, repeats, strict=True)]
    scores = []
    for i, candidate in enumerate(candidates):
        neighbours = overlaps[max(i - 1, 0):i] + overlaps[i + 1:i + 2]
        score = (overlaps[i]
                 + ranking.answer_kind_bonus * holds[i]
                 + ranking.answer_position_prior / (1 + candidate.position)
                 + ranking.answer_neighbour_weight * max(neighbours, default=0.0))
        if phrases:
            kept = phrases_kept(phrases, candidate.terms, ranking.answer_phrase_gap)
            score += ranking.answer_phrase_weight * kept / len(phrases)
        if i and says[i] and not says[i - 1]:
            # The sentence after one that repeats the question's words without the
            # answer takes over the words it lacks ("… rode 9,000 miles." "His bike: …").
            score += ranking.answer_next_weight * max(0.0, overlaps[i - 1] - overlaps[i])
        if repeats[i]:
            score *= 1 - ranking.answer_repeat_penalty
        if kind in _MUST_HOLD and not holds[i]:
            score *= 1 - ranking.answer_missing_penalty
        if len(candidate.terms) < ranking.answer_min_terms:
            score *= len(candidate.terms) / ranking.answer_min_terms
        scores.append(score)
    return scores


@lru_cache(maxsize=256)
def _read(question: str, question_terms: tuple[str, ...]
          ) -> tuple[str | None, frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """What `score_sentences` needs of a question, read once for all its passages: its
    kind, its words, the terms it asks with, and its term pairs (phrases)."""
    return (question_kind(question), frozenset(re.findall(r"\w+", question.lower())),
            frozenset({*question_terms, *_ANALYZER.terms(question)}),
            frozenset(pairwise(question_terms)))


def phrases_kept(phrases: set[tuple[str, str]], terms: Sequence[str], gap: int) -> int:
    """How many of `phrases` (term pairs) occur in `terms` in order, the second at most
    `gap` terms after the first."""
    firsts = {first for first, _ in phrases}
    found = set()
    for i, first in enumerate(terms):
        if first in firsts:  # (most terms start no phrase: their pairs are not looked up)
            for second in terms[i + 1:i + 1 + gap]:
                if (first, second) in phrases:
                    found.add((first, second))
    return len(found)


def best_index(scores: Sequence[float]) -> int:
    """The index of the highest score; the earliest among equals."""
    return max(range(len(scores)), key=lambda i: (scores[i], -i))
