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

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import numpy as np

from .answer import Candidate, best_index, score_sentences
from .corroboration import Corroboration, Report, corroborate, corroboration_of
from .duplicates import group_stories
from .figures import Dispute, Series, claims_in, figure_changes
from .records import Article
from .search import Query, Searcher
from .segments import UNDATED
from .wording import day_label, plural, window_label

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
    key_sentence: str = ""  # the one that says most about the topic
    reported_by: tuple[str, ...] = ()  # outlets with their own report of it, this one first

    @property
    def corroboration(self) -> Corroboration:
        """"reported by 3 outlets, and copies in 12 more"."""
        return corroboration_of(self.source, self.reported_by, self.outlets)

    @property
    def day(self) -> str:
        """"2018-11-24", or "undated"."""
        return day_label(self.published)

    def to_json(self) -> dict[str, object]:
        return {"article_id": self.article_id, "title": self.title, "source": self.source,
                "url": self.url, "published": self.published, "sentences": list(self.sentences),
                "outlets": list(self.outlets), "copies": list(self.copies),
                "independent_outlets": len(self.corroboration.outlets),
                "reported_by": list(self.corroboration.outlets)}


@dataclass(frozen=True)
class Briefing:
    topic: str
    since: date | None
    until: date | None
    items: tuple[BriefingItem, ...]  # dated, newest first
    undated: tuple[BriefingItem, ...]
    disputes: tuple[Dispute, ...]
    searched: tuple[str, ...] = field(default=())
    undated_left_out: int = 0  # undated articles on the topic that a date window left out
    series: tuple[Series, ...] = ()  # figures an outlet updated over time

    @property
    def empty(self) -> bool:
        return not self.items and not self.undated

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

    @property
    def window(self) -> str:
        """"2018-11-01 to today (2 undated articles left out)", or "all dates"."""
        left_out = (f" ({plural(self.undated_left_out, 'undated article')} left out)"
                    if self.undated_left_out else "")
        return window_label(self.since, self.until) + left_out

    @property
    def summary(self) -> str:
        """"3 articles from 2 outlets, published 2018-11-20 to 2018-11-24; 1 undated"."""
        dates = (f"published {self.first_date} to {self.last_date}" if self.first_date
                 else "none dated")
        undated_articles = sum(1 + len(i.copies) for i in self.undated)
        undated = f"; {undated_articles} undated" if undated_articles else ""
        return (f"{plural(self.articles, 'article')} from "
                f"{plural(len(self.outlets), 'outlet')}, {dates}{undated}")

    def to_json(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "articles": self.articles, "outlets": self.outlets,
            "undated_left_out": self.undated_left_out,
            "first_date": self.first_date, "last_date": self.last_date,
            "items": [i.to_json() for i in self.items],
            "undated": [i.to_json() for i in self.undated],
            "disputes": [{"counts": d.counts, "event": d.event,
                          "figures": [{"value": c.value, "sentence": c.sentence,
                                       "article_id": c.article.id, "source": c.article.source,
                                       "published": c.article.published} for c in d.claims]}
                         for d in self.disputes],
            "series": [{"counts": s.counts, "event": s.event, "outlet": s.outlet,
                        "figures": [{"value": c.value, "day": c.day, "sentence": c.sentence,
                                     "article_id": c.article.id} for c in s.claims]}
                       for s in self.series],
        }


def build_briefing(searcher: Searcher, topic: str, *, since: date | None = None,
                   until: date | None = None, added_after: datetime | None = None,
                   limit: int = 8) -> Briefing:
    """The briefing on `topic` for articles published in [since, until] and, for
    scheduled runs, added to the archive after `added_after`.

    An article is on the topic when it has every informative word of it (each of the
    topic's search terms): "Harbor Bridge" is not matched by "harbor" alone. Undated
    articles follow the rule of `ask` and `search`: a date window leaves them out (and
    the briefing says how many); without one they are listed apart, never as new.
    """
    query = searcher.parse(topic)
    empty = Briefing(topic, since, until, (), (), (), tuple(query.terms))
    if not query.known_terms:
        return empty
    snapshot = searcher.snapshot
    whole = snapshot.articles
    scores = whole.scores(query.known_terms)
    # Not "scores > 0": on a small archive Okapi's IDF goes negative for common terms.
    relevant = searcher.articles_on(query)
    undated = relevant & (np.asarray(snapshot.article_day) == UNDATED)
    window = searcher.articles_allowed(None, since, until)
    chosen = relevant if window is None else relevant & window
    left_out = 0 if window is None else int(undated.sum())
    empty = replace(empty, undated_left_out=left_out)
    store = searcher.store
    if added_after is not None:  # before the best are picked: old stories must not crowd out
        fresh = store.added_since(added_after)
        chosen = chosen & np.fromiter((i in fresh for i in snapshot.article_ids), bool,
                                      count=len(snapshot.article_ids))
    ids = [snapshot.article_ids[a] for a in _best(scores, chosen, limit * 4)]
    if not ids:
        return empty

    stored = store.articles(ids)
    stories = group_stories([stored[i] for i in ids if i in stored])[:limit]
    spans = store.sentence_spans(a.id for story in stories for a in story)
    sentences = {i: [stored[i].text[s:e] for s, e in spans[i]] for i in spans}
    items = _corroborated([_item(story, sentences[story[0].id], query, searcher)
                           for story in stories], stories, searcher)
    dated_items = sorted((i for i in items if i.published), key=lambda i: i.published or "",
                         reverse=True)
    disputes, series = _figures([a for story in stories for a in story], sentences)
    return Briefing(topic, since, until, tuple(dated_items),
                    tuple(i for i in items if not i.published), tuple(disputes),
                    tuple(query.terms), left_out, tuple(series))


def _best(scores: np.ndarray, allowed: np.ndarray, n: int) -> list[int]:
    candidates = np.flatnonzero(allowed)
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order][:n].tolist()


def _item(story: list[Article], sentences: list[str], query: Query,
          searcher: Searcher) -> BriefingItem:
    """The story's lead article with the sentences that say most about the topic."""
    lead = story[0]
    candidates = [Candidate(text, searcher.analyzer.terms(text), i)
                  for i, text in enumerate(sentences)]
    scores = score_sentences(query.text, query.known_terms, candidates,
                             lambda t: searcher.term_weight(t) or 0.0, searcher.ranking)
    remaining = list(range(len(candidates)))
    chosen: list[int] = []
    while remaining and len(chosen) < SENTENCES_PER_ITEM:
        best = remaining[best_index([scores[i] for i in remaining])]
        chosen.append(best)
        remaining.remove(best)
    outlets = tuple(dict.fromkeys(a.source for a in story))
    return BriefingItem(lead.id, lead.title, lead.source, lead.url, lead.published,
                        tuple(sentences[i] for i in sorted(chosen)), outlets,
                        tuple(a.id for a in story[1:]),
                        sentences[chosen[0]] if chosen else "")


def _corroborated(items: list[BriefingItem], stories: list[list[Article]],
                  searcher: Searcher) -> list[BriefingItem]:
    """The items with the outlets whose own reports of the same story are among them."""
    signatures = searcher.signatures([story[0] for story in stories])
    found = corroborate([Report(i.source, i.outlets[1:], s)
                         for i, s in zip(items, signatures, strict=True)])
    return [replace(i, reported_by=c.outlets) for i, c in zip(items, found, strict=True)]


def _figures(articles: list[Article], sentences: dict[str, list[str]]
             ) -> tuple[list[Dispute], list[Series]]:
    return figure_changes([claim for a in articles for sentence in sentences.get(a.id, [])
                           for claim in claims_in(sentence, a)])
