"""Corroboration: how many outlets report a story independently, copies counted once.

Syndicated copies (the same text, duplicates.py) are one report however many outlets
carry them. Two different texts report the same story when their signatures, the
`SIGNATURE_TERMS` terms that weigh most in each (term frequency times IDF: the names,
places and numbers of the story), share at least `SAME_EVENT` of their terms. A signature
holds the terms' keys (`term_key`), which an indexed article's segment has at hand: making
one decodes none of its terms' names (0.2 -> 0.08 ms an article). Two terms of one key (a
CRC-32 collision, about one pair of signatures in ten million) count as one. On
../shared/newsqa-dev (96 different CNN stories, 4,560 pairs) no pair reaches 0.4; the
closest pair (7 of 20) is two reports of one cartel crackdown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .bm25 import term_key

SIGNATURE_TERMS = 20
SAME_EVENT = 0.4

# A story's signature: the keys (`term_key`) of its strongest terms.
Signature = frozenset[int]


@dataclass(frozen=True)
class Report:
    """One story as corroboration sees it: its outlet, its copies' outlets and its
    signature (`signature`)."""

    outlet: str
    copy_outlets: tuple[str, ...]
    signature: Signature


@dataclass(frozen=True)
class Corroboration:
    outlets: tuple[str, ...]  # outlets that report it independently, its own first
    copies: tuple[str, ...]  # further outlets that only carry a copy

    @property
    def summary(self) -> str:
        """"reported by 3 outlets, and copies in 12 more"."""
        n = len(self.outlets)
        text = f"reported by {n} outlet{'' if n == 1 else 's'}"
        return text + (f", and copies in {len(self.copies)} more" if self.copies else "")


def corroboration_of(outlet: str, reported_by: Sequence[str],
                     carried_by: Sequence[str]) -> Corroboration:
    """The corroboration of a hit or a briefing item from what it carries: the outlets
    that report it independently (none known: its own) and all that carry it."""
    outlets = tuple(reported_by) or (outlet,)
    return Corroboration(outlets, tuple(o for o in dict.fromkeys(carried_by) if o not in outlets))


# The IDF-like weights of many terms at once (Bm25.term_weights).
Weights = Callable[[list[str]], Sequence[float]]


def signature(terms: Sequence[str], weights: Weights) -> Signature:
    """The keys of the `SIGNATURE_TERMS` terms that weigh most in a text (count times
    weight)."""
    counts = Counter(terms)
    distinct = list(counts)
    scores = np.asarray([counts[t] for t in distinct]) * np.asarray(weights(distinct))
    return strongest(scores, np.fromiter(map(term_key, distinct), dtype=np.uint32,
                                         count=len(distinct)))


def strongest(scores: np.ndarray, keys: np.ndarray) -> Signature:
    """The `keys` of the `SIGNATURE_TERMS` highest `scores` (of distinct terms), ties
    going to the smallest keys: the same in whatever order the terms come."""
    if len(scores) <= SIGNATURE_TERMS:
        return frozenset(keys.tolist())
    last = len(scores) - SIGNATURE_TERMS
    kth = np.partition(scores, last)[last]
    chosen = np.compress(scores > kth, keys)
    tied = np.sort(np.compress(scores == kth, keys))[:SIGNATURE_TERMS - len(chosen)]
    return frozenset(chosen.tolist() + tied.tolist())


def corroborate(reports: Sequence[Report]) -> list[Corroboration]:
    """For each report, the outlets of the reports that tell the same story (itself
    first) and the further outlets that only carry copies."""
    found = []
    for report in reports:
        same = [other for other in reports
                if other is report or _same_event(report.signature, other.signature)]
        outlets = tuple(dict.fromkeys(r.outlet for r in same))
        copies = tuple(dict.fromkeys(o for r in same for o in r.copy_outlets
                                     if o not in outlets))
        found.append(Corroboration(outlets, copies))
    return found


def _same_event(a: Signature, b: Signature) -> bool:
    smaller = min(len(a), len(b))
    return smaller > 0 and len(a & b) / max(smaller, SIGNATURE_TERMS // 2) >= SAME_EVENT
