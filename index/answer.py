"""Choosing the one sentence that best answers a question.

A sentence scores the IDF of each distinct question term it contains, so that it
must share the question's rare words (names, places, numbers) to win; ties go to the
earlier sentence, as news puts the key facts first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def sentence_score(question_terms: Sequence[str], sentence_terms: Sequence[str],
                   idf: Callable[[str], float]) -> float:
    """Sum of the weights of the distinct question terms the sentence contains, added in
    question order so that equal sets give bit-identical scores (and ties stay ties)."""
    present = set(sentence_terms)
    return sum(idf(term) for term in dict.fromkeys(question_terms) if term in present)


def best_sentence(question_terms: Sequence[str], sentences: Sequence[Sequence[str]],
                  idf: Callable[[str], float]) -> int:
    """Index of the best sentence among `sentences` (each given as its index terms)."""
    best, best_score = 0, float("-inf")
    for i, terms in enumerate(sentences):
        score = sentence_score(question_terms, terms, idf)
        if score > best_score:
            best, best_score = i, score
    return best
