"""Telling syndicated copies of one story apart from different stories.

Two texts are the same story when their sets of 5-word shingles (runs of five
consecutive words, lowercased) overlap by at least half: Jaccard ≥ 0.5. A wire story
republished with a new headline, a dateline, a trimmed last paragraph or a house
style change stays well above that; two reports of one event written separately
share few five-word runs and stay far below it.
"""

from __future__ import annotations

import re

from .records import Article

SHINGLE_WORDS = 5
SAME_STORY = 0.5


_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The text's runs of `SHINGLE_WORDS` words (one run of all of them, if fewer)."""
    words = _WORD.findall(text.lower())
    size = min(SHINGLE_WORDS, len(words))
    if not size:
        return frozenset({()})
    return frozenset(zip(*(words[i:] for i in range(size)), strict=False))  # shorter ones end it


def similarity(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Jaccard similarity of two shingle sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def same_story(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    return similarity(a, b) >= SAME_STORY


def group_stories(articles: list[Article]) -> list[list[Article]]:
    """Articles grouped into stories, in order: each story is led by its first (best)
    article, its syndicated copies after it."""
    stories: list[tuple[frozenset[tuple[str, ...]], list[Article]]] = []
    for article in articles:
        mine = shingles(article.text)
        for theirs, story in stories:
            if same_story(mine, theirs):
                story.append(article)
                break
        else:
            stories.append((mine, [article]))
    return [story for _, story in stories]
