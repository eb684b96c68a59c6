"""Signed tokens, one salt and one maximum age per purpose, with key rotation."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

# purpose -> default maximum age in seconds
PURPOSES: dict[str, int] = {
    "edit": 15 * 60,
    "moderation-link": 3 * 24 * 3600,
    "unsubscribe": 365 * 24 * 3600,
    "share-link": 365 * 24 * 3600,
    "confirm-email": 7 * 24 * 3600,
    "form": 24 * 3600,
    "privacy": 2 * 24 * 3600,
    "appeal": 183 * 24 * 3600,  # DSA Art. 20: six months after the decision
    "reader": 30 * 24 * 3600,  # a signed-in reader's session (READER_TOKEN_MAX_AGE rules)
}


class InvalidToken(Exception):
    """The token is malformed, forged, expired or meant for another purpose."""


class ExpiredToken(InvalidToken):
    """The token is genuine but older than its purpose allows."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    config = current_app.config
    keys = (*reversed(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"])
    return _serializer_for(purpose, keys)


@lru_cache(maxsize=64)  # a serializer keeps no state between tokens; a post signs one
def _serializer_for(purpose: str, keys: tuple[Any, ...]) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and accepts any of them.
    return URLSafeTimedSerializer(list(keys), salt=f"comments.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    """A URL-safe token carrying `payload` for `purpose`."""
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: int | None = None) -> Any:
    """The payload of a valid token for `purpose`; ExpiredToken if it is too old, else InvalidToken."""
    age = PURPOSES[purpose] if max_age is None else max_age
    try:
        return _serializer(purpose).loads(token, max_age=age)
    except SignatureExpired as error:
        raise ExpiredToken(str(error)) from error
    except (BadSignature, UnicodeError, ValueError, TypeError) as error:
        raise InvalidToken(str(error)) from error

