"""A real publisher's web site on loopback (threaded http.server) whose pages the tests script."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

HUGE_CHUNK = b"<p>" + b"x" * 65_530 + b"</p>"


class ArticleSite:
    """A running site: `pages[path] = (status, headers, body)`; `hits` lists (host, path) served."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: list[tuple[str, str]] = []
        self.huge_bytes_sent = 0
        self.slow_seconds = 8.0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # A client that hung up on a slow or huge page is what those pages test, not an error.
        self.server.handle_error = lambda _request, _address: None  # type: ignore[method-assign]
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The site's base URL, as a comments site is configured with it."""
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str, title: str | None = None, *, og_title: str | None = None,
             status: int = 200, headers: dict[str, str] | None = None, body: bytes | None = None) -> None:
        """Serve `path` with an article whose <title> (and og:title) are given as raw HTML."""
        if body is None:
            meta = f'<meta property="og:title" content="{og_title}">' if og_title is not None else ""
            head = f"<title>{title}</title>" if title is not None else ""
            body = f"<!doctype html><html><head>{meta}{head}</head><body>An article</body></html>".encode()
        self.pages[path] = (status, {"Content-Type": "text/html; charset=utf-8", **(headers or {})}, body)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer `path` with a redirect to `location`."""
        self.pages[path] = (status, {"Location": location}, b"")

    def served(self, path: str) -> int:
        """How many requests asked for `path`."""
        with self.lock:
            return sum(1 for _host, hit in self.hits if hit == path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:  # noqa: N802
                with site.lock:
                    site.hits.append((self.headers.get("Host", ""), self.path))
                if self.path == "/huge/":
                    self._huge()
                    return
                if self.path == "/slow/":
                    time.sleep(site.slow_seconds)
                if self.path == "/trickle/":
                    self._trickle()
                    return
                status, headers, body = site.pages.get(
                    self.path, (404, {"Content-Type": "text/html"}, b"<title>Not found</title>"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _huge(self) -> None:
                """A page of endless body, its title after the first half megabyte of head."""
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                try:
                    self.wfile.write(b"<html><head><title>Huge page</title></head><body>")
                    for _ in range(2000):  # 128 MB if nobody stops reading
                        self.wfile.write(HUGE_CHUNK)
                        with site.lock:
                            site.huge_bytes_sent += len(HUGE_CHUNK)
                except OSError:
                    return

            def _trickle(self) -> None:
                """A page that sends one byte every 0.2 s: each read is quick, the whole is not."""
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                try:
                    for byte in b"<html><head><title>Trickle</title>" + b" " * 200:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    return

        return Handler

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def article_site() -> Iterator[ArticleSite]:
    """A publisher's site on 127.0.0.1, stopped when the test ends."""
    site = ArticleSite()
    site.start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture
def other_host() -> Iterator[ArticleSite]:
    """Another host's site (another origin on loopback), which the service must never reach."""
    site = ArticleSite()
    site.start()
    try:
        yield site
    finally:
        site.stop()
