"""Public reads answered before Flask when they need no more than one query.

A CDN in front of the embed revalidates every busy thread every few seconds (s-maxage=5),
and a revalidation needs only the thread's current version: one indexed row. Through Flask,
webargs and the request hooks, answering costs several times the query. So this WSGI
middleware answers these itself, with the very headers the Flask views answer with (both take
them from caching.public_read_headers; a test still compares the two answers):

- GET /api/v1/comments whose If-None-Match holds the current ETag: 304;
- the same read when this process already encoded the page for the current ETag
  (caching.AnswerMemo): 200 from the memo;
- GET /api/v1/counts: one query whatever the number of paths, 200 or 304.

A thread read's parameters are taken as written, with the schema's defaults. The ETag is made
from those same strings, so a match proves they were valid: Flask made that ETag for a request
it had validated. Counts are answered in full, so their parameters are checked with the very
functions the schema validates with. Anything else (another path or method, a repeated or
unusual parameter, an unknown site, a miss, a database error) goes on to Flask, which then
answers it the usual way (after a thread miss, from the row read here: fast_lane/handoff.py).
Each answer is counted in the metrics and written to the access log like any other.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug import urls as _werkzeug_urls  # noqa: F401 - registers "werkzeug.url_quote"
from werkzeug.http import parse_etags

from comments.errors import SiteNotFound
from comments.extensions import db
from comments.fast_lane.caching import (
    AnswerMemo,
    body_etag,
    encode,
    public_read_headers,
    thread_etag,
)
from comments.fast_lane.handoff import keep_thread_head
from comments.schemas.comments import SORTS, CountsQuery, ThreadQuery
from comments.schemas.common import SITE_KEY, all_uris_valid, uri_problem
from comments.services.discussion import reading
from comments.web.metrics import observe
from comments.web.requestlog import log_access, request_id

log = logging.getLogger(__name__)

THREAD_ROUTE = "/api/v1/comments"
COUNTS_ROUTE = "/api/v1/counts"
THREAD_PARAMETERS = frozenset({"site", "uri", "sort", "limit", "after"})
LIMIT = re.compile(r"[1-9][0-9]{0,2}\Z")
CURSOR = re.compile(r"[A-Za-z0-9_-]{1,300}\Z")
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
        thread = ThreadQuery().fields
        self.thread_defaults = {"site": str(thread["site"].load_default),
                                "sort": str(thread["sort"].load_default),
                                "limit": str(thread["limit"].load_default), "after": ""}
        counts = CountsQuery().fields
        self.default_site = str(counts["site"].load_default)
        self.max_uris = next(v.max for v in _validators(counts["uri"]) if hasattr(v, "max"))
        self.routes = {THREAD_ROUTE: self._thread, COUNTS_ROUTE: self._counts}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = str(environ.get("PATH_INFO"))
        answerer = self.routes.get(route) if environ.get("REQUEST_METHOD") == "GET" else None
        if answerer is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = answerer(environ)
        except (SiteNotFound, DBAPIError, UnicodeDecodeError):
            answer = None  # Flask answers 404, 503 for a database in trouble, 400 for bad bytes
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
        if not if_none_match and memo is None:
            return None
        params = self._thread_parameters(environ.get("QUERY_STRING", ""))
        if params is None:
            return None
        head = reading.thread_head(params["site"], params["uri"], self._get_engine())
        keep_thread_head(environ, head)  # on a miss the view goes on from it, no second query
        etag = thread_etag(head, params["sort"], params["limit"], params["after"])
        if if_none_match and parse_etags(if_none_match).contains_weak(etag):
            return _answer(environ, etag, head.allowed_origins, None)
        answer = memo.get(etag) if memo is not None else None
        if answer is None:
            return None
        return _answer(environ, etag, head.allowed_origins, answer)

    def _thread_parameters(self, query: str) -> dict[str, str] | None:
        """The read's parameters as written, with defaults; None when Flask should judge them."""
        found: dict[str, str] = {}
        for key, value in _query_pairs(query):
            if key in THREAD_PARAMETERS:
                if key in found:
                    return None
                found[key] = value
        if "uri" not in found:
            return None
        params = {**self.thread_defaults, **found}
        if not (SITE_KEY.match(params["site"]) and uri_problem(params["uri"]) is None
                and params["sort"] in SORTS and LIMIT.match(params["limit"])
                and int(params["limit"]) <= 100
                and (not params["after"] or CURSOR.match(params["after"]))):
            return None
        return params

    def _counts(self, environ: dict[str, Any]) -> Answer | None:
        site: str | None = None
        uris: list[str] = []
        for key, value in _query_pairs(environ.get("QUERY_STRING", "")):
            if key == "uri":
                uris.append(value)
            elif key == "site":
                if site is not None:
                    return None
                site = value
        site = self.default_site if site is None else site
        # Exactly what CountsQuery checks; a request it would refuse goes to Flask for the 400.
        if (not SITE_KEY.match(site) or not 1 <= len(uris) <= self.max_uris
                or not all_uris_valid(uris)):
            return None
        origins, found = reading.counts(site, list(dict.fromkeys(uris)), self._get_engine())
        body = {"counts": found}
        etag = body_etag(body)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and parse_etags(if_none_match).contains_weak(etag):
            return _answer(environ, etag, origins, None)
        return _answer(environ, etag, origins, encode(body))

    def _get_engine(self) -> Engine:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine


def _query_pairs(query: str) -> list[tuple[str, str]]:
    """The query string's pairs, decoded exactly as werkzeug decodes request.args.

    That is urllib's parse_qsl(keep_blank_values=True, errors="werkzeug.url_quote"), spelt
    out: counts carry a hundred pairs, and most of them need no decoding at all.
    """
    pairs = []
    for part in query.encode("latin-1").decode().split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "+" in name or "%" in name:
            name = unquote(name.replace("+", " "), errors="werkzeug.url_quote")
        if "+" in value or "%" in value:
            value = unquote(value.replace("+", " "), errors="werkzeug.url_quote")
        pairs.append((name, value))
    return pairs


def _validators(field: Any) -> list[Any]:
    validate = field.validate
    return list(validate) if isinstance(validate, list | tuple) else [validate]


def _answer(environ: dict[str, Any], etag: str, origins: list[str], body: bytes | None) -> Answer:
    """A public read's 200 (`body`) or 304 (None), with the headers a Flask view answers with."""
    headers = public_read_headers(environ, etag, origins, body)
    return ("304 NOT MODIFIED", headers, b"") if body is None else ("200 OK", headers, body)
