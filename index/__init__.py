"""newsdesk's index: ingest news articles, cut passages, build BM25, answer questions.

Nothing here imports Discord; the bot and the console are thin layers over `Archive`.
"""

from .archive import Archive, ArchiveStats, NoIndexError, bundled_seeds
from .config import Config, ConfigError, IndexSettings, load_config
from .ingest import IngestReport
from .records import Article, Hit

__all__ = [
    "Archive",
    "ArchiveStats",
    "Article",
    "Config",
    "ConfigError",
    "Hit",
    "IndexSettings",
    "IngestReport",
    "NoIndexError",
    "bundled_seeds",
    "load_config",
]
