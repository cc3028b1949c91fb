"""Small pieces of English shared by the console and the bot, so that both say things
the same way."""

from __future__ import annotations

from datetime import date


def plural(count: int, noun: str) -> str:
    """"1 article", "3 articles", "2 copies"."""
    if count == 1:
        return f"{count} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{count} {noun[:-1]}ies"
    return f"{count} {noun}s"


def day_label(published: str | None) -> str:
    """An article's publication day as shown: "2018-11-24", or "undated"."""
    return published[:10] if published else "undated"


def window_label(since: date | None, until: date | None) -> str:
    """A date window as shown: "2018-11-01 to today", "… to 2018-11-30", "all dates"."""
    if since is None and until is None:
        return "all dates"
    return f"{since or '…'} to {until or 'today'}"
