"""Thread reads answered before Flask when the answer is already known.

A CDN in front of the embed revalidates every busy thread every few seconds (s-maxage=5),
and a revalidation needs only the thread's current version: one indexed row. Through Flask,
webargs and the request hooks that answer cost five times the query. So this WSGI middleware
answers two cases of GET /api/v1/comments itself, with exactly the headers Flask would send
(a test compares them):

- If-None-Match holds the current ETag: 304;
- this process already encoded the page for the current ETag (caching.AnswerMemo): 200.

It takes the query parameters as written, with the schema's defaults. The ETag is made from
those same strings, so a match proves they were valid: Flask made that ETag for a request it
had validated. Anything else (another path or method, a repeated or unusual parameter, an
unknown site, a miss, a database error) goes on to Flask, which then answers it the usual
way (after a miss, from the row read here: `thread_head_of_request`). Each answer is counted
in the metrics and written to the access log like any other.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask, request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug import urls as _werkzeug_urls  # noqa: F401 - registers "werkzeug.url_quote"
from werkzeug.http import parse_etags

from comments.errors import SiteNotFound
from comments.extensions import db
from comments.schemas.comments import SORTS, ThreadQuery
from comments.schemas.common import SITE_KEY, URI_PATH
from comments.services import reading
from comments.web.caching import CACHE_CONTROL, AnswerMemo, thread_etag
from comments.web.headers import cors_headers, security_headers
from comments.web.metrics import observe
from comments.web.requestlog import log_access, request_id

log = logging.getLogger(__name__)

ROUTE = "/api/v1/comments"
HEAD_KEY = "comments.thread_head"
PARAMETERS = frozenset({"site", "uri", "sort", "limit", "after"})
LIMIT = re.compile(r"^[1-9][0-9]{0,2}$")
CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,300}$")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def init_app(app: Flask) -> None:
    """Put the fast lane in front of the app (unless FAST_READS is off)."""
    if app.config["FAST_READS"]:
        app.wsgi_app = FastReads(app.wsgi_app, app)  # type: ignore[method-assign]


class FastReads:
    """The WSGI middleware: answers known thread reads, hands everything else to `wsgi_app`."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine: Engine | None = None
        fields = ThreadQuery().fields
        self.defaults = {"site": str(fields["site"].load_default),
                         "sort": str(fields["sort"].load_default),
                         "limit": str(fields["limit"].load_default), "after": ""}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != ROUTE:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = self._answer(environ)
        except (SiteNotFound, DBAPIError):
            answer = None  # Flask answers 404, or 503 for a database in trouble
        except Exception:
            log.exception("fast read failed; Flask answers instead")
            answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        rid = request_id(environ.get("HTTP_X_REQUEST_ID"))
        headers.append(("X-Request-ID", rid))
        start_response(status, headers)
        code = int(status[:3])
        observe(ROUTE, "GET", code, started)
        log_access(rid, "GET", ROUTE, code, started, len(body), environ.get("HTTP_USER_AGENT", ""))
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        memo: AnswerMemo | None = self.app.extensions.get("comments.answer_memo")
        if not if_none_match and memo is None:
            return None
        params = self._parameters(environ.get("QUERY_STRING", ""))
        if params is None:
            return None
        head = reading.thread_head(params["site"], params["uri"], self._get_engine())
        environ[HEAD_KEY] = head  # on a miss the view goes on from this row, not a second query
        etag = thread_etag(head, params["sort"], params["limit"], params["after"])
        secure = environ.get("wsgi.url_scheme") in ("https", "wss")
        headers = [("ETag", f'W/"{etag}"'), ("Cache-Control", CACHE_CONTROL), ("Vary", "Origin"),
                   *cors_headers(environ.get("HTTP_ORIGIN"), head.allowed_origins)]
        if if_none_match and parse_etags(if_none_match).contains_weak(etag):
            return "304 NOT MODIFIED", headers + security_headers(ROUTE, None, secure), b""
        answer = memo.get(etag) if memo is not None else None
        if answer is None:
            return None
        return ("200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(answer))),
                 *headers, *security_headers(ROUTE, "application/json", secure)],
                answer)

    def _parameters(self, query: str) -> dict[str, str] | None:
        """The read's parameters as written, with defaults; None when Flask should judge them."""
        found: dict[str, str] = {}
        # Exactly how werkzeug reads request.args.
        for key, value in parse_qsl(query.encode("latin-1").decode(), keep_blank_values=True,
                                    errors="werkzeug.url_quote"):
            if key in PARAMETERS:
                if key in found:
                    return None
                found[key] = value
        if "uri" not in found:
            return None
        params = {**self.defaults, **found}
        if not (SITE_KEY.match(params["site"]) and len(params["uri"]) <= 1000
                and URI_PATH.match(params["uri"]) and params["sort"] in SORTS
                and LIMIT.match(params["limit"]) and int(params["limit"]) <= 100
                and (not params["after"] or CURSOR.match(params["after"]))):
            return None
        return params

    def _get_engine(self) -> Engine:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine


def thread_head_of_request(site_key: str, uri: str) -> reading.ThreadHead:
    """The head the fast lane read for this request, or a fresh one (one query either way)."""
    head = request.environ.get(HEAD_KEY)
    if isinstance(head, reading.ThreadHead) and head.site_key == site_key and head.uri == uri:
        return head
    return reading.thread_head(site_key, uri)
