"""The fetcher against real HTTP servers on 127.0.0.1: what it refuses to reach (SSRF),
redirects, the deadline against servers that trickle, and the polite basics."""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsdesk.index import fetch
from newsdesk.index.fetch import PRIVATE_HINT, Fetched, Fetcher, address_refusal
from newsdesk.index.records import Rejection

PAGE = b"<html><body><p>The ferry is back.</p></body></html>"
Route = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 (or ::1) whose routes write their own responses."""

    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()  # ends slow handlers at teardown
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path.split("?")[0])
                with contextlib.suppress(OSError):  # the fetcher hung up on a slow or huge answer
                    (route or respond(404))(self)

            def log_message(self, *args: object) -> None:
                pass

        class QuietServer(ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self.server = QuietServer((host, 0), Handler)
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        authority = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        self.base = f"{'https' if tls else 'http'}://{authority}"
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


def respond(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return route


def redirect(location: str, status: int = 302) -> Route:
    return respond(status, {"Location": location})


@pytest.fixture
def server() -> Iterator[Server]:
    site = Server()
    site.routes["/page.html"] = respond(200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    yield site
    site.close()


def fetcher(**options: object) -> Fetcher:
    """A fetcher for tests: no politeness delay, short timeouts, loopback allowed."""
    return Fetcher(**{"timeout": 2.0, "per_host_delay": 0.0, "deadline": 5.0,
                      "allow_private_addresses": True, **options})  # type: ignore[arg-type]


def only_127_0_0_1_is_public(address: fetch.IPAddress) -> str | None:
    """An address policy that lets tests reach their own server and nothing else local."""
    return None if address == ipaddress.ip_address("127.0.0.1") else address_refusal(address)


def refused(result: Fetched | Rejection) -> str:
    assert isinstance(result, Rejection), result
    assert "\n" not in result.reason
    return result.reason


# --- what is refused -----------------------------------------------------------------------


@pytest.mark.parametrize(("address", "why"), [
    ("169.254.169.254", "a link-local address"),  # cloud metadata
    ("10.0.0.1", "a private address"),
    ("192.168.1.1", "a private address"),
    ("172.16.0.1", "a private address"),
    ("0.0.0.0", "an unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("127.0.0.1", "a loopback address"),
    ("127.0.0.2", "a loopback address"),
    ("100.64.0.1", "not a public address"),  # carrier-grade NAT
    ("::1", "a loopback address"),
    ("::", "an unspecified address"),
    ("fe80::1", "a link-local address"),
    ("fc00::1", "a private address"),
    ("ff02::1", "a multicast address"),
    ("::ffff:127.0.0.1", "a loopback address"),
    ("::ffff:169.254.169.254", "a link-local address"),
    ("::ffff:10.0.0.1", "a private address"),
    ("93.184.216.34", None),
    ("2606:4700:4700::1111", None),
    ("::ffff:93.184.216.34", None),
])
def test_the_address_classifier(address: str, why: str | None):
    assert address_refusal(ipaddress.ip_address(address)) == why


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1",
                                  "[::ffff:127.0.0.1]", "127.0.0.2", "0.0.0.0"])
def test_local_addresses_are_refused_by_default(server: Server, host: str):
    reason = refused(Fetcher(per_host_delay=0.0).get(f"http://{host}:{server.port}/page.html"))
    assert reason.startswith("refused: ") and reason.endswith(f" address ({PRIVATE_HINT})")
    assert server.requests == []  # refused before connecting


def test_a_refusal_names_the_address_and_what_it_is(server: Server):
    url = server.url("/page.html")
    assert Fetcher(per_host_delay=0.0).get(url) == Rejection(
        url, "refused: 127.0.0.1 is a loopback address (set [fetch] allow_private_addresses "
             "for intranet sources)")
    assert refused(Fetcher(per_host_delay=0.0).get(f"http://2130706433:{server.port}/")) == (
        f"refused: 2130706433 resolves to 127.0.0.1, a loopback address ({PRIVATE_HINT})")


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 on this machine")
def test_ipv6_loopback_is_refused_and_allowed_on_request():
    site = Server("::1")
    site.routes["/page.html"] = respond(200, {"Content-Type": "text/html"}, PAGE)
    try:
        reason = refused(Fetcher(per_host_delay=0.0).get(site.url("/page.html")))
        assert reason == f"refused: ::1 is a loopback address ({PRIVATE_HINT})"
        assert site.requests == []
        fetched = fetcher().get(site.url("/page.html"))
        assert isinstance(fetched, Fetched) and fetched.body == PAGE
        assert site.requests[0][1]["Host"] == f"[::1]:{site.port}"
    finally:
        site.close()


def test_private_addresses_are_allowed_when_configured(server: Server):
    fetched = fetcher().get(server.url("/page.html"))
    assert isinstance(fetched, Fetched)
    assert (fetched.status, fetched.body, fetched.content_type) == (200, PAGE, "text/html")
    assert fetched.url == server.url("/page.html")
    [(_, headers)] = server.requests
    assert headers["User-Agent"].startswith("newsdesk/")
    assert headers["Accept-Encoding"] == "identity"
    assert headers["Host"] == f"127.0.0.1:{server.port}"


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "file:///etc/passwd",
                                 "gopher://example.com/", "example.com/page", ""])
def test_only_http_and_https_are_fetched(url: str):
    assert Fetcher(per_host_delay=0.0).get(url) == Rejection(url, "not an http(s) URL")


@pytest.mark.parametrize("url", ["http://[::1", "http://example.com:99999/",
                                 "http://example.com:port/", "http:///page.html", "http://:80/",
                                 "https://[not-an-address]/"])
def test_malformed_urls_are_rejections_not_exceptions(url: str):
    assert refused(Fetcher(per_host_delay=0.0).get(url)).startswith("malformed URL: ")


def test_a_host_that_does_not_resolve_is_a_rejection():
    reason = refused(fetcher().get("http://no-such-host.invalid/"))
    assert reason.startswith("cannot resolve no-such-host.invalid: ")


# --- redirects -----------------------------------------------------------------------------


def test_redirects_are_followed_relative_ones_too(server: Server):
    server.routes["/old"] = redirect(server.url("/moved"), 301)
    server.routes["/moved"] = redirect("/news/latest", 307)  # relative to the host
    server.routes["/news/latest"] = redirect("../page.html?from=news", 303)  # to the path
    fetched = fetcher().get(server.url("/old"))
    assert isinstance(fetched, Fetched) and fetched.body == PAGE
    assert fetched.url == server.url("/page.html?from=news")  # the final URL
    assert [path for path, _ in server.requests] == [
        "/old", "/moved", "/news/latest", "/page.html?from=news"]


def test_at_most_five_redirects_are_followed(server: Server):
    for hop in range(1, 7):
        server.routes[f"/hop{hop}"] = redirect(f"/hop{hop - 1}" if hop > 1 else "/page.html")
    fetched = fetcher().get(server.url("/hop5"))
    assert isinstance(fetched, Fetched) and fetched.url == server.url("/page.html")
    assert fetcher().get(server.url("/hop6")) == Rejection(
        server.url("/hop6"), "too many redirects (over 5)")
    server.routes["/loop"] = redirect("/loop")
    assert refused(fetcher().get(server.url("/loop"))) == "too many redirects (over 5)"


@pytest.mark.parametrize("target", ["ftp://example.com/feed.xml", "file:///etc/passwd"])
def test_a_redirect_away_from_http_is_refused(server: Server, target: str):
    server.routes["/away"] = redirect(target)
    assert refused(fetcher().get(server.url("/away"))) == (
        f"refused: redirect to {target} is not http(s)")


@pytest.mark.parametrize(("target", "why"), [
    ("http://127.0.0.2:{port}/page.html", "127.0.0.2 is a loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://10.0.0.1/admin", "10.0.0.1 is a private address"),
    ("http://[::ffff:127.0.0.2]:{port}/", "::ffff:127.0.0.2 is a loopback address"),
])
def test_a_redirect_to_a_local_address_is_refused(server: Server, target: str, why: str):
    target = target.format(port=server.port)
    server.routes["/go"] = redirect(target)
    guarded = fetcher(allow_private_addresses=False, address_policy=only_127_0_0_1_is_public)
    assert guarded.get(server.url("/page.html")).status == 200  # type: ignore[union-attr]
    assert guarded.get(server.url("/go")) == Rejection(
        server.url("/go"), f"refused: redirect to {target}: {why} ({PRIVATE_HINT})")
    assert [path for path, _ in server.requests] == ["/page.html", "/go"]


def test_a_malformed_redirect_is_a_rejection(server: Server):
    server.routes["/bad"] = redirect("http://[::1/")
    assert refused(fetcher().get(server.url("/bad"))).startswith(
        "malformed redirect to http://[::1/: ")


def test_the_connection_goes_to_the_address_that_was_checked(server: Server, monkeypatch):
    """DNS rebinding: the name resolves once; a second answer would be a refused address."""
    answers = iter(["127.0.0.1"])
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host != "news.example":
            return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]
        lookups.append(host)
        address = next(answers, "127.0.0.2")  # the rebound answer: nobody listens there
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    guarded = fetcher(allow_private_addresses=False, address_policy=only_127_0_0_1_is_public)
    fetched = guarded.get(f"http://news.example:{server.port}/page.html")
    assert isinstance(fetched, Fetched) and fetched.body == PAGE
    assert lookups == ["news.example"]
    assert server.requests[0][1]["Host"] == f"news.example:{server.port}"


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl to make a certificate")
def test_https_checks_the_certificate_against_the_name_not_the_address(tmp_path: Path,
                                                                        monkeypatch):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=news.example", "-addext", "subjectAltName=DNS:news.example",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    site = Server(tls=server_side)
    site.routes["/page.html"] = respond(200, {"Content-Type": "text/html"}, PAGE)
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host == "news.example":
            host = "127.0.0.1"
        return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(fetch, "_tls_context",
                        lambda: ssl.create_default_context(cafile=tmp_path / "cert.pem"))
    try:
        fetched = fetcher().get(f"https://news.example:{site.port}/page.html")
        assert isinstance(fetched, Fetched) and fetched.body == PAGE
        assert site.requests[0][1]["Host"] == f"news.example:{site.port}"
        reason = refused(fetcher().get(f"https://127.0.0.1:{site.port}/page.html"))
        assert reason.startswith("connection failed: ") and "certificate verify failed" in reason
    finally:
        site.close()


# --- the deadline --------------------------------------------------------------------------


def trickle(stop: threading.Event, headers_too: bool) -> Route:
    """Answers one byte every 0.3 s: in the body, or from the middle of the headers."""
    def route(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.0 200 OK\r\nContent-Length: 100\r\n"
        slow = (b"X-Slow: " + b"x" * 100) if headers_too else b"\r\n" + b"x" * 100
        handler.wfile.write(head)
        for byte in slow:
            if stop.wait(0.3):
                return
            handler.wfile.write(bytes([byte]))
    return route


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_trickling_server_is_cut_off_at_the_deadline(server: Server, where: str):
    server.routes["/trickle"] = trickle(server.stop, headers_too=where == "headers")
    began = time.monotonic()
    result = fetcher(timeout=10.0, deadline=1.0).get(server.url("/trickle"))
    assert result == Rejection(server.url("/trickle"), "too slow (over 1 s)")
    assert time.monotonic() - began < 5  # a hang guard only


def test_a_server_that_never_answers_times_out(server: Server):
    server.routes["/silent"] = lambda handler: server.stop.wait(10) and None
    result = fetcher(timeout=0.2).get(server.url("/silent"))
    assert result == Rejection(server.url("/silent"), "no answer within 0.2 s")


def test_resolving_the_host_counts_toward_the_deadline(monkeypatch):
    release = threading.Event()

    def hanging_getaddrinfo(*args: object, **kwargs: object) -> list:
        release.wait(10)
        raise socket.gaierror("released")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    try:
        result = fetcher(deadline=0.3).get("http://slow-dns.example/")
    finally:
        release.set()
    assert result == Rejection("http://slow-dns.example/", "too slow (over 0.3 s)")


# --- the polite basics ---------------------------------------------------------------------


def test_an_unchanged_page_answers_304_with_no_body(server: Server):
    def conditional(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            respond(304, {"ETag": '"v1"'})(handler)
        else:
            respond(200, {"ETag": '"v1"', "Last-Modified": "Tue, 07 May 2024 09:00:00 GMT",
                          "Content-Type": "application/rss+xml"}, b"<rss/>")(handler)

    server.routes["/feed.xml"] = conditional
    first = fetcher().get(server.url("/feed.xml"))
    assert isinstance(first, Fetched) and first.status == 200
    assert (first.etag, first.last_modified) == ('"v1"', "Tue, 07 May 2024 09:00:00 GMT")
    second = fetcher().get(server.url("/feed.xml"), etag=first.etag,
                           last_modified=first.last_modified)
    assert second == Fetched(server.url("/feed.xml"), 304, b"", "", '"v1"',
                             "Tue, 07 May 2024 09:00:00 GMT")
    assert server.requests[1][1]["If-Modified-Since"] == "Tue, 07 May 2024 09:00:00 GMT"


def test_answers_over_the_size_cap_are_refused(server: Server):
    server.routes["/declared"] = respond(200, {"Content-Length": str(50 * 2**20)})

    def undeclared(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n")
        for _ in range(40):
            handler.wfile.write(b"x" * 65536)

    server.routes["/streamed"] = undeclared
    small = fetcher(max_bytes=2**20)
    assert small.get(server.url("/declared")) == Rejection(
        server.url("/declared"), "too large (50.0 MiB; the limit is 1 MiB)")
    assert small.get(server.url("/streamed")) == Rejection(
        server.url("/streamed"), "too large (over 1 MiB)")


def test_http_errors_and_connection_failures_are_one_line_rejections(server: Server):
    assert fetcher().get(server.url("/missing")) == Rejection(
        server.url("/missing"), "HTTP 404 Not Found")
    server.routes["/broken"] = respond(500)
    assert refused(fetcher().get(server.url("/broken"))) == "HTTP 500 Internal Server Error"
    server.routes["/hangup"] = lambda handler: None  # closes without a word
    assert refused(fetcher().get(server.url("/hangup"))).startswith("bad HTTP response: ")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert refused(fetcher().get(f"http://127.0.0.1:{port}/")).startswith("cannot connect: ")


def test_requests_to_one_host_are_spaced_out(server: Server):
    polite = fetcher(per_host_delay=0.3)
    began = time.monotonic()
    assert isinstance(polite.get(server.url("/page.html")), Fetched)
    assert isinstance(polite.get(server.url("/page.html")), Fetched)
    assert time.monotonic() - began >= 0.3
