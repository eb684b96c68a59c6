"""Request ids (X-Request-ID in and out) and, with COMMENTS_JSON_LOGS, one JSON line per event.

A proxy or load balancer that already names requests passes its id through; otherwise each
request gets a fresh one. Every log record written while a request runs carries that id, so one
grep finds the access line, a warning and a traceback of the same request.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
access_log = logging.getLogger("comments.access")


def init_app(app: Flask) -> None:
    """Name every request; log as JSON when JSON_LOGS is on."""
    app.before_request(_name_request)
    app.after_request(_answer_with_id)
    if app.config["JSON_LOGS"]:
        configure_json_logging()
        app.logger.handlers.clear()  # Flask's default handler would print plain text too
        app.logger.propagate = True


def request_id(given: str | None) -> str:
    """The id of a request: the one a proxy sent if it is sane, else a fresh one."""
    # Only a sane id is echoed: a client must not write arbitrary text into our logs.
    return given if given and REQUEST_ID.match(given) else uuid.uuid4().hex


def log_access(rid: str, method: str, path: str, status: int, started: float,
               size: int | None, user_agent: str) -> None:
    """The access line of one answered request (when INFO is on for comments.access)."""
    if access_log.isEnabledFor(logging.INFO):
        access_log.info("request", extra={"request_id": rid, "http": {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "bytes": size,
            "user_agent": user_agent[:200],
        }})


def _name_request() -> None:
    g.request_id = request_id(request.headers.get("X-Request-ID"))
    g.request_started = time.perf_counter()


def _answer_with_id(response: Response) -> Response:
    rid = g.get("request_id")
    if rid is None:
        return response
    response.headers["X-Request-ID"] = rid
    if access_log.isEnabledFor(logging.INFO):  # the line's facts only when it is written
        log_access(rid, request.method, request.path, response.status_code, g.request_started,
                   response.calculate_content_length(), request.user_agent.string)
    return response


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id and extras.

    The request id is looked up when the record is formatted, so records of every logger
    (ours, Flask's, SQLAlchemy's) carry it, whoever configured the handler (gunicorn too).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is None and has_request_context():
            request_id = g.get("request_id")
        if request_id:
            entry["request_id"] = request_id
        http = getattr(record, "http", None)
        if http:
            entry["http"] = http
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is now (a test or a daemoniser may swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send every log record (ours, Flask's, gunicorn's) to stderr as JSON, once."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
