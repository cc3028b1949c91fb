"""Plain data that crosses module boundaries: articles, passages and search hits."""

from __future__ import annotations

from dataclasses import dataclass, field

from .corroboration import Corroboration, corroboration_of
from .one_line import one_line


@dataclass(frozen=True)
class Article:
    """One cleaned article, as stored in the database."""

    id: str
    title: str
    source: str
    text: str
    url: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as given
    authors: tuple[str, ...] = ()
    dateline: str | None = None  # "BEIRUT", "WASHINGTON (AP)": kept as metadata, not indexed
    credits: tuple[str, ...] = ()  # "Youssef reported from Cairo.": kept, not indexed
    origin: str = ""  # the file (and line) it was read from


@dataclass(frozen=True)
class Passage:
    """A window of whole sentences of one article, with character offsets into its text."""

    article_id: str
    seq: int
    start: int  # character offsets into the article's text
    end: int
    first: int  # the sentences it holds: first up to (not including) last
    last: int


@dataclass(frozen=True)
class Hit:
    """One search result: a passage, the sentence in it that best answers, and attribution."""

    article_id: str
    title: str
    source: str
    url: str | None
    published: str | None
    passage: str
    sentence: str
    score: float
    passage_start: int
    passage_end: int
    sentence_start: int  # offsets into the article text
    sentence_end: int
    authors: tuple[str, ...] = field(default=())
    also_in: tuple[str, ...] = field(default=())  # other outlets that carried this story
    # Outlets whose own report of the story is among the results, this one first
    # (corroboration.py); copies are in `also_in`.
    reported_by: tuple[str, ...] = field(default=())

    @property
    def corroboration(self) -> Corroboration:
        """"reported by 3 outlets, and copies in 12 more"."""
        return corroboration_of(self.source, self.reported_by, self.also_in)

    def to_json(self) -> dict[str, object]:
        """The hit as the `--json` output and the bot's API describe it."""
        return {
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "passage": self.passage,
            "sentence": self.sentence,
            "score": round(self.score, 4),
            "also_in": list(self.also_in),
            "independent_outlets": len(self.corroboration.outlets),
            "reported_by": list(self.corroboration.outlets),
        }


@dataclass(frozen=True)
class RawRecord:
    """Fields of one article as found in a file, page or feed, before validation."""

    fields: dict[str, object]
    origin: str  # "path", "path:line" or a URL
    folder: str  # the parent folder's name: the source when none is given
    from_plain_text: bool = False  # body may carry its own headline line


@dataclass(frozen=True)
class Rejection:
    """Something that could not be read, and why, in one line."""

    origin: str
    reason: str

    def __str__(self) -> str:
        """One line, whatever the origin (a file name may hold a newline)."""
        return f"{one_line(self.origin)}: {one_line(self.reason)}"
