"""Web pages and feeds, fetched from a real HTTP server on 127.0.0.1 (never beyond)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.index import Archive
from newsdesk.index.config import FeedSource, FetchSettings
from newsdesk.index.fetch import Fetcher

from .news_site import ARTICLE_TEXT, NewsSite, page

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}
SECOND_TEXT = ("The island school reopened on Tuesday after the storm damaged its roof, "
               "the council said. Builders from the mainland arrived on the first ferry "
               "and finished the repairs in two days. Teachers said pupils were glad to "
               "be back and the council promised a new roof before the winter storms.")


def rss(site: NewsSite, items: list[str]) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:content='
            f'"http://purl.org/rss/1.0/modules/content/"><channel><title>Island Post</title>'
            f'<link>{site.base}/</link>{"".join(items)}</channel></rss>').encode()


@pytest.fixture
def site():
    server = NewsSite()
    server.routes.update({
        "/ferry.html": lambda h: (200, HTML, page("Ferry returns after storms", "Harbour Gazette",
                                                  ARTICLE_TEXT, server.url("/ferry.html"))),
        "/school.html": lambda h: (200, HTML, page("Island school reopens", "Island Post",
                                                   SECOND_TEXT, server.url("/school.html"),
                                                   "2024-05-07")),
        "/stub.html": lambda h: (200, HTML, b"<html><body><p>Subscribe to read.</p></body></html>"),
        "/slow.html": lambda h: (server.release.wait(10), (200, HTML, b"late"))[1],
        "/huge.html": lambda h: (200, {**HTML, "Content-Length": str(50 * 2**20)}, b""),
        "/photo.png": lambda h: (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
        "/broken.xml": lambda h: (500, {}, b"oops"),
        "/notafeed.xml": lambda h: (200, RSS, b"<html>not a feed</html>"),
    })
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(timeout=0.5, per_host_delay=0.0, deadline=2.0, allow_private_addresses=True)


def test_a_saved_page_is_extracted_without_its_clutter(archive: Archive, tmp_path: Path):
    path = tmp_path / "ferry.html"
    path.write_bytes(page("Ferry returns after storms", "Harbour Gazette", ARTICLE_TEXT,
                          "https://gazette.example/ferry"))
    report = archive.add([path])
    assert report.added == 1, report.rejected
    [article] = report.added_articles
    assert article.title == "Ferry returns after storms"
    assert article.source == "Harbour Gazette"
    assert article.url == "https://gazette.example/ferry"
    assert article.published == "2024-05-02" and article.authors == ("Ann Lee",)
    assert article.text.startswith("The ferry service to Gull Island")  # no repeated headline
    for clutter in ("cookies", "Related stories", "Council debates", "Home", "Copyright"):
        assert clutter not in article.text


def test_add_fetches_a_page_by_url(archive: Archive, site: NewsSite, fetcher: Fetcher):
    report = archive.add([site.url("/ferry.html")], fetcher=fetcher)
    assert report.added == 1, report.rejected
    assert archive.ask("When did the ferry to Gull Island resume?").hits[0].title == (
        "Ferry returns after storms")
    assert site.request_headers["/ferry.html"]["User-Agent"].startswith("newsdesk/")


@pytest.mark.parametrize(("path", "reason"), [
    ("/slow.html", "no answer within"),
    ("/huge.html", "too large (50.0 MiB"),
    ("/photo.png", "not a web page (content type image/png)"),
    ("/missing.html", "HTTP 404"),
    ("/stub.html", "the page holds only 3 words of text, not an article"),
])
def test_pages_that_cannot_be_articles_are_rejected_with_a_reason(
        archive: Archive, site: NewsSite, fetcher: Fetcher, path: str, reason: str):
    report = archive.add([site.url(path)], fetcher=fetcher)
    assert report.added == 0
    [rejection] = report.rejected
    assert rejection.origin == site.url(path) and reason in rejection.reason


def test_a_feed_adds_full_entries_and_fetches_pages_for_summaries(
        archive: Archive, site: NewsSite, fetcher: Fetcher):
    site.routes["/feed.xml"] = lambda h: (200, RSS, rss(site, [
        f"<item><title>School reopens</title><link>{site.url('/school-entry')}</link>"
        f"<pubDate>Tue, 07 May 2024 09:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[<p>{SECOND_TEXT}</p>]]></content:encoded></item>",
        f"<item><title>Ferry returns</title><link>{site.url('/ferry.html')}</link>"
        f"<description>The ferry is back.</description></item>",
    ]))
    report = archive.poll_feed(FeedSource(site.url("/feed.xml")), fetcher)
    assert (report.entries, report.added, report.error) == (2, 2, None), report.rejected
    assert site.requests["/school-entry"] == 0  # the entry carried the whole article
    assert site.requests["/ferry.html"] == 1  # only a summary: the page was fetched
    stored = {m.title: archive.article(m.article_id) for m in archive.titles("", limit=100)}
    assert stored["School reopens"].source == "Island Post"
    assert stored["School reopens"].published.startswith("2024-05-07")

    again = archive.poll_feed(FeedSource(site.url("/feed.xml")), fetcher)
    assert (again.added, again.duplicates) == (0, 2)
    assert site.requests["/ferry.html"] == 1  # stored entries are not fetched again

    ferry = next(m.article_id for m in archive.titles("Ferry"))
    assert archive.remove([ferry]) == 1  # a retracted story the feed still lists
    third = archive.poll_feed(FeedSource(site.url("/feed.xml")), fetcher)
    assert third.added == 0 and archive.article(ferry) is None
    assert site.requests["/ferry.html"] == 1


def test_an_unchanged_feed_answers_304_to_a_conditional_request(
        archive: Archive, site: NewsSite, fetcher: Fetcher):
    body = rss(site, [f"<item><title>School</title><link>{site.url('/school.html')}</link>"
                      "</item>"])

    def conditional(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {**RSS, "ETag": '"v1"'}, body

    site.routes["/etag.xml"] = conditional
    assert archive.poll_feed(FeedSource(site.url("/etag.xml")), fetcher).added == 1
    second = archive.poll_feed(FeedSource(site.url("/etag.xml")), fetcher)
    assert second.unchanged and second.summary().endswith("unchanged since the last poll")
    assert site.requests["/school.html"] == 1


def test_a_failing_feed_keeps_the_others_going(archive: Archive, site: NewsSite,
                                              fetcher: Fetcher, tmp_path: Path):
    atom = tmp_path / "atom.xml"
    atom.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Times'
        f'</title><entry><title>School reopens</title><link href="{site.url("/school.html")}"/>'
        '<id>urn:1</id><updated>2024-05-07T09:00:00Z</updated></entry></feed>', "utf-8")
    reports = [archive.poll_feed(feed, fetcher) for feed in (
        FeedSource(site.url("/broken.xml")), FeedSource(site.url("/notafeed.xml")),
        FeedSource(site.url("/slow.xml")), FeedSource(str(atom)))]
    assert [r.error for r in reports] == ["HTTP 500 Internal Server Error",
                                          "not an RSS or Atom feed", "HTTP 404 Not Found", None]
    assert reports[3].added == 1


def test_feeds_poll_reads_the_feeds_in_the_config(site: NewsSite, tmp_path: Path, capsys,
                                                  monkeypatch):
    from newsdesk.index import cli

    monkeypatch.setattr(FetchSettings, "fetcher", lambda self: Fetcher(
        timeout=0.5, per_host_delay=0.0, allow_private_addresses=True))
    site.routes["/feed.xml"] = lambda h: (200, RSS, rss(site, [
        f"<item><title>Ferry</title><link>{site.url('/ferry.html')}</link></item>"]))
    config = tmp_path / "config.toml"
    config.write_text(f'[index]\ndata_dir = "data"\n\n[[feeds]]\nurl = "{site.url("/feed.xml")}"'
                      '\ninterval_minutes = 15\n\n[[feeds]]\nurl = "'
                      f'{site.url("/broken.xml")}"\n', "utf-8")
    assert cli.main(["feeds", "poll", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "/feed.xml: 1 entry, 1 added" in out
    assert "/broken.xml: failed: HTTP 500" in out
    assert cli.main(["stats", "--config", str(config)]) == 0
    stats = capsys.readouterr().out
    feeds = stats[stats.index("Feeds"):]
    assert "/broken.xml" in feeds and "failed: HTTP 500" in feeds
    assert "/feed.xml" in feeds and "1 entry, 1 added" in feeds
