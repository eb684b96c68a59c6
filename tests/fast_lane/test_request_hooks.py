"""Every request hook the fast lane's answers skip, pinned by name with the reason it may.

A 304, a thread page (memoized or built) or a counts answer from the lane
(comments/fast_lane/middleware.py) never reaches Flask, so no hook runs for it. A hook added to
the app, or to the blueprints of the lane's two routes, makes this test fail on purpose: adding
one means checking the lane (does the lane's answer need what the hook does? then the lane must
do it too, or leave such requests to Flask), and then writing the hook here with the reason.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from flask import Flask, signals

# Hook name -> why the lane's answers may go without it.
EXPECTED: dict[str, dict[str, str]] = {
    "before_request": {
        "flask_limiter._extension.Limiter._check_request_limit":
            "reads are never limited (comments/web/limits.py filters GET out)",
        "comments.web.requestlog._name_request":
            "the lane names its answer itself (request_id, X-Request-ID)",
        "comments.web.metrics._start_timer": "the lane times its answer itself",
        "comments.web.errors._refuse_undecodable_queries":
            "the lane leaves a query that is not UTF-8 to Flask (parameters.query_pairs)",
        "comments.web.errors._require_json_writes": "the lane answers GET only",
        "comments.web.json_bodies._check_json_body": "the lane answers GET only (no body)",
        "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect": "GET is never checked",
    },
    "after_request": {
        "flask_limiter._extension.Limiter.__inject_headers":
            "no limit was checked, so there are no rate-limit headers",
        "flask_compress.flask_compress.Compress.after_request":
            "the lane compresses with the library's own choice and levels (web/compression.py)",
        "comments.web.requestlog._answer_with_id":
            "the lane adds X-Request-ID and writes the access line itself",
        "comments.web.metrics._observe": "the lane counts its answer itself (metrics.observe)",
        "comments.web.headers._security_headers":
            "caching.public_read_headers includes them, for both paths",
        "comments.web.headers._cors": "caching.public_read_headers includes Vary and CORS",
    },
    "teardown_request": {
        "flask_limiter._extension.Limiter.__release_context": "no limit was checked",
    },
    "teardown_appcontext": {
        "flask_sqlalchemy.extension.SQLAlchemy._teardown_session":
            "the lane reads on the driver's cursor and opens no session",
    },
    "url_value_preprocessors": {},
    "url_default_functions": {},
}
# The blueprints of the lane's routes (/api/v1/comments, /api/v1/counts): no hooks of their own.
LANE_BLUEPRINTS = ("comments", "counts")
REQUEST_SIGNALS = ("request_started", "request_finished", "request_tearing_down",
                   "got_request_exception", "appcontext_pushed", "appcontext_tearing_down")


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """The app as deployed: rate limits on (their hooks too), behind one trusted proxy."""
    return {**config, "RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1}


def _name(hook: Any) -> str:
    if isinstance(hook, functools.partial):
        return _name(hook.func)
    return f"{hook.__module__}.{hook.__qualname__}"


def _hooks(app: Flask, kind: str, scope: str | None) -> list[str]:
    if kind == "teardown_appcontext":
        return [_name(hook) for hook in app.teardown_appcontext_funcs] if scope is None else []
    return [_name(hook) for hook in getattr(app, f"{kind}_funcs" if kind.endswith("request")
                                            else kind).get(scope, [])]


def test_the_request_hooks_the_fast_lane_skips_are_the_ones_checked(app):
    for kind, expected in EXPECTED.items():
        assert _hooks(app, kind, None) == list(expected), (
            f"app-wide {kind} changed: check the fast lane, then update this test")
        for blueprint in LANE_BLUEPRINTS:
            assert _hooks(app, kind, blueprint) == [], (
                f"{kind} on the {blueprint} blueprint: check the fast lane, then update this test")


def test_nothing_listens_to_flasks_request_signals(app):
    for name in REQUEST_SIGNALS:
        signal = getattr(signals, name)
        assert list(signal.receivers_for(app)) == [], (
            f"a receiver of {name} never hears the lane's answers: check the fast lane")


def test_nothing_sits_between_the_lane_and_flask(app):
    from comments.fast_lane.middleware import FastReads

    outer = app.wsgi_app
    while not isinstance(outer, FastReads):
        outer = outer.app  # only the proxy fix (trusted proxies) may wrap the lane
    assert outer.wsgi_app.__func__ is Flask.wsgi_app, "a middleware inside the lane is skipped"
