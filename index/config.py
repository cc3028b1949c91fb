"""Settings from `config.toml` (see config.example.toml) and the environment.

index/ reads the `[index]` table; other tables belong to other layers and are handed
on untouched, but a table nobody knows is an error, as is an unknown key in `[index]`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Tables read by other layers (bot/ reads [discord] and [[briefings]]); index/ only
# checks that they exist.
KNOWN_TABLES = frozenset({"index", "discord", "briefings"})
DATA_DIR_ENV = "NEWSDESK_DATA_DIR"

# Passage windows: 5 sentences every 3 won on ../shared/newsqa-dev (README, Evaluation).
DEFAULT_WINDOW = 5
DEFAULT_STRIDE = 3


class ConfigError(Exception):
    """A problem with the config file, in one line that names the file."""


@dataclass(frozen=True)
class IndexSettings:
    data_dir: Path
    passage_window: int = DEFAULT_WINDOW
    passage_stride: int = DEFAULT_STRIDE


@dataclass(frozen=True)
class Config:
    index: IndexSettings
    tables: dict[str, object] = field(default_factory=dict)  # other layers'
    path: Path | None = None


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
        if key == "briefings":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise ConfigError(f"{path}: briefings must be tables ([[briefings]])")
        elif not isinstance(value, dict):
            raise ConfigError(f"{path}: {key!r} must be a table ([{key}])")
    return Config(_index_settings(path, data.get("index", {})),
                  {k: v for k, v in data.items() if k != "index"}, path)


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
    return IndexSettings(resolved, **numbers)
