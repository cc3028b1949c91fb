"""Settings from `config.toml` (see config.example.toml) and the environment.

index/ reads the `[index]` table; other tables belong to other layers and are handed
on untouched, but a table nobody knows is an error, as is an unknown key in `[index]`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError
from .params import DEFAULT_STRIDE, DEFAULT_WINDOW, IndexParams

if TYPE_CHECKING:
    from .fetch import Fetcher  # (imported when used: it loads ssl and http)

# Tables read by other layers (bot/ reads [discord] and [[briefings]]); index/ only
# checks that they exist.
KNOWN_TABLES = frozenset({"index", "discord", "briefings", "feeds", "fetch"})
DATA_DIR_ENV = "NEWSDESK_DATA_DIR"


class ConfigError(UserError):
    """A problem with the config file, in one line that names the file."""


@dataclass(frozen=True)
class IndexSettings:
    data_dir: Path
    params: IndexParams = field(default_factory=IndexParams)  # what the index is built with


@dataclass(frozen=True)
class FeedSource:
    """One feed to poll: a `[[feeds]]` table."""

    url: str  # an http(s) URL, or a path to a feed file
    interval_minutes: int = 30
    source: str | None = None  # the outlet's name, when the feed's own title is not it


@dataclass(frozen=True)
class FetchSettings:
    """The `[fetch]` table: how pages and feeds are fetched."""

    # Fetching loopback, private, link-local … addresses is refused unless this is set
    # (for intranet feeds): otherwise anyone who can add a URL could read internal services.
    allow_private_addresses: bool = False

    def fetcher(self) -> Fetcher:
        from .fetch import Fetcher

        return Fetcher(allow_private_addresses=self.allow_private_addresses)


@dataclass(frozen=True)
class Config:
    index: IndexSettings
    tables: dict[str, object] = field(default_factory=dict)  # other layers'
    path: Path | None = None
    feeds: tuple[FeedSource, ...] = ()
    fetch: FetchSettings = field(default_factory=FetchSettings)


def default_data_dir() -> Path:
    """$NEWSDESK_DATA_DIR, else the per-user data folder ($XDG_DATA_HOME/newsdesk)."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "newsdesk"


def load_config(path: Path | None) -> Config:
    """The configuration in `path`, or the defaults when `path` is None."""
    if path is None:
        return Config(IndexSettings(default_data_dir()))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    for key, value in data.items():
        if key not in KNOWN_TABLES:
            raise ConfigError(f"{path}: unknown setting {key!r} "
                              f"(known tables: {', '.join(sorted(KNOWN_TABLES))})")
        if key in ("briefings", "feeds"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ConfigError(f"{path}: {key} must be tables ([[{key}]])")
        elif not isinstance(value, dict):
            raise ConfigError(f"{path}: {key!r} must be a table ([{key}])")
    feeds = tuple(_feed(path, n, table) for n, table in enumerate(data.get("feeds", []), 1))
    return Config(_index_settings(path, data.get("index", {})),
                  {k: v for k, v in data.items() if k not in ("index", "feeds", "fetch")}, path,
                  feeds, _fetch_settings(path, data.get("fetch", {})))


def _fetch_settings(path: Path, table: dict[str, object]) -> FetchSettings:
    for key in table:
        if key != "allow_private_addresses":
            raise ConfigError(f"{path}: unknown setting 'fetch.{key}' "
                              "(known: allow_private_addresses)")
    allow = table.get("allow_private_addresses", False)
    if not isinstance(allow, bool):
        raise ConfigError(f"{path}: fetch.allow_private_addresses must be true or false")
    return FetchSettings(allow)


def _feed(path: Path, number: int, table: dict[str, object]) -> FeedSource:
    name = f"{path}: feed {number}"
    known = ("url", "interval_minutes", "source")
    for key in table:
        if key not in known:
            raise ConfigError(f"{name}: unknown setting {key!r} (known: {', '.join(known)})")
    url = table.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{name}: url must be an http(s) URL or a file path")
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        url = str((path.parent / Path(url).expanduser()).resolve())
    interval = table.get("interval_minutes", 30)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 5 <= interval <= 1440:
        raise ConfigError(f"{name}: interval_minutes must be a whole number from 5 to 1440")
    source = table.get("source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise ConfigError(f"{name}: source must be a non-empty string")
    return FeedSource(url, interval, source.strip() if source else None)


def _index_settings(path: Path, table: dict[str, object]) -> IndexSettings:
    known = {"data_dir", "passage_window", "passage_stride"}
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown setting 'index.{key}' "
                              f"(known: {', '.join(sorted(known))})")
    data_dir = table.get("data_dir")
    if data_dir is None:
        resolved = default_data_dir()
    elif isinstance(data_dir, str) and data_dir.strip():
        # A relative data_dir is relative to the config file, not to where newsdesk runs.
        resolved = (path.parent / Path(data_dir).expanduser()).resolve()
    else:
        raise ConfigError(f"{path}: index.data_dir must be a non-empty string")
    numbers = {}
    for key, default in (("passage_window", DEFAULT_WINDOW), ("passage_stride", DEFAULT_STRIDE)):
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 50:
            raise ConfigError(f"{path}: index.{key} must be a whole number from 1 to 50")
        numbers[key] = value
    return IndexSettings(resolved, IndexParams(window=numbers["passage_window"],
                                               stride=numbers["passage_stride"]))
