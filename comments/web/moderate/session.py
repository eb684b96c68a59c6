"""Signing in and out of the moderation UI, and who is signed in on each request."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from comments.models import Moderator
from comments.services.moderation import moderators
from comments.web.moderate import bp, throttle

F = TypeVar("F", bound=Callable[..., Any])
SESSION_KEY = "moderator"


def init_app(app: Flask) -> None:
    """Sessions last a working day at most; the cookie's flags come from config.py."""
    app.permanent_session_lifetime = timedelta(hours=int(app.config["MODERATOR_SESSION_HOURS"]))


def current_moderator() -> Moderator | None:
    """The moderator signed in on this request, if the session is still alive."""
    if "moderator" in g:
        cached: Moderator | None = g.moderator
        return cached
    found: Moderator | None = None
    data = session.get(SESSION_KEY)
    if isinstance(data, dict):
        try:
            moderator_id, version = int(data["id"]), int(data["v"])
            session_id, started = str(data["sid"]), float(data["at"])
        except (KeyError, TypeError, ValueError):
            session_id, started = "", 0.0
        lifetime = current_app.permanent_session_lifetime.total_seconds()
        if session_id and time.time() - started < lifetime:
            found = moderators.session_moderator(moderator_id, version, session_id)
    g.moderator = found
    return found


def signed_in(view: F) -> F:
    """Send visitors who are not signed in to the sign-in page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_moderator() is None:
            session.pop(SESSION_KEY, None)
            return redirect(url_for("moderate.signin", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_only(view: F) -> F:
    """Pages for admins only (moderators, sites); others get 403."""

    @wraps(view)
    @signed_in
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        moderator = current_moderator()
        if moderator is None or not moderator.is_admin:
            abort(403, "Only an admin may do this.")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def me() -> Moderator:
    """The signed-in moderator (inside a @signed_in view)."""
    moderator = current_moderator()
    assert moderator is not None
    return moderator


def local_next(default: str) -> str:
    """Where to go after a form: a path inside the moderation UI, never another host."""
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if (not parts.scheme and not parts.netloc and target.startswith("/moderate/")
            and "\\" not in target and not target.startswith("//")):
        return target
    return default


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    """Sign in with email and password; failed attempts are throttled per address and account."""
    if request.method == "GET":
        if current_moderator() is not None:
            return redirect(local_next(url_for("moderate.queue")), 303)
        return render_template("moderate/signin.html", next=local_next(""))
    give_back = throttle.claim_attempt(request.form.get("email", ""))
    moderator = moderators.authenticate(request.form.get("email", ""),
                                        request.form.get("password", ""))
    if moderator is not None:
        give_back()
    if moderator is None:
        return render_template("moderate/signin.html", next=local_next(""),
                               error="Wrong email or password."), 401
    session.clear()  # a fresh session (and CSRF token) for the signed-in person
    session.permanent = True
    session[SESSION_KEY] = {"id": moderator.id, "v": moderator.session_version,
                            "sid": secrets.token_hex(16), "at": time.time()}
    return redirect(local_next(url_for("moderate.queue")), 303)


@bp.route("/signout", methods=["POST"])
def signout() -> Any:
    """End this session for good: a copy of the cookie stops working too."""
    data = session.get(SESSION_KEY)
    if isinstance(data, dict) and data.get("sid"):
        moderators.end_session(str(data["sid"]))
    session.clear()
    return redirect(url_for("moderate.signin"), 303)


@bp.route("/signout-everywhere", methods=["POST"])
@signed_in
def signout_everywhere() -> Any:
    """End every session of this account, on every device."""
    moderator = me()
    moderators.end_all_sessions(moderator.id, actor=f"moderator:{moderator.email}")
    session.clear()
    return redirect(url_for("moderate.signin"), 303)


@bp.context_processor
def _layout_globals() -> dict[str, Any]:
    return {"me": current_moderator() if "moderator" in g or SESSION_KEY in session else None}
