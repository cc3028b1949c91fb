"""What is baked into an index when it is built, kept in one place.

Passage windows, BM25's k1 and b and the analyzer that made the terms are properties of
an index, not of a question (k1 and b could be applied per question, as avgdl is, but
an index keeps them so that its scores mean one thing):
they are written into the index's metadata and compared when it is opened, and an index
built with other values is rebuilt (see `Archive.needs_rebuild`). Settings applied per
question live in `ranking.Ranking`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from .analyzer import ANALYZER_VERSION
from .bm25 import Bm25Params

# Passage windows: 5 sentences every 2 won on ../shared/newsqa-dev (README, Evaluation):
# against every 3, MRR@10 +0.017, R@1 +0.03, Sent@1 +0.01 (7 questions ranked
# differently: 5 better, 2 worse) for 1.5 times the passages at the same 94 words each.
DEFAULT_WINDOW = 5
DEFAULT_STRIDE = 2


@dataclass(frozen=True)
class IndexParams:
    window: int = DEFAULT_WINDOW  # sentences per passage
    stride: int = DEFAULT_STRIDE  # sentences from one passage's start to the next's
    # BM25 over passages (k1 0.9 / b 0.4 beat rank-bm25's 1.5 / 0.75 by ~+0.02 MRR).
    passage_k1: float = 0.9
    passage_b: float = 0.4
    # BM25 over whole articles, whose score lifts all of an article's passages.
    article_k1: float = 0.9
    article_b: float = 0.4
    analyzer: str = ANALYZER_VERSION

    @property
    def passage_bm25(self) -> Bm25Params:
        return Bm25Params(k1=self.passage_k1, b=self.passage_b)

    @property
    def article_bm25(self) -> Bm25Params:
        return Bm25Params(k1=self.article_k1, b=self.article_b)

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> IndexParams | None:
        """The params an index was built with, None if `data` does not describe them."""
        if not isinstance(data, dict) or set(data) != {f.name for f in fields(cls)}:
            return None
        return cls(**data)

    def differences(self, other: IndexParams) -> list[str]:
        """The settings that differ, as "window 5 → 4"."""
        mine, theirs = asdict(self), asdict(other)
        return [f"{key} {theirs[key]} → {mine[key]}" for key in mine if mine[key] != theirs[key]]

    def with_changes(self, changes: dict[str, str]) -> IndexParams:
        """A copy with "key" → "value" text overrides (for `eval --compare` specs);
        ValueError names an unknown key or a bad number."""
        types = {f.name: f.type for f in fields(self) if f.name != "analyzer"}
        parsed: dict[str, float | int] = {}
        for key, value in changes.items():
            if key not in types:
                raise ValueError(f"unknown index setting {key!r}")
            try:
                parsed[key] = int(value) if types[key] in (int, "int") else float(value)
            except ValueError:
                raise ValueError(f"{key} must be a number, got {value!r}") from None
            if parsed[key] <= 0:
                raise ValueError(f"{key} must be above 0")
        return replace(self, **parsed)
