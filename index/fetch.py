"""Polite, bounded and safe HTTP fetching of pages and feeds.

Every request has a User-Agent that says who is asking, a size cap, and waits
`per_host_delay` seconds after the previous request to the same host. Each blocking step
(resolving the host, connecting, every read of headers and body) waits at most `timeout`
seconds, and the whole fetch, redirects included, at most `deadline` seconds: a server that
trickles bytes is cut off. Conditional requests (ETag, Last-Modified) let an unchanged feed
answer 304 with no body.

URLs come from feeds and users, so a fetch goes to public addresses only (no SSRF): the URL
must be http(s); its host is resolved once and every address it resolves to must be public
(not loopback, private, link-local, multicast, reserved or unspecified); and the connection
goes to those checked addresses, so DNS cannot answer differently in between. Redirects (at
most 5) are followed here, each hop checked the same way. `allow_private_addresses` lifts the
address check, for intranet sources.

Failures come back as values (a Rejection: the URL and why, in one line), so one bad source
never stops the others.
"""

from __future__ import annotations

import functools
import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urljoin, urlsplit

from .records import Rejection

USER_AGENT = "newsdesk/0.1 (+news archive for a team; polite fetching)"
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PRIVATE_HINT = "set [fetch] allow_private_addresses for intranet sources"
_PRINTABLE_ASCII = "".join(map(chr, range(0x21, 0x7F)))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when unchanged
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None


def address_refusal(address: IPAddress) -> str | None:
    """Why a fetch may not connect to `address` ("a loopback address"); None if it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    kinds = [("an unspecified", address.is_unspecified), ("a loopback", address.is_loopback),
             ("a link-local", address.is_link_local), ("a multicast", address.is_multicast),
             ("a reserved", address.is_reserved), ("a private", address.is_private)]
    for kind, is_kind in kinds:
        if is_kind:
            return f"{kind} address"
    return None if address.is_global else "not a public address"  # e.g. 100.64.0.0/10


class Fetcher:
    def __init__(self, timeout: float = 10.0, max_bytes: int = 5 * 2**20,
                 per_host_delay: float = 1.0, deadline: float = 30.0, *,
                 allow_private_addresses: bool = False,
                 address_policy: Callable[[IPAddress], str | None] = address_refusal) -> None:
        """`allow_private_addresses` lets fetches reach any address (intranet feeds).
        `address_policy` says why an address is refused, or None to allow it; it exists for
        tests and for intranets that need finer rules than allowing every address."""
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.per_host_delay = per_host_delay
        self.deadline = deadline
        self.allow_private_addresses = allow_private_addresses
        self.address_policy = address_policy
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, url: str, etag: str | None = None,
            last_modified: str | None = None) -> Fetched | Rejection:
        """GET `url`, following redirects: a Fetched (status 304 and no body when the
        conditional request finds it unchanged), or a Rejection saying why not."""
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Connection": "close"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            parts, _ = _split(url, redirected=False)
            self._wait_for(parts.hostname or "")  # once: redirect hops are part of this fetch
            budget = _Budget(self.timeout, self.deadline)  # starts after the politeness wait
            hop = url
            for redirects in range(MAX_REDIRECTS + 1):
                result = self._get_once(hop, headers, budget, redirected=redirects > 0)
                if isinstance(result, Fetched):
                    return result
                hop = result
            raise _Failed(f"too many redirects (over {MAX_REDIRECTS})")
        except _Failed as failure:
            return Rejection(url, " ".join(failure.reason.split()))  # always one line

    def _get_once(self, url: str, headers: dict[str, str], budget: _Budget,
                  redirected: bool) -> Fetched | str:
        """One request: what it fetched, or the URL it redirects to."""
        parts, port = _split(url, redirected)
        host = parts.hostname or ""
        addresses = self._checked_addresses(host, port, budget,
                                            f"redirect to {url}: " if redirected else "")
        kind = _PinnedTLSConnection if parts.scheme == "https" else _PinnedConnection
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            with closing(kind(host, port, addresses, budget)) as connection:
                connection.request("GET", quote(target, safe=_PRINTABLE_ASCII), headers=headers)
                response = connection.getresponse()
                location = response.getheader("Location")
                if response.status in REDIRECT_STATUSES and location:
                    return _redirect(url, location)
                if response.status == 304:
                    return Fetched(url, 304, b"", "",
                                   response.getheader("ETag") or headers.get("If-None-Match"),
                                   response.getheader("Last-Modified")
                                   or headers.get("If-Modified-Since"))
                if not 200 <= response.status < 300:
                    raise _Failed(f"HTTP {response.status} {response.reason}")
                return Fetched(url, response.status, self._read_body(response),
                               response.headers.get_content_type(), response.getheader("ETag"),
                               response.getheader("Last-Modified"))
        except http.client.InvalidURL as exc:
            raise _Failed(f"malformed URL: {exc}") from None
        except http.client.HTTPException as exc:
            raise _Failed(f"bad HTTP response: {str(exc) or type(exc).__name__}") from None
        except OSError as exc:
            raise _Failed(f"connection failed: {exc}") from None

    def _checked_addresses(self, host: str, port: int, budget: _Budget, hop: str) -> list[str]:
        """The addresses `host` resolves to, if every one may be fetched from; `hop` says
        which redirect a refusal is about."""
        addresses = _resolve(host, port, budget)
        if self.allow_private_addresses:
            return addresses
        for address in addresses:
            why = self.address_policy(ipaddress.ip_address(address))
            if why:
                what = f"{address} is" if address == host else f"{host} resolves to {address},"
                raise _Failed(f"refused: {hop}{what} {why} ({PRIVATE_HINT})")
        return addresses

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        if response.length is not None and response.length > self.max_bytes:
            raise _Failed(f"too large ({response.length / 2**20:.1f} MiB; the limit is "
                          f"{self.max_bytes / 2**20:.0f} MiB)")
        body = bytearray()
        while chunk := response.read1(65536):  # returns as bytes arrive: each read is budgeted
            body += chunk
            if len(body) > self.max_bytes:
                raise _Failed(f"too large (over {self.max_bytes / 2**20:.0f} MiB)")
        return bytes(body)

    def _wait_for(self, host: str) -> None:
        """Keep `per_host_delay` seconds between two requests to one host."""
        with self._lock:
            now = time.monotonic()
            ready = self._last_request.get(host, 0.0) + self.per_host_delay
            self._last_request[host] = max(now, ready)
        if ready > now:
            time.sleep(ready - now)


class _Failed(Exception):
    """Why a fetch failed, in one line; `get` turns it into a Rejection."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Budget:
    """How long one fetch may still wait: each blocking step at most `timeout` seconds, all
    of them together at most `deadline` seconds."""

    def __init__(self, timeout: float, deadline: float) -> None:
        self.timeout = timeout
        self.deadline = deadline
        self.ends = time.monotonic() + deadline

    @contextmanager
    def step(self, sock: socket.socket | None = None) -> Iterator[float]:
        """Yields how long the step may wait (set as `sock`'s timeout too). A step that times
        out fails "too slow" when the deadline cut it short, else "no answer"."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise _Failed(f"too slow (over {self.deadline:g} s)")
        wait = min(self.timeout, left)
        if sock is not None:
            sock.settimeout(wait)
        try:
            yield wait
        except TimeoutError:
            raise _Failed(f"too slow (over {self.deadline:g} s)" if wait < self.timeout
                          else f"no answer within {self.timeout:g} s") from None


def _split(url: str, redirected: bool) -> tuple[SplitResult, int]:
    """`url` split, and its port, if it is a well-formed http(s) URL."""
    what = f"redirect to {url}" if redirected else "URL"
    try:
        parts = urlsplit(url)
        port = parts.port  # a ValueError when out of range or not a number
    except ValueError as exc:
        raise _Failed(f"malformed {what}: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise _Failed(f"refused: {what} is not http(s)" if redirected else "not an http(s) URL")
    if not parts.hostname:
        raise _Failed(f"malformed {what}: no host")
    return parts, port if port is not None else (443 if parts.scheme == "https" else 80)


def _redirect(url: str, location: str) -> str:
    """The URL a Location header points to, relative to `url`."""
    try:
        return urljoin(url, location.strip())
    except ValueError as exc:
        raise _Failed(f"malformed redirect to {location}: {exc}") from None


def _resolve(host: str, port: int, budget: _Budget) -> list[str]:
    """The addresses `host` resolves to. getaddrinfo cannot be interrupted, so it runs in a
    daemon thread that is left behind if it outlasts the budget."""
    answer: list[list[str] | Exception] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            answer.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, ValueError) as exc:  # ValueError: a NUL, a bad IDNA label
            answer.append(exc)

    thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    thread.start()
    with budget.step() as wait:
        thread.join(wait)
        if not answer:
            raise TimeoutError
    if isinstance(answer[0], Exception):
        raise _Failed(f"cannot resolve {host}: {answer[0]}")
    return answer[0]


class _BudgetedReader(io.RawIOBase):
    """A socket's file (`raw`, from socket.makefile) with each read a step of the budget."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, budget: _Budget) -> None:
        self.raw = raw
        self.sock = sock
        self.budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int | None:
        with self.budget.step(self.sock):
            return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()  # lets the socket close once http.client has closed it too
        super().close()


class _BudgetedResponse(http.client.HTTPResponse):
    """A response read through the budget, so trickled headers are cut off like a body."""

    def __init__(self, sock: socket.socket, debuglevel: int = 0, method: str | None = None,
                 *, budget: _Budget) -> None:
        super().__init__(sock, debuglevel, method)
        self.fp = io.BufferedReader(_BudgetedReader(self.fp.detach(), sock, budget))


class _PinnedConnection(http.client.HTTPConnection):
    """A connection to addresses checked beforehand: the hostname goes in the Host header
    (and to TLS) but is never resolved again, so DNS cannot swap in another address."""

    def __init__(self, host: str, port: int, addresses: list[str], budget: _Budget) -> None:
        super().__init__(host, port)
        self.addresses = addresses
        self.budget = budget
        self.response_class = functools.partial(_BudgetedResponse, budget=budget)

    def connect(self) -> None:
        error: OSError | None = None
        for address in self.addresses:
            try:
                with self.budget.step() as wait:
                    self.sock = socket.create_connection((address, self.port), wait)
                return
            except OSError as exc:
                error = exc
        raise _Failed(f"cannot connect: {error}")


class _PinnedTLSConnection(_PinnedConnection):
    default_port = 443  # left out of the Host header

    def connect(self) -> None:
        super().connect()
        with self.budget.step(self.sock):
            self.sock = _tls_context().wrap_socket(self.sock, server_hostname=self.host)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()
