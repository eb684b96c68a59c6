"""The identity headers of a write: `X-Reader-Token` and the loader's `X-Browser-Key`."""

from __future__ import annotations

from flask import request

from comments.services.identity.callers import Caller

#: Longer values are not ours; they count as absent rather than costing a signature check.
MAX_HEADER = 1000


def caller_of_request() -> Caller:
    """What the request says about its sender beyond the address (checked by the service)."""
    token = request.headers.get("X-Reader-Token", "").strip()
    key = request.headers.get("X-Browser-Key", "").strip()
    return Caller(reader_token=token if 0 < len(token) <= MAX_HEADER else None,
                  browser_key=key if 0 < len(key) <= MAX_HEADER else None)
