"""From a raw record to a validated, cleaned Article with a stable id."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from itertools import islice
from urllib.parse import urlsplit, urlunsplit

from .cleaning import clean_article_text, normalise_unicode
from .one_line import one_line
from .records import Article, RawRecord, Rejection
from .sentences import sentence_spans

# Other names that article exports commonly use for the record's keys.
_ALIASES = {
    "id": ("id", "article_id", "guid"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "site_name", "site"),
    "url": ("url", "link", "canonical_url"),
    "published": ("published", "date", "published_at", "pubdate", "publish_date"),
    "authors": ("authors", "author", "byline"),
    "text": ("text", "body", "content"),
}
TEXT_KEYS = _ALIASES["text"]
MAX_TITLE_CHARS = 80
_HEADLINE_MAX_CHARS = 150
_URL_SCHEMES = ("http", "https")
# An article has words: fewer than this many runs of letters ("....", "12 34") is not one.
MIN_WORDS = 2
_WORD = re.compile(r"[^\W\d_]+")


Sentences = list[tuple[int, int]]


def build_article(raw: RawRecord) -> tuple[Article, Sentences] | Rejection:
    """Validate and clean one record: the Article and its sentence spans, or a Rejection.

    The spans are computed here anyway (an untitled article takes its first sentence as
    its title), so they are handed on rather than computed twice.
    """
    origin = one_line(raw.origin)
    fields = {str(k).strip().lower(): v for k, v in raw.fields.items()}
    got = {name: _first(fields, keys) for name, keys in _ALIASES.items()}

    def reject(reason: str) -> Rejection:
        return Rejection(origin, reason)

    wrong = _wrong_type(got)
    if wrong:
        return reject(wrong)
    url = _text_field(got["url"])
    if url is not None:
        try:
            scheme = urlsplit(url).scheme
        except ValueError:  # "http://[::1": urlsplit checks brackets and the host name
            return reject(f"url is not a valid URL: {url[:60]!r}")
        if scheme not in _URL_SCHEMES:
            return reject(f"url must start with http:// or https://, got {url[:60]!r}")
    published = None
    if got["published"] is not None:
        published = _iso_date(got["published"])
        if published is None:
            return reject(f"published is not an ISO 8601 date: {str(got['published'])[:40]!r}")
    text = got["text"]
    if not isinstance(text, str) or not text.strip():
        return reject("no article text (expected a non-empty 'text' field)")
    cleaned = clean_article_text(text)
    body = cleaned.text

    title = _text_field(got["title"])
    if title is None and raw.from_plain_text:
        title, body = _headline(body)
    elif title is not None:
        body = _drop_repeated_headline(body, title)
    if not body.strip():
        return reject("no article text left after cleaning")
    words = len(list(islice(_WORD.finditer(body), MIN_WORDS)))
    if words < MIN_WORDS:
        return reject("too few words: not an article" if words else "no words: not an article")
    spans = sentence_spans(body)
    if title is None:
        title = _title_from_sentence(body[spans[0][0]:spans[0][1]] if spans else body)

    article = Article(
        id=_text_field(got["id"]) or article_id(url, body),
        title=title,
        source=_text_field(got["source"]) or _text_field(raw.folder) or "",
        text=body,
        url=url,
        published=published,
        authors=_authors(got["authors"]),
        dateline=cleaned.dateline,
        credits=cleaned.credits,
        origin=origin,
    )
    return article, spans


def article_id(url: str | None, text: str) -> str:
    """A stable id: a hash of the normalised URL, or of the normalised text."""
    if url:
        try:
            parts = urlsplit(url.strip())
            key = urlunsplit((parts.scheme.lower(), parts.netloc.lower(),
                              parts.path.rstrip("/") or "/", parts.query, ""))
        except ValueError:  # "http://[::1" from a feed: build_article rejects it later
            key = url.strip()
    else:
        key = " ".join(text.lower().split())
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _first(fields: dict[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        value = fields.get(key)
        if value not in (None, ""):
            return value
    return None


def _wrong_type(got: dict[str, object]) -> str | None:
    """Why a field is not of a type it can have, if one is not: JSON can give any field
    an object, a list or a number, whose Python repr must not be stored as its text."""
    for name, value in got.items():
        if value is None or isinstance(value, str):
            continue
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue  # numeric ids are common in exports
        if name == "authors" and isinstance(value, list):
            odd = next((a for a in value if not isinstance(a, str)), None)
            if odd is None:
                continue
            return f"authors must be text or a list of text, got a list holding {json_kind(odd)}"
        return f"{name} must be text, got {json_kind(value)}"
    return None


def json_kind(value: object) -> str:
    """How a value read from JSON is named to the user: "an object", "a list"…"""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _text_field(value: object) -> str | None:
    """One line of clean text (see `normalise_unicode`), or None if nothing is left."""
    if value is None:
        return None
    return " ".join(normalise_unicode(str(value)).split()) or None


def _authors(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"\s*[;,]\s*|\s+and\s+", str(value))
    names = (re.sub(r"^by\s+", "", _text_field(a) or "", flags=re.I) for a in items)
    return tuple(n for n in names if n)


def _iso_date(value: object) -> str | None:
    """The ISO 8601 date or datetime as given (normalised), or None if it is not one."""
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _headline(body: str) -> tuple[str | None, str]:
    """Split a plain-text body into (headline, rest) when its first line reads like one."""
    first, sep, rest = body.partition("\n\n")
    if (sep and rest.strip() and len(first) <= _HEADLINE_MAX_CHARS
            and len(first.split()) >= 2 and not first.rstrip().endswith((".", ",", ";"))):
        return first.strip(), rest
    return None, body


def _drop_repeated_headline(body: str, title: str) -> str:
    first, sep, rest = body.partition("\n\n")
    if sep and " ".join(first.split()).casefold() == title.casefold():
        return rest
    return body


def _title_from_sentence(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    cut = sentence[:MAX_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return f"{cut}…"
