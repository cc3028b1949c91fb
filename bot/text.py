"""Making quoted news text safe and short enough for Discord.

News text is quoted, never interpreted: markdown characters and mentions in it are
escaped, and text is trimmed at sentence or word boundaries before it is formatted,
so a cut never falls inside markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote as percent_encode
from urllib.parse import urlsplit

import discord

ELLIPSIS = "…"
_URL_SAFE = "/:?#&=%+,;@!$.-"  # and letters, digits, _ . - ~, which are never encoded
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s")


def escape(text: str) -> str:
    """Quoted text as plain text: no markdown, no mentions, no masked links."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def web_url(url: str | None, limit: int = 512) -> str | None:
    """`url` made safe to link, or None when it is not an http(s) URL with a host (or is
    longer than `limit`). Every character that could end a markdown link or start markup
    (brackets, parentheses, angle brackets, quotes, spaces, * and |) is percent-encoded."""
    if not url or len(url) > limit or not url.isprintable():
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return percent_encode(url.strip(), safe=_URL_SAFE)


def link(label: str, url: str | None, limit: int = 512) -> str:
    """`label` (already escaped) as a masked link to `url` when it is a web URL (of at
    most `limit` characters), else in bold."""
    safe = web_url(url, limit)
    return f"[{label}]({safe})" if safe else f"**{label}**"


def cut_end(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a sentence, else a word, boundary."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:max(limit, 0)]
    room = text[:limit - len(ELLIPSIS)]
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ")]
    if ends and ends[-1] >= len(room) * 0.6:
        return room[:ends[-1]].rstrip()  # whole sentences need no ellipsis
    cut = room.rsplit(None, 1)[0] if " " in room.strip() else room
    return cut.rstrip(" ,;:—–-") + ELLIPSIS


def cut_start(text: str, limit: int) -> str:
    """The end of `text`, at most `limit` characters, starting at a sentence or word."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ""
    room = text[len(text) - (limit - len(ELLIPSIS)):]
    match = _SENTENCE_END.search(room)
    if match and match.end() <= len(room) * 0.4:
        return room[match.end():].lstrip()
    parts = room.split(None, 1)
    return ELLIPSIS + (parts[1] if len(parts) == 2 else room).lstrip()


def safe_cut(text: str, limit: int, cut: Callable[[str, int], str] = cut_end) -> str:
    """Escaped text of at most `limit` characters, cut (by `cut`) before escaping, so
    that no cut falls inside an escape."""
    raw_limit = limit
    escaped = escape(cut(text, raw_limit))
    while len(escaped) > limit and raw_limit > 0:
        raw_limit -= max(len(escaped) - limit, 1)
        escaped = escape(cut(text, raw_limit))
    return escaped


def code(text: str, limit: int = 100) -> str:
    """`text` (an article id) as inline code that cannot be closed early: backticks and
    line breaks are taken out."""
    return "`" + " ".join(text.replace("`", "'").split())[:limit] + "`"


def quote(passage: str, answer_start: int, answer_end: int, limit: int) -> str:
    """A block quote of `passage` with the answer sentence in bold, at most `limit`
    characters, trimmed around the answer; one quoted line per paragraph."""
    def lines(text: str) -> str:
        return text.replace("\n\n", "\n").replace("\n", "\n> ")

    answer_text = passage[answer_start:answer_end]
    before_text = passage[:answer_start]
    after_text = passage[answer_end:]
    budget = limit - len("> ") - len("****")
    answer = lines(safe_cut(answer_text, budget))
    left = budget - len(answer)
    after = lines(safe_cut(after_text, max(left - min(left // 2, len(escape(before_text))), 0)))
    before = lines(safe_cut(before_text, max(left - len(after), 0), cut_start))
    # A trimmed side may lose its paragraph break; keep the bold run on its own words.
    return f"> {before}**{answer}**{after}".rstrip()
