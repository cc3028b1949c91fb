"""The `[discord]` table of config.toml, and the bot token held as a secret."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.index import Config, ConfigError

TOKEN_ENV = "DISCORD_TOKEN"
# Three dot-separated base64url parts: what Discord issues as a bot token.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


class Secret:
    """A value that never shows itself: not in repr, str, f-strings, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class ScheduledBriefing:
    """One `[[briefings]]` table: post a briefing on `topic` to `channel` every day at
    `at` in `timezone`, covering articles published in the last `days` days."""

    channel: int
    topic: str
    at: time
    timezone: str = "UTC"
    days: int = 1

    @property
    def key(self) -> str:
        """What the database remembers this briefing's last run by."""
        return f"{self.channel}|{self.topic}|{self.at.isoformat('minutes')}|{self.timezone}"

    @property
    def local_time(self) -> time:
        return self.at.replace(tzinfo=ZoneInfo(self.timezone))


@dataclass(frozen=True)
class DiscordSettings:
    question_channels: frozenset[int] = frozenset()
    cooldown_seconds: float = 5.0
    admin_roles: frozenset[int | str] = frozenset()  # role ids, or role names
    token_file: Path | None = None
    results_per_page: int = 3
    guild_ids: tuple[int, ...] = field(default=())  # sync slash commands to these guilds
    answer_in_threads: bool = False  # answer a mention in a thread started on it
    briefings: tuple[ScheduledBriefing, ...] = field(default=())


_KNOWN = ("question_channels", "cooldown_seconds", "admin_roles", "token_file",
          "results_per_page", "guild_ids", "answer_in_threads")


def discord_settings(config: Config) -> DiscordSettings:
    """The `[discord]` table, checked; unknown keys are an error that names the key."""
    table = config.tables.get("discord", {})
    where = str(config.path) if config.path else "config"
    for key in table:
        if key not in _KNOWN:
            raise ConfigError(f"{where}: unknown setting 'discord.{key}' "
                              f"(known: {', '.join(sorted(_KNOWN))})")

    def ids(key: str, allow_names: bool = False) -> list[int | str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(
                (isinstance(v, int) and not isinstance(v, bool) and v > 0)
                or (allow_names and isinstance(v, str) and v.strip()) for v in value):
            kind = "role ids or role names" if allow_names else "channel or guild ids (numbers)"
            raise ConfigError(f"{where}: discord.{key} must be a list of {kind}")
        return value

    cooldown = table.get("cooldown_seconds", 5.0)
    if not isinstance(cooldown, int | float) or isinstance(cooldown, bool) or not (
            0 <= cooldown <= 3600):
        raise ConfigError(f"{where}: discord.cooldown_seconds must be a number from 0 to 3600")
    per_page = table.get("results_per_page", 3)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 3:
        raise ConfigError(f"{where}: discord.results_per_page must be 1, 2 or 3")
    threads = table.get("answer_in_threads", False)
    if not isinstance(threads, bool):
        raise ConfigError(f"{where}: discord.answer_in_threads must be true or false")
    token_file = table.get("token_file")
    if token_file is not None and (not isinstance(token_file, str) or not token_file.strip()):
        raise ConfigError(f"{where}: discord.token_file must be a path")
    base = config.path.parent if config.path else Path.cwd()
    return DiscordSettings(
        question_channels=frozenset(ids("question_channels")),  # type: ignore[arg-type]
        cooldown_seconds=float(cooldown),
        admin_roles=frozenset(ids("admin_roles", allow_names=True)),
        token_file=(base / Path(token_file).expanduser()) if token_file else None,
        results_per_page=per_page,
        guild_ids=tuple(ids("guild_ids")),  # type: ignore[arg-type]
        answer_in_threads=threads,
        briefings=tuple(_briefing(where, n, table)
                        for n, table in enumerate(config.tables.get("briefings", []), start=1)),
    )


_BRIEFING_KEYS = ("channel", "topic", "time", "timezone", "days")


def _briefing(where: str, number: int, table: dict[str, object]) -> ScheduledBriefing:
    """One [[briefings]] table, checked; errors name the file, the briefing and the key."""
    name = f"{where}: briefing {number}"
    for key in table:
        if key not in _BRIEFING_KEYS:
            raise ConfigError(f"{name}: unknown setting {key!r} "
                              f"(known: {', '.join(_BRIEFING_KEYS)})")
    channel, topic = table.get("channel"), table.get("topic")
    if not isinstance(channel, int) or isinstance(channel, bool) or channel <= 0:
        raise ConfigError(f"{name}: channel must be a channel id (a number)")
    if not isinstance(topic, str) or not topic.strip():
        raise ConfigError(f"{name}: topic must be a non-empty string")
    try:
        at = time.fromisoformat(str(table.get("time", "")))
    except ValueError:
        raise ConfigError(f"{name}: time must be a time of day such as \"07:30\"") from None
    zone = table.get("timezone", "UTC")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}: unknown timezone {zone!r} (use a name such as "
                          "\"Europe/London\")") from None
    days = table.get("days", 1)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ConfigError(f"{name}: days must be a whole number from 1 to 365")
    return ScheduledBriefing(channel, topic.strip(), at.replace(second=0, microsecond=0),
                             str(zone), days)


def load_token(settings: DiscordSettings) -> Secret:
    """The bot token from $DISCORD_TOKEN, else from `token_file`; ConfigError if missing or
    malformed. The error never contains the token or any part of it."""
    value = os.environ.get(TOKEN_ENV, "").strip()
    origin = f"${TOKEN_ENV}"
    if not value and settings.token_file is not None:
        origin = str(settings.token_file)
        try:
            value = settings.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{origin}: cannot read the token file: "
                              f"{exc.strerror or type(exc).__name__}") from None
    if not value:
        raise ConfigError(f"no Discord token: set ${TOKEN_ENV} or discord.token_file in the "
                          "config (the file must lie outside the repository)")
    if not _TOKEN_SHAPE.match(value):
        raise ConfigError(f"{origin}: this is not a Discord bot token (expected three "
                          "dot-separated parts, as the Developer Portal shows it)")
    return Secret(value)
