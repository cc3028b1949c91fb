"""Timelines: the dated stories of a topic in order, grouped by day.

A timeline is a briefing laid out in time: the same stories (every word of the topic,
syndicated copies folded into one story with all its outlets), oldest first, each with
its key sentence, and the figures that outlets updated shown as series. Undated
articles have no place in it; the timeline says how many it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from .briefing import Briefing, BriefingItem
from .figures import Series
from .wording import window_label


@dataclass(frozen=True)
class TimelineDay:
    date: str  # YYYY-MM-DD
    stories: tuple[BriefingItem, ...]


@dataclass(frozen=True)
class Timeline:
    topic: str
    since: date | None
    until: date | None
    days: tuple[TimelineDay, ...]  # oldest first
    series: tuple[Series, ...]
    undated_left_out: int
    searched: tuple[str, ...]

    @property
    def window(self) -> str:
        return window_label(self.since, self.until)

    def to_json(self) -> dict[str, object]:
        return {
            "topic": self.topic,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "days": [{"date": day.date,
                      "stories": [{"article_id": s.article_id, "title": s.title,
                                   "sources": list(s.outlets), "sentence": s.key_sentence}
                                  for s in day.stories]} for day in self.days],
            "series": [{"counts": s.counts, "event": s.event, "outlet": s.outlet,
                        "figures": [{"value": c.value, "day": c.day} for c in s.claims]}
                       for s in self.series],
            "undated_left_out": self.undated_left_out,
        }


def timeline_of(briefing: Briefing) -> Timeline:
    """The briefing's dated stories by day, oldest first."""
    dated = sorted(briefing.items, key=lambda item: item.published or "")
    days = tuple(TimelineDay(day, tuple(items))
                 for day, items in groupby(dated, key=lambda item: item.day))
    undated = sum(1 + len(i.copies) for i in briefing.undated) + briefing.undated_left_out
    return Timeline(briefing.topic, briefing.since, briefing.until, days, briefing.series,
                    undated, briefing.searched)
