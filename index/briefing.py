"""Briefings: what the archive says on a topic in a time window, as a short digest.

Extractive only: every sentence in a briefing is quoted from an article and attributed.
Articles are chosen by their BM25 score as whole documents and by how much of the
topic they mention; the chosen ones are listed newest first, syndicated copies of one
story (same text from several outlets) collapsed into one item that names every outlet,
and undated articles kept apart, never presented as new. Where the chosen articles give
different numbers for the same count (40 killed against 60), every figure is shown with
the sentence and outlet it comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from .answer import Candidate, best_index, score_sentences
from .archive import Archive
from .duplicates import same_story, shingles
from .figures import Claim, claims_in, disagreements
from .records import Article
from .search import Query
from .snapshot import UNDATED

# An article must mention this share of the topic's term weight to be in a briefing.
MIN_TOPIC_COVERAGE = 0.5
SENTENCES_PER_ITEM = 2


@dataclass(frozen=True)
class BriefingItem:
    article_id: str
    title: str
    source: str
    url: str | None
    published: str | None
    sentences: tuple[str, ...]  # quoted, in article order
    outlets: tuple[str, ...]  # every outlet that carried the story, this one first
    copies: tuple[str, ...]  # ids of the other articles that carry the same story


@dataclass(frozen=True)
class Citation:
    """One figure, as one source reports it."""

    value: int
    sentence: str
    article_id: str
    title: str
    source: str
    published: str | None


@dataclass(frozen=True)
class Dispute:
    counts: str  # "fighters"
    event: str  # "killed"
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Briefing:
    topic: str
    since: date | None
    until: date | None
    items: tuple[BriefingItem, ...]  # dated, newest first
    undated: tuple[BriefingItem, ...]
    disputes: tuple[Dispute, ...]
    searched: tuple[str, ...] = field(default=())

    @property
    def articles(self) -> int:
        return sum(1 + len(i.copies) for i in (*self.items, *self.undated))

    @property
    def outlets(self) -> list[str]:
        return sorted({o for i in (*self.items, *self.undated) for o in i.outlets})

    @property
    def first_date(self) -> str | None:
        return min((i.published[:10] for i in self.items if i.published), default=None)

    @property
    def last_date(self) -> str | None:
        return max((i.published[:10] for i in self.items if i.published), default=None)

    def to_json(self) -> dict[str, object]:
        def item(i: BriefingItem) -> dict[str, object]:
            return {"article_id": i.article_id, "title": i.title, "source": i.source,
                    "url": i.url, "published": i.published, "sentences": list(i.sentences),
                    "outlets": list(i.outlets), "copies": list(i.copies)}

        return {
            "topic": self.topic,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "articles": self.articles, "outlets": self.outlets,
            "first_date": self.first_date, "last_date": self.last_date,
            "items": [item(i) for i in self.items],
            "undated": [item(i) for i in self.undated],
            "disputes": [{"counts": d.counts, "event": d.event,
                          "figures": [{"value": c.value, "sentence": c.sentence,
                                       "article_id": c.article_id, "source": c.source,
                                       "published": c.published} for c in d.citations]}
                         for d in self.disputes],
        }


def build_briefing(archive: Archive, topic: str, *, since: date | None = None,
                   until: date | None = None, added_after: datetime | None = None,
                   limit: int = 8) -> Briefing:
    """The briefing on `topic` for articles published in [since, until] (undated ones
    listed apart) and, for scheduled runs, added to the archive after `added_after`."""
    searcher = archive.searcher()
    query = searcher.parse(topic)
    empty = Briefing(topic, since, until, (), (), (), tuple(query.terms))
    if not query.known_terms:
        return empty
    snapshot = searcher.snapshot
    whole = snapshot.articles
    scores = whole.scores(query.known_terms)
    # Not "scores > 0": on a small archive Okapi's IDF goes negative for common terms.
    relevant = searcher.coverage(query, whole) >= MIN_TOPIC_COVERAGE - 1e-9
    undated = relevant & (np.asarray(snapshot.article_day) == UNDATED)
    window = searcher.articles_allowed(None, since, until)
    dated = relevant & ~undated if window is None else relevant & window
    ids = [snapshot.article_ids[a] for a in _best(scores, dated | undated, limit * 4)]
    if added_after is not None:
        fresh = archive.store.added_after(ids, added_after)
        ids = [i for i in ids if i in fresh]
    if not ids:
        return empty

    stored = archive.store.articles(ids)
    stories = _stories([stored[i] for i in ids if i in stored])[:limit]
    spans = archive.store.sentence_spans(a.id for story in stories for a in story)
    sentences = {i: [stored[i].text[s:e] for s, e in spans[i]] for i in spans}

    def weight(term: str) -> float:
        return searcher.term_weight(term) or 0.0

    items = [_item(story, sentences[story[0].id], query, weight, archive) for story in stories]
    dated_items = sorted((i for i in items if i.published), key=lambda i: i.published or "",
                         reverse=True)
    return Briefing(topic, since, until, tuple(dated_items),
                    tuple(i for i in items if not i.published),
                    tuple(_disputes([a for story in stories for a in story], sentences)),
                    tuple(query.terms))


def _best(scores: np.ndarray, allowed: np.ndarray, n: int) -> list[int]:
    candidates = np.flatnonzero(allowed)
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:n].tolist()


def _stories(articles: list[Article]) -> list[list[Article]]:
    """Articles grouped into stories (best first); a story's first article leads it."""
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


def _item(story: list[Article], sentences: list[str], query: Query,
          weight: Callable[[str], float], archive: Archive) -> BriefingItem:
    """The story's lead article with the sentences that say most about the topic."""
    lead = story[0]
    candidates = [Candidate(text, archive.analyzer.terms(text), i)
                  for i, text in enumerate(sentences)]
    scores = score_sentences(query.text, query.known_terms, candidates, weight,
                             archive.ranking)
    remaining = list(range(len(candidates)))
    chosen: list[int] = []
    while remaining and len(chosen) < SENTENCES_PER_ITEM:
        best = remaining[best_index([scores[i] for i in remaining])]
        chosen.append(best)
        remaining.remove(best)
    outlets = tuple(dict.fromkeys(a.source for a in story))
    return BriefingItem(lead.id, lead.title, lead.source, lead.url, lead.published,
                        tuple(sentences[i] for i in sorted(chosen)), outlets,
                        tuple(a.id for a in story[1:]))


def _disputes(articles: list[Article], sentences: dict[str, list[str]]) -> list[Dispute]:
    by_id = {a.id: a for a in articles}
    claims: list[Claim] = [claim for a in articles for sentence in sentences[a.id]
                           for claim in claims_in(sentence, a.id)]
    return [Dispute(d.counts, d.event, tuple(
                Citation(c.value, c.sentence, c.article_id, by_id[c.article_id].title,
                         by_id[c.article_id].source, by_id[c.article_id].published)
                for c in d.claims))
            for d in disagreements(claims)]
