"""Articles from web pages: main text and metadata extracted with trafilatura.

trafilatura drops navigation, cookie banners, ads and "related stories" blocks and
reads the title, site name, date, authors and canonical URL from the page's metadata.
The headline it repeats at the top of the text is dropped later (articles.py), so it
is not indexed twice.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from .one_line import one_line
from .records import RawRecord, Rejection

# Less than this is a stub (a paywall teaser, an index page), not an article.
MIN_ARTICLE_WORDS = 40


def record_from_html(content: bytes | str, url: str | None, origin: str,
                     folder: str) -> RawRecord | Rejection:
    """The article in one HTML page, or why there is none."""
    origin = one_line(origin)
    import trafilatura  # here, not above: only pages need it, and it is slow to import

    try:
        extracted = trafilatura.extract(
            content, url=url, output_format="json", with_metadata=True,
            include_comments=False, include_tables=False, favor_precision=True)
    except Exception as exc:  # a parser bug on hostile markup must cost only this page
        return Rejection(origin, f"cannot read the page ({type(exc).__name__})")
    if not extracted:
        return Rejection(origin, "no article text found in the page")
    data = json.loads(extracted)
    text = data.get("text") or ""
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return Rejection(origin, f"the page holds only {len(text.split())} words of text, "
                                 "not an article")
    canonical = data.get("source")
    if not (canonical and _is_web_url(canonical)):
        canonical = url
    fields: dict[str, object] = {
        "title": data.get("title"),
        "source": data.get("source-hostname") or data.get("hostname") or folder,
        "url": canonical,
        "published": data.get("date"),
        "authors": [a.strip() for a in (data.get("author") or "").split(";") if a.strip()],
        "text": text,
    }
    return RawRecord(fields, origin, folder)


def _is_web_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:  # "http://[::1"
        return False
