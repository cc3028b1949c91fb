"""Correcting a query term the archive does not know to one it does, one edit away.

Questions are typed in a hurry ("boarder fence", "stuffelbeem"); a term that no
article contains is replaced by the most frequent archive term one insertion,
deletion, substitution or transposition away. Short terms are left alone: at four
letters or fewer, one edit turns most words into other real words. So are terms that
cannot be a mistyped word: numbers and codes ("2014", "mh17"), where one edit makes
another valid value, and anything longer than news prose writes (`MAX_LENGTH`).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator

MIN_LENGTH = 5
# The longest words in news prose are around 20 letters ("counterintelligence",
# "disproportionately"); a longer run of letters is pasted junk or words run together,
# not a typo. The bound is also what keeps correction cheap whatever is typed: a term of
# n letters has about 74n variants of n letters each, so the work grows as n squared.
MAX_LENGTH = 30
_LETTERS = string.ascii_lowercase + string.digits


def one_edit_away(term: str) -> Iterator[str]:
    """Every string one insertion, deletion, substitution or transposition from `term`."""
    for i in range(len(term) + 1):
        left, right = term[:i], term[i:]
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for c in _LETTERS:
                yield left + c + right[1:]
        for c in _LETTERS:
            yield left + c + right


def correct(term: str, frequency: Callable[[str], int]) -> str | None:
    """The most frequent known term one edit from `term`, or None (`frequency` is 0 for
    unknown terms). Equally frequent candidates go to the alphabetically first."""
    if not MIN_LENGTH <= len(term) <= MAX_LENGTH or not term.isalpha():
        return None
    best: tuple[int, str] | None = None
    for candidate in one_edit_away(term):  # a repeated candidate cannot change `best`
        df = frequency(candidate)
        if df and (best is None or (-df, candidate) < (-best[0], best[1])):
            best = (df, candidate)
    return best[1] if best else None
