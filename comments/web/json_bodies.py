"""The one gate every JSON request body passes before any parser reads it: I-JSON, bounded depth."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, Response, jsonify, request

# No body of this API is deeper than a few levels; a hostile one must not recurse the parsers.
MAX_DEPTH = 32
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class NotIJson(ValueError):
    """The body is not an I-JSON (RFC 7493) text this service accepts."""


def init_app(app: Flask) -> None:
    """Check JSON bodies of writes before the views, webargs or the limiter parse them."""
    app.before_request(_check_json_body)


def _check_json_body() -> Response | None:
    asked = request._get_current_object()  # type: ignore[attr-defined]  # once, not per use
    if asked.method not in WRITE_METHODS or not asked.is_json:
        return None
    length = asked.content_length
    if length is not None and length > (asked.max_content_length or 0) > 0:
        return None  # werkzeug answers 413 when the body is read
    raw = asked.get_data(cache=True)
    if not raw:
        return None
    try:
        strict_loads(raw)
    except NotIJson as error:
        response = jsonify({"error": "malformed",
                            "message": f"The request body is not valid JSON: {error}"})
        response.status_code = 400
        return response
    return None


def body_or_none() -> Any:
    """The request's JSON body if it passes the gate, else None (for hooks that run before it)."""
    if not request.is_json:
        return None
    try:
        return strict_loads(request.get_data(cache=True))
    except NotIJson:
        return None


def strict_loads(raw: bytes) -> Any:
    """Parse `raw` as I-JSON: UTF-8, no lone surrogates, unique names, finite numbers, and at
    most MAX_DEPTH levels of arrays and objects; raise NotIJson otherwise.

    Integers of any size parse (up to Python's 4300 digits, beyond which they do not): the
    schemas bound each field to its column's range and answer 422 naming the field.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotIJson("it is not UTF-8") from error
    _check_depth(text)
    try:
        value = json.loads(text, object_pairs_hook=_unique_names, parse_float=_finite_float,
                           parse_constant=_no_constant)
    except NotIJson:
        raise
    except (ValueError, RecursionError) as error:
        raise NotIJson("it does not parse") from error
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise NotIJson("it holds a lone surrogate (\\ud800-\\udfff)") from error
    return value


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before parsing (brackets inside strings skipped)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise NotIJson(f"it is nested deeper than {MAX_DEPTH} levels")
        elif char in "]}":
            depth -= 1


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = dict(pairs)
    if len(names) != len(pairs):
        raise NotIJson("an object names one member twice")
    return names


def _finite_float(digits: str) -> float:
    value = float(digits)
    if not math.isfinite(value):
        raise NotIJson("a number is too large")
    return value


def _no_constant(name: str) -> Any:
    raise NotIJson(f"{name} is not JSON")
