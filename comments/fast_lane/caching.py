"""HTTP caching of public reads: ETags from thread versions, CDN-friendly Cache-Control, the
headers of every public read answer, and a memo of encoded answers by ETag.

A public read (a thread page, counts) is answered either by the fast lane before Flask or by a
Flask view; both take their headers from `public_read_headers`, so the two answers are the same
by construction (Flask's own hooks then only add the request id, as the lane does; the hooks
are pinned by tests/fast_lane/test_request_hooks.py).

The memo is not a cache that can go stale: a thread read always asks the database for the
thread's current version first, and the ETag built from it names exactly one answer. Between
two changes of a busy thread every reader gets the same bytes, so each process keeps the
answers it encoded, keyed by that ETag, least recently used out first and bounded in bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import orjson
from flask import Flask, Response, current_app, request

from comments.services.discussion.reading import ThreadHead
from comments.web.compression import VARY as ENCODING_VARY
from comments.web.headers import cors_headers, security_headers

CACHE_CONTROL = "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
PLAIN_VARY = "Origin"  # CORS: the answer names the asking origin when it is allowed
COMPRESSED_VARY = f"{PLAIN_VARY}, {ENCODING_VARY}"
JSON = "application/json"


def thread_etag(head: ThreadHead, sort: str, limit: str, after: str) -> str:
    """An ETag that changes whenever anything visible in this thread read changes.

    `limit` and `after` are as the request wrote them (no cursor: ""), so that a revalidation
    can be matched before its parameters are parsed (see fast_lane/middleware.py).
    """
    # Closed is computed, not stored: a thread also closes when it grows older than the site
    # allows, with no write to bump its version. The base URL is in every Thread's `url`; the
    # settings shape what the embed shows.
    # The thread's creation time tells a thread from one made again at the same path after
    # the first was deleted (SQLite reuses row ids): both would start at version 1.
    created = head.created_at.isoformat() if head.created_at else None
    basis = [head.site_key, head.base_url, head.thread_id, created, head.version,
             head.is_closed(), head.settings, head.uri, sort, limit, after]
    return hashlib.blake2b(orjson.dumps(basis, option=orjson.OPT_SORT_KEYS),
                           digest_size=12).hexdigest()


def body_etag(body: Any) -> str:
    """An ETag for a small computed body (counts)."""
    return hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
                           digest_size=12).hexdigest()


def encode(body: Any) -> bytes:
    """JSON bytes of an answer (orjson: a 100-comment page ten times faster than json.dumps)."""
    return orjson.dumps(body)


def public_read_headers(environ: dict[str, Any], etag: str, origins: list[str],
                        body: bytes | None, compressing: bool) -> list[tuple[str, str]]:
    """Every header of a public read's answer but its request id: a 200 carrying `body`, or an
    empty 304 when None, to the request described by the WSGI `environ`.

    `origins` are the site's allowed origins (CORS). `compressing`: the app compresses answers
    (COMPRESS), so every answer varies by Accept-Encoding too, compressed or not; it is named
    here, in the one Vary header, where Flask-Compress would otherwise append it to each answer
    (web/compression.py). The fast lane answers with exactly this list; a Flask view's answer
    is built from it too (see public_json).
    """
    path = environ.get("PATH_INFO", "")
    secure = environ.get("wsgi.url_scheme") in ("https", "wss")
    headers = [("ETag", f'W/"{etag}"'), ("Cache-Control", CACHE_CONTROL),
               ("Vary", COMPRESSED_VARY if compressing else PLAIN_VARY),
               *cors_headers(environ.get("HTTP_ORIGIN"), origins)]
    if body is None:
        return headers + security_headers(path, None, secure)
    return [("Content-Type", JSON), ("Content-Length", str(len(body))), *headers,
            *security_headers(path, JSON, secure)]


def public_json(body: Any, etag: str, origins: list[str]) -> Response:
    """A Flask view's public read answer, or an empty 304 when `body` is None.

    `body` may be already encoded (bytes), as the memo keeps it. Its headers come from
    public_read_headers, so Flask's CORS, security and compression hooks find every one
    already set (Flask-Compress sees Accept-Encoding in Vary and adds no second one).
    """
    compressing = bool(current_app.config["COMPRESS"])
    if body is None:
        return Response(status=304, headers=public_read_headers(request.environ, etag, origins,
                                                                None, compressing))
    data = body if isinstance(body, bytes) else encode(body)
    return current_app.response_class(
        data, headers=public_read_headers(request.environ, etag, origins, data, compressing))


class AnswerMemo:
    """Encoded answers by ETag, bounded in bytes, the least recently used dropped first.

    Keys carry their kind ("embed:...") when an answer other than the API's JSON is kept.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._answers: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()  # the development server and gthread serve in threads

    def get(self, etag: str) -> Any:
        """The answer kept for `etag`, if any."""
        with self._lock:
            found = self._answers.get(etag)
            if found is None:
                return None
            self._answers.move_to_end(etag)
            return found[0]

    def put(self, etag: str, answer: Any, size: int | None = None) -> None:
        """Keep `answer` (bytes, or anything of about `size` bytes) under `etag`, unless it
        alone would take over a quarter of the memo."""
        size = len(answer) if size is None else size
        if size * 4 > self.max_bytes:
            return
        with self._lock:
            old = self._answers.pop(etag, None)
            if old is not None:
                self.size -= old[1]
            self._answers[etag] = (answer, size)
            self.size += size
            while self.size > self.max_bytes:
                _, (_dropped, dropped_size) = self._answers.popitem(last=False)
                self.size -= dropped_size

    def __len__(self) -> int:
        return len(self._answers)


def init_app(app: Flask) -> None:
    """Give the app its memo of thread answers (none when READ_MEMO_MB is 0)."""
    megabytes = float(app.config["READ_MEMO_MB"])
    app.extensions["comments.answer_memo"] = (
        AnswerMemo(int(megabytes * 1024 * 1024)) if megabytes > 0 else None
    )


def answer_memo() -> AnswerMemo | None:
    """This process's memo of thread answers, or None when turned off."""
    memo: AnswerMemo | None = current_app.extensions.get("comments.answer_memo")
    return memo
