"""A small news site on 127.0.0.1 for tests: pages, feeds, and the ways they fail."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_TEXT = (
    "The ferry service to Gull Island resumed on Monday after a week of storms, the "
    "harbour master said. Crews worked overnight to repair the pier, which was damaged "
    "when waves broke over the sea wall on Saturday. Passengers praised the crews and "
    "said the island had been cut off from supplies for six days. The harbour master "
    "said the service would run twice a day until the end of the month.")


def page(title: str, site: str, text: str, canonical: str, date: str = "2024-05-02") -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T08:00:00Z">
<meta name="author" content="Ann Lee"><link rel="canonical" href="{canonical}"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>{title}</h1>{paragraphs}</article>
<aside><h3>Related stories</h3><ul><li><a href="/a">Storm closes schools</a></li>
<li><a href="/b">Council debates budget</a></li></ul></aside>
<footer>Copyright 2024 {site}. All rights reserved.</footer></body></html>""".encode()


class NewsSite:
    """Serves `routes` (path -> (status, headers, body)); counts requests per path."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.request_headers: dict[str, dict[str, str]] = {}
        self.release = threading.Event()  # lets the slow handler finish at teardown
        self.routes: dict[str, Callable[[dict[str, str]], tuple[int, dict[str, str], bytes]]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.requests[path] += 1
                site.request_headers[path] = dict(self.headers)
                route = site.routes.get(path)
                status, headers, body = route(dict(self.headers)) if route else (404, {}, b"")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
