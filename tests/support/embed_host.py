"""A publisher's article page for browser tests: served by its own little server on 127.0.0.1,
loading the embed from the comments host's localhost origin, so every test crosses origins."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from comments.extensions import db
from comments.services.sites import update_site

ARTICLE = "/2019/02/08/summit/"
FRAME_URL = re.compile(r"/embed/thread\?")


class PublisherSite:
    """The publisher's own web server (127.0.0.1, its own port): serves the pages a test sets."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _wsgi(self, environ: Any, start_response: Any) -> Any:
        path = Request(environ).path
        if path == "/favicon.ico":
            return Response(status=204)(environ, start_response)
        body = self.pages.get(path)
        response = (Response(body, mimetype="text/html") if body is not None
                    else Response("not found", status=404))
        return response(environ, start_response)


@pytest.fixture
def publisher() -> Iterator[PublisherSite]:
    """A publisher's site on a free loopback port for the length of one test."""
    site = PublisherSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
        site.thread.join(timeout=10)


def allow_host(app: Flask, *origins: str, **settings: Any) -> None:
    """Let pages on `origins` embed the default site; tests may post at once."""
    with app.app_context():
        update_site("default", origins=["https://www.news.example", *origins],
                    settings={"min_submit_seconds": 0, **settings})
        db.session.remove()


def script_tag(live_server: Any, host: str | None = None, **attrs: str) -> str:
    """The publisher's `<script>` for the loader, by default from the comments host's localhost."""
    attrs = {"site": "default", "uri": ARTICLE, "title": "Summit in Hanoi", **attrs}
    data = " ".join(f'data-{k.replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items())
    return f'<script src="{host or live_server.other_origin}/embed.js" {data} async></script>'


def open_article(page: Any, live_server: Any, publisher: PublisherSite, body: str | None = None,
                 path: str = "/article", hash_: str = "", wait: bool = True, **attrs: str) -> Any:
    """Serve an article page at `path` on the publisher's site and open it; returns the frame."""
    if body is None:
        body = ('<h1>Summit in Hanoi</h1>'
                f'<p>Comments: <span id="count" data-comments-count="{ARTICLE}">…</span></p>'
                f'<div id="comments"></div>{script_tag(live_server, **attrs)}')
    document = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Summit in Hanoi</title>'
                f'</head><body>{body}</body></html>')
    publisher.pages[path] = document
    page.goto(f"{publisher.url}{path}{hash_}")
    if not wait:
        return None
    return ready_frame(page)


def ready_frame(page: Any, index: int = 0) -> Any:
    """The thread frame once its script has run."""
    page.wait_for_function(
        f"document.querySelectorAll('iframe').length > {index}"
    )
    handle = page.query_selector_all("iframe")[index]
    frame = handle.content_frame()
    assert frame is not None
    frame.wait_for_selector("html[data-ready]", state="attached")
    return frame
