"""Polite HTTP fetching of pages and feeds.

Every request has a timeout and an overall deadline (a server that trickles bytes is
cut off), a size cap, a User-Agent that says who is asking, and waits `per_host_delay`
seconds between requests to one host. Conditional requests (ETag, Last-Modified) let
an unchanged feed answer 304 with no body. Failures come back as values (a Rejection:
the URL and why, in one line), so one bad source never stops the others.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from .records import Rejection

USER_AGENT = "newsdesk/0.1 (+news archive for a team; polite fetching)"


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when unchanged
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


class Fetcher:
    def __init__(self, timeout: float = 10.0, max_bytes: int = 5 * 2**20,
                 per_host_delay: float = 1.0, deadline: float = 30.0) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.per_host_delay = per_host_delay
        self.deadline = deadline
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, url: str, etag: str | None = None,
            last_modified: str | None = None) -> Fetched | Rejection:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Rejection(url, "not an http(s) URL")
        self._wait_for(parts.hostname)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(url, headers=headers)
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    return Rejection(url, f"too large ({int(length) / 2**20:.1f} MiB; the "
                                          f"limit is {self.max_bytes / 2**20:.0f} MiB)")
                body = bytearray()
                while chunk := response.read(65536):
                    body += chunk
                    if len(body) > self.max_bytes:
                        return Rejection(url, f"too large (over {self.max_bytes / 2**20:.0f}"
                                              " MiB)")
                    if time.monotonic() - began > self.deadline:
                        return Rejection(url, f"too slow (over {self.deadline:.0f} s)")
                return Fetched(response.geturl(), response.status, bytes(body),
                               response.headers.get_content_type(), response.headers.get("ETag"),
                               response.headers.get("Last-Modified"))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Fetched(url, 304, b"", "", etag, last_modified)
            return Rejection(url, f"HTTP {exc.code} {exc.reason}")
        except urllib.error.URLError as exc:
            return Rejection(url, f"cannot connect: {exc.reason}")
        except TimeoutError:
            return Rejection(url, f"no answer within {self.timeout:.0f} s")
        except OSError as exc:
            return Rejection(url, f"connection failed: {exc}")

    def _wait_for(self, host: str) -> None:
        """Keep `per_host_delay` seconds between two requests to one host."""
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.per_host_delay
            self._last_request[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)
