"""RSS 2.0 and Atom feeds: their entries become articles.

An entry that carries its whole article (content:encoded, Atom content) is used as it
is; one that carries only a summary has its page fetched and extracted. An entry whose
link is already stored is not fetched again. A feed remembers its ETag and
Last-Modified, so polling an unchanged feed costs one 304. One failing feed or entry
is reported in one line and never stops the others.
"""

from __future__ import annotations

import calendar
import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .articles import article_id
from .config import FeedSource
from .feedlog import FeedLog
from .fetch import Fetcher
from .ingest import IngestReport, fetch_page
from .records import RawRecord, Rejection
from .web import MIN_ARTICLE_WORDS

log = logging.getLogger("newsdesk.feeds")

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/xml",
                        "text/xml", "application/rdf+xml"})
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


@dataclass
class FeedReport:
    feed: str
    entries: int = 0
    added: int = 0
    duplicates: int = 0
    unchanged: bool = False
    error: str | None = None
    rejected: list[Rejection] = field(default_factory=list)

    def outcome(self) -> str:
        """How the poll went, in a few words: counts, "unchanged …" or "failed: …"."""
        if self.error:
            return f"failed: {self.error}"
        if self.unchanged:
            return "unchanged since the last poll"
        entries = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        return (f"{entries}, {self.added} added, {self.duplicates} already stored, "
                f"{len(self.rejected)} rejected")

    def summary(self) -> str:
        return f"{self.feed}: {self.outcome()}"


# How the archive takes a feed's entries: `Archive.add_records`.
AddRecords = Callable[[Iterable[RawRecord | Rejection]], IngestReport]


def poll(feed: FeedSource, fetcher: Fetcher, feed_log: FeedLog, contains: Callable[[str], bool],
         add_records: AddRecords) -> FeedReport:
    """Fetch one feed and store its new entries; never raises for a bad feed.

    `contains` says whether an article id is stored (an entry stored before is not
    fetched again); `add_records` stores the entries. Every page is fetched before
    `add_records` is called, so no fetch holds the archive's write lock.
    """
    report = FeedReport(feed.url)
    try:
        _poll(feed, fetcher, feed_log, contains, add_records, report)
    except Exception as exc:  # one broken feed must not stop the others
        log.exception("feed %s failed", feed.url)
        report.error = f"{type(exc).__name__}: {exc}"
    if report.error:
        log.warning("feed %s: %s", feed.url, report.error)
    feed_log.record_poll(feed.url, datetime.now(UTC), report.outcome(), ok=report.error is None)
    return report


def _poll(feed: FeedSource, fetcher: Fetcher, feed_log: FeedLog, contains: Callable[[str], bool],
          add_records: AddRecords, report: FeedReport) -> None:
    if feed.url.startswith(("http://", "https://")):
        etag, modified = feed_log.validators(feed.url)
        fetched = fetcher.get(feed.url, etag=etag, last_modified=modified)
        if isinstance(fetched, Rejection):
            report.error = fetched.reason
            return
        if fetched.status == 304:
            report.unchanged = True
            return
        body = fetched.body
    else:
        try:
            body = Path(feed.url).read_bytes()
        except OSError as exc:
            report.error = f"cannot read: {exc.strerror or exc}"
            return
        fetched = None
    import feedparser  # (only when a feed is polled: it costs every command's start-up)

    parsed = feedparser.parse(body)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        report.error = "not an RSS or Atom feed"
        return
    outlet = feed.source or parsed.feed.get("title") or urlsplit(feed.url).hostname or "feed"
    records = [_entry_record(entry, outlet, fetcher, contains, report)
               for entry in parsed.entries]
    report.entries = len(parsed.entries)
    stored = add_records(r for r in records if r is not None)
    report.added = stored.added
    report.duplicates += stored.duplicates
    report.rejected = stored.rejected
    if fetched is not None:
        feed_log.set_validators(feed.url, fetched.etag, fetched.last_modified)


def _entry_record(entry: dict, outlet: str, fetcher: Fetcher, contains: Callable[[str], bool],
                  report: FeedReport) -> RawRecord | Rejection | None:
    link = entry.get("link")
    origin = link or f"{outlet}: {entry.get('title', 'untitled entry')}"
    if link and contains(article_id(link, "")):
        report.duplicates += 1
        return None  # stored before: not fetched again
    fields: dict[str, object] = {
        "title": html.unescape(entry.get("title") or "") or None,
        "source": outlet,
        "url": link,
        "published": _published(entry),
        "authors": [a.get("name") for a in entry.get("authors", []) if a.get("name")],
    }
    if link:
        fields["id"] = article_id(link, "")  # the entry's link identifies it, as above
    body = _entry_text(entry)
    if len(body.split()) >= MIN_ARTICLE_WORDS:
        return RawRecord({**fields, "text": body}, origin, outlet)
    if not link:
        return Rejection(origin, "the entry has only a summary and no link to the article")
    page = fetch_page(fetcher, link)
    if isinstance(page, Rejection):
        return page
    # The page knows its own text and metadata best; the feed fills what it lacks.
    merged = {**fields, **{k: v for k, v in page.fields.items() if v}, "id": fields["id"],
              "source": page.fields.get("source") or outlet}
    return RawRecord(merged, origin, outlet)


def _entry_text(entry: dict) -> str:
    parts = entry.get("content") or []
    raw = max((p.get("value", "") for p in parts), key=len, default="") or entry.get("summary", "")
    return html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", raw))).strip()


def _published(entry: dict) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
