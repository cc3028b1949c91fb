"""Sentence-aware passage windows over one article."""

from __future__ import annotations

from .records import Passage


def window_starts(n_sentences: int, window: int, stride: int) -> list[int]:
    """First-sentence indexes of the windows; the last window always reaches the end."""
    if window < 1 or stride < 1:
        raise ValueError("window and stride must be at least 1")
    if n_sentences <= window:
        return [0] if n_sentences else []
    starts = list(range(0, n_sentences - window + 1, stride))
    if starts[-1] + window < n_sentences:
        starts.append(n_sentences - window)
    return starts


def make_passages(
    article_id: str, sentences: list[tuple[int, int]], window: int, stride: int
) -> list[Passage]:
    """Windows of `window` sentences every `stride` sentences; they never cross articles.

    The one place passages are cut: the index builder cuts them from each article's
    sentence spans with the index's window and stride (params.py).
    """
    passages = []
    for seq, first in enumerate(window_starts(len(sentences), window, stride)):
        last = min(first + window, len(sentences))
        passages.append(Passage(article_id, seq, sentences[first][0], sentences[last - 1][1],
                                first, last))
    return passages
