"""Error handling in one place: domain errors, database busy, and anything unexpected."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError

from comments.database.engine import is_lock_timeout
from comments.errors import DomainError
from comments.extensions import db

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

WRITE_METHODS = {"POST", "PUT", "PATCH"}


def init_app(app: Flask) -> None:
    """Register the handlers and the JSON-only rule for API writes."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.before_request(_refuse_undecodable_queries)
    app.before_request(_require_json_writes)


def _json_error(status: int, code: str, message: str, errors: dict[str, list[str]] | None = None,
                retry_after: str | None = None) -> Response:
    body: dict[str, object] = {"error": code, "message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


def _domain_error(error: DomainError) -> Response:
    _rollback()
    retry_after = getattr(error, "retry_after", None)
    return _json_error(error.status, error.code, error.message, error.errors,
                       retry_after="5" if error.status == 503 else
                       str(retry_after) if retry_after is not None else None)


def _database_error(error: DBAPIError) -> Response:
    _rollback()
    if is_lock_timeout(error) or isinstance(error, OperationalError):
        log.warning("database busy or unreachable: %s", error)
        return _json_error(503, "unavailable", "The database is busy; retry shortly.",
                           retry_after="2")
    log.exception("database error")
    return _json_error(500, "server_error", "Something went wrong on our side.")


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session may already be unusable
        log.debug("rollback after error failed", exc_info=True)


def accepts_empty_body(view: F) -> F:
    """Mark an API write that needs no body (an action), so an empty POST is not a 415."""
    view.accepts_empty_body = True  # type: ignore[attr-defined]
    return view


def _refuse_undecodable_queries() -> Response | None:
    """A query string that is not UTF-8 (raw bytes a browser would have percent-encoded) is a
    400: werkzeug would raise while reading request.args, and that must not be a 500."""
    if request.query_string.isascii():
        return None
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        return _json_error(400, "bad_parameters", "The query string is not valid UTF-8.")
    return None


def _require_json_writes() -> Response | None:
    """Writes to the API must be JSON: this also blocks cross-site form posts."""
    if request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
        return None
    if request.is_json:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    empty = not request.content_length and not request.headers.get("Transfer-Encoding")
    if empty and getattr(view, "accepts_empty_body", False):
        return None
    return _json_error(415, "unsupported_media_type",
                       "Send the body as JSON (Content-Type: application/json).")
