"""newsdesk's core: ingest news articles, cut passages, build BM25, answer questions.

This package's names are its public API, and `Archive` is its one front door: the
console (cli.py, console.py) and the Discord bot use only what is imported here, and
lay out what `Archive` returns. Nothing here imports Discord.

Each name is imported from its module when it is first used, so that a command loads
only the modules it needs: `newsdesk ask` starts without ingest, feeds, fetching or
briefings.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .archive import Archive, ArchiveStats, NoIndexError, Selection, TitleMatch, bundled_seeds
    from .briefing import Briefing, BriefingItem
    from .config import Config, ConfigError, FeedSource, IndexSettings, load_config
    from .dates import parse_day
    from .errors import UserError
    from .evaluation import Comparison, EvalConfig, EvalDataError, EvalResult, compare, evaluate
    from .feedback import VERDICTS, FeedbackSummary, ShownAnswer
    from .feedlog import FeedPoll
    from .feeds import FeedReport
    from .fetch import Fetcher
    from .figures import Claim, Dispute, Series
    from .indexer import EmptyStoreError
    from .ingest import IngestReport, is_url
    from .markers import Marker
    from .params import IndexParams
    from .progress import LineProgress, Progress, Silent
    from .ranking import Ranking
    from .readers import MAX_ARTICLE_BYTES
    from .records import Article, Hit, Rejection
    from .search import Answer, Query
    from .timeline import Timeline, TimelineDay
    from .watches import Alert, Watch
    from .wording import day_label, plural, window_label

_MODULE_OF = {
    "Alert": "watches",
    "Answer": "search",
    "Archive": "archive",
    "ArchiveStats": "archive",
    "Article": "records",
    "Briefing": "briefing",
    "BriefingItem": "briefing",
    "bundled_seeds": "archive",
    "Claim": "figures",
    "compare": "evaluation",
    "Comparison": "evaluation",
    "Config": "config",
    "ConfigError": "config",
    "day_label": "wording",
    "evaluate": "evaluation",
    "Dispute": "figures",
    "EmptyStoreError": "indexer",
    "EvalConfig": "evaluation",
    "EvalDataError": "evaluation",
    "EvalResult": "evaluation",
    "FeedbackSummary": "feedback",
    "FeedPoll": "feedlog",
    "FeedReport": "feeds",
    "FeedSource": "config",
    "Fetcher": "fetch",
    "Hit": "records",
    "IndexParams": "params",
    "IndexSettings": "config",
    "IngestReport": "ingest",
    "is_url": "ingest",
    "LineProgress": "progress",
    "load_config": "config",
    "Marker": "markers",
    "MAX_ARTICLE_BYTES": "readers",
    "NoIndexError": "archive",
    "parse_day": "dates",
    "plural": "wording",
    "Progress": "progress",
    "Query": "search",
    "Ranking": "ranking",
    "Rejection": "records",
    "Selection": "archive",
    "Series": "figures",
    "ShownAnswer": "feedback",
    "Silent": "progress",
    "Timeline": "timeline",
    "TimelineDay": "timeline",
    "TitleMatch": "archive",
    "UserError": "errors",
    "VERDICTS": "feedback",
    "Watch": "watches",
    "window_label": "wording",
}

__all__ = [
    "MAX_ARTICLE_BYTES",
    "VERDICTS",
    "Alert",
    "Answer",
    "Archive",
    "ArchiveStats",
    "Article",
    "Briefing",
    "BriefingItem",
    "Claim",
    "Comparison",
    "Config",
    "ConfigError",
    "Dispute",
    "EmptyStoreError",
    "EvalConfig",
    "EvalDataError",
    "EvalResult",
    "FeedPoll",
    "FeedReport",
    "FeedSource",
    "FeedbackSummary",
    "Fetcher",
    "Hit",
    "IndexParams",
    "IndexSettings",
    "IngestReport",
    "LineProgress",
    "Marker",
    "NoIndexError",
    "Progress",
    "Query",
    "Ranking",
    "Rejection",
    "Selection",
    "Series",
    "ShownAnswer",
    "Silent",
    "Timeline",
    "TimelineDay",
    "TitleMatch",
    "UserError",
    "Watch",
    "bundled_seeds",
    "compare",
    "day_label",
    "evaluate",
    "is_url",
    "load_config",
    "parse_day",
    "plural",
    "window_label",
]


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:  # a submodule (`from newsdesk.index import ingest`) or a mistake
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))
