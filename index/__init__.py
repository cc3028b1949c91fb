"""newsdesk's core: ingest news articles, cut passages, build BM25, answer questions.

This package's names are its public API, and `Archive` is its one front door: the
console (cli.py, console.py) and the Discord bot use only what is imported here, and
lay out what `Archive` returns. Nothing here imports Discord.
"""

from .archive import Archive, ArchiveStats, NoIndexError, Selection, TitleMatch, bundled_seeds
from .briefing import Briefing, BriefingItem
from .config import Config, ConfigError, FeedSource, IndexSettings, load_config
from .dates import parse_day
from .evaluate import Comparison, EvalConfig, EvalDataError, EvalResult, compare, evaluate
from .feedback import VERDICTS, FeedbackSummary, ShownAnswer
from .feedlog import FeedPoll
from .feeds import FeedReport
from .fetch import Fetcher
from .figures import Claim, Dispute, Series
from .indexer import EmptyStoreError
from .ingest import IngestReport, is_url
from .markers import Marker
from .params import IndexParams
from .progress import Progress, Silent
from .ranking import Ranking
from .readers import MAX_ARTICLE_BYTES
from .records import Article, Hit, Rejection
from .search import Answer, Query
from .timeline import Timeline, TimelineDay
from .watches import Alert, Watch
from .wording import day_label, plural, window_label

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
