"""Public reads answered before Flask: revalidations and counts in one query, thread pages in two.

A CDN in front of the embed revalidates every busy thread every few seconds (s-maxage=5),
and a revalidation needs only the thread's current version: one indexed row. Through Flask,
webargs and the request hooks, answering costs several times the query. So this WSGI
middleware answers these itself, with the very headers the Flask views answer with (both take
them from caching.public_read_headers; a test still compares the two answers):

- GET /api/v1/comments whose If-None-Match holds the current ETag: 304;
- the same read when this process already encoded the page for the current ETag
  (caching.AnswerMemo): 200 from the memo; otherwise the page is built here by the view's own
  builder (web/discussion/thread_answer.py: the page in one statement), and memoized;
- GET /api/v1/counts: one query whatever the number of paths, 200 or 304.

The query is read by fast_lane/parameters.py: decoded as werkzeug decodes it, and checked by
the rules of ThreadQuery and CountsQuery, read off the schemas. A thread read's parameters are
kept as written, with the schema's defaults, and checked by every rule of ThreadQuery; the ETag
is made from those same strings. A cursor is decoded where the page is read, and one that is not
ours is Flask's to refuse. Counts are answered in full, so their parameters are checked exactly
as the schema checks them. Anything else (another path or method, a query that is not plain
UTF-8, a repeated or unusual parameter, a bad cursor, an unknown site, a database error) goes on
to Flask, which then answers it the usual way (for a thread read, from the row read here:
fast_lane/handoff.py). Each answer is counted in the metrics and written to the access log like
any other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.http import parse_etags

from comments.errors import BadParameters, SiteNotFound
from comments.extensions import db
from comments.fast_lane.caching import (
    AnswerMemo,
    body_etag,
    encode,
    public_read_headers,
    thread_etag,
)
from comments.fast_lane.handoff import keep_thread_head
from comments.fast_lane.parameters import CountsParameters, ThreadParameters
from comments.schemas.comments import CountsQuery, ThreadQuery
from comments.services.discussion import reading
from comments.web.compression import LaneCompression, encoded
from comments.web.discussion.thread_answer import thread_answer
from comments.web.metrics import observe
from comments.web.requestlog import log_access, request_id

log = logging.getLogger(__name__)

THREAD_ROUTE = "/api/v1/comments"
COUNTS_ROUTE = "/api/v1/counts"
Answer = tuple[str, list[tuple[str, str]], bytes]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def init_app(app: Flask) -> None:
    """Put the fast lane in front of the app (unless FAST_READS is off)."""
    if app.config["FAST_READS"]:
        app.wsgi_app = FastReads(app.wsgi_app, app)  # type: ignore[method-assign]


class FastReads:
    """The WSGI middleware: answers the reads it knows, hands everything else to `wsgi_app`."""

    def __init__(self, wsgi_app: WSGIApp, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._engine: Engine | None = None
        self.thread_parameters = ThreadParameters(ThreadQuery())
        self.counts_parameters = CountsParameters(CountsQuery())
        self.routes = {THREAD_ROUTE: self._thread, COUNTS_ROUTE: self._counts}
        self.compressing = bool(app.config["COMPRESS"])  # as web/compression.py reads it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = str(environ.get("PATH_INFO"))
        answerer = self.routes.get(route) if environ.get("REQUEST_METHOD") == "GET" else None
        if answerer is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = answerer(environ)
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
        observe(route, "GET", code, started)
        log_access(rid, "GET", route, code, started, len(body), environ.get("HTTP_USER_AGENT", ""))
        return [body]

    def _thread(self, environ: dict[str, Any]) -> Answer | None:
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        memo: AnswerMemo | None = self.app.extensions.get("comments.answer_memo")
        params = self.thread_parameters.read(environ.get("QUERY_STRING", ""))
        if params is None:
            return None
        engine = self._get_engine()
        head = reading.thread_head(params["site"], params["uri"], engine)
        keep_thread_head(environ, head)  # if Flask answers, the view goes on from this row
        etag = thread_etag(head, params["sort"], params["limit"], params["after"])
        if _revalidates(if_none_match, etag):
            return self._compressed(environ, self._answer(environ, etag, head.allowed_origins, None), None)
        try:  # a memo hit, or a miss built here by the view's own builder
            answer = thread_answer(memo, etag, head, params["sort"], int(params["limit"]),
                                   params["after"] or None, engine)
        except BadParameters:
            return None  # a cursor that is not ours: Flask answers 400
        return self._compressed(environ, self._answer(environ, etag, head.allowed_origins, answer), etag)

    def _counts(self, environ: dict[str, Any]) -> Answer | None:
        asked = self.counts_parameters.read(environ.get("QUERY_STRING", ""))
        if asked is None:
            return None  # Flask judges it (a 400 for all that CountsQuery refuses)
        site, uris = asked
        origins, found = reading.counts(site, list(dict.fromkeys(uris)), self._get_engine())
        body = {"counts": found}
        etag = body_etag(body)
        if _revalidates(environ.get("HTTP_IF_NONE_MATCH"), etag):
            return self._compressed(environ, self._answer(environ, etag, origins, None), None)
        return self._compressed(environ, self._answer(environ, etag, origins, encode(body)), None)

    def _answer(self, environ: dict[str, Any], etag: str, origins: list[str],
                body: bytes | None) -> Answer:
        """A public read's 200 (`body`) or 304 (None), with the headers a Flask view answers
        with (Vary already names Accept-Encoding when the app compresses)."""
        headers = public_read_headers(environ, etag, origins, body, self.compressing)
        return ("304 NOT MODIFIED", headers, b"") if body is None else ("200 OK", headers, body)

    def _compressed(self, environ: dict[str, Any], answer: Answer, memo_key: str | None) -> Answer:
        """`answer` as Flask-Compress would send it (web/compression.py); a memoized page's
        compressed bytes are kept in the memo beside it, under `memo_key`."""
        compression: LaneCompression | None = self.app.extensions.get("comments.lane_compression")
        status, headers, body = answer
        if compression is None or not body:
            return answer  # Vary already names Accept-Encoding when the app compresses
        encoding = compression.choose(environ, body)
        if encoding is None:
            return answer  # a small answer, or a client that takes no encoding we make
        memo: AnswerMemo | None = self.app.extensions.get("comments.answer_memo")
        key = f"{encoding}:{memo_key}" if memo_key else None
        packed = memo.get(key) if memo is not None and key else None
        if packed is None:
            packed = compression.compress(body, encoding)
            if memo is not None and key:
                memo.put(key, packed)
        return status, encoded(headers, packed, encoding), packed

    def _get_engine(self) -> Engine:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine


def _revalidates(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match holds `etag`, compared weakly as werkzeug compares it. A CDN or a
    browser sends back the one ETag it was given, which needs no parsing."""
    if not if_none_match:
        return False
    return if_none_match == f'W/"{etag}"' or parse_etags(if_none_match).contains_weak(etag)
