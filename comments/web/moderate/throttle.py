"""The sign-in throttle: an attempt is counted before its password is checked, in one atomic step.

Counting after the answer (test, evaluate, then count) lets every attempt that arrives while the
first ones are still being evaluated through: 20 parallel guesses against a limit of 5 were 9
evaluations. Here each attempt first takes a unit of every limit (an atomic increment in the
limiter's storage, Redis or memory), and only an attempt that got all of them is evaluated; a
right password gives its units back, so signing in never uses up the budget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app, request
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from comments.extensions import limiter
from comments.services.client import network_key

log = logging.getLogger(__name__)


def claim_attempt(email: str) -> Callable[[], None]:
    """Count one attempt for the client's network and for the account; 429 if either is spent.

    Returns what gives the units back (call it when the password was right).
    """
    if not current_app.config["RATELIMIT_ENABLED"] or not limiter.enabled:
        return lambda: None
    items = parse_many(str(current_app.config["SIGNIN_LIMIT"]))
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "")
    who = ("address", network_key(request.remote_addr)), ("account", email.strip().lower()[:320])
    keys = [(item, (prefix, "signin", kind, value)) for kind, value in who for item in items]
    try:
        storage = limiter.storage
        counter = FixedWindowRateLimiter(storage)
        taken: list[tuple[RateLimitItem, tuple[str, ...]]] = []
        for item, identifiers in keys:
            taken.append((item, identifiers))
            if not counter.hit(item, *identifiers):
                raise TooManyRequests(retry_after=item.get_expiry())
    except TooManyRequests:
        raise
    except Exception as error:  # the storage is down: refuse rather than guess unthrottled
        log.warning("sign-in throttle unavailable: %s", error)
        raise ServiceUnavailable("Sign-in is paused: its throttle cannot count.",
                                 retry_after=5) from error

    def give_back() -> None:
        try:
            for item, identifiers in taken:
                storage.incr(item.key_for(*identifiers), item.get_expiry(), amount=-1)
        except Exception:  # noqa: BLE001 - a right password is not refused for this
            log.warning("could not give back sign-in units", exc_info=True)

    return give_back
