"""Syndicated copies: 5-word shingles and the Jaccard test that tells copies apart."""

from __future__ import annotations

import random
import re

from newsdesk.index.duplicates import SHINGLE_WORDS, same_story, shingles

from .test_corroboration import CLOSURE, OTHER, RETOLD


def runs_of_words(text: str) -> frozenset[tuple[str, ...]]:
    """The definition: every run of SHINGLE_WORDS consecutive words, lowercased (one run
    of all of them when there are fewer)."""
    words = re.findall(r"\w+", text.lower())
    size = min(SHINGLE_WORDS, len(words))
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def test_shingles_are_the_runs_of_five_words():
    rng = random.Random(3)
    vocabulary = ["the", "Bridge", "ÉTÉ", "9", "said", "x_y", "Straße", "a", "—", "!"]
    texts = ["", "one", "two words", "exactly five words in here", CLOSURE, RETOLD,
             *(" ".join(rng.choices(vocabulary, k=rng.randint(0, 40))) for _ in range(200))]
    for text in texts:
        assert shingles(text) == runs_of_words(text), text


def test_a_copy_with_a_new_ending_is_the_same_story_a_retelling_is_not():
    copy = CLOSURE.replace("meanwhile.", "meanwhile, officials said on Tuesday.")
    assert same_story(shingles(CLOSURE), shingles(copy))
    assert not same_story(shingles(CLOSURE), shingles(RETOLD))
    assert not same_story(shingles(CLOSURE), shingles(OTHER))
