"""Pages readers reach from mail: confirm a subscription, unsubscribe (RFC 8058 one-click too)."""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template, request

from comments.errors import NotFound
from comments.services import tokens
from comments.services.mail import subscription_links, subscriptions

bp = Blueprint("mail_pages", __name__, url_prefix="/mail")
PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")


def _page(template: str, status: int = 200, **context: object) -> Response:
    response = make_response(render_template(f"mail_pages/{template}", **context), status)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/confirm/<token>", methods=["GET"])
def confirm_page(token: str) -> Response:
    """Show the confirmation button (mail scanners fetch links; only a POST confirms)."""
    try:
        subscription_links.read_confirm_token(token)
    except tokens.InvalidToken:
        return _page("invalid.html", 404)
    return _page("confirm.html", token=token)


@bp.route("/confirm/<token>", methods=["POST"])
def confirm(token: str) -> Response:
    """Confirm the subscription."""
    try:
        article = subscriptions.confirm(token)
    except NotFound:
        return _page("invalid.html", 404)
    return _page("confirmed.html", article=article)


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe_page(token: str) -> Response:
    """Show what the link can stop: this thread, or all mail."""
    try:
        what = subscriptions.describe_unsubscribe(token)
    except NotFound:
        return _page("invalid.html", 404)
    return _page("unsubscribe.html", token=token, what=what)


@bp.route("/unsubscribe/<token>", methods=["POST"])
def unsubscribe(token: str) -> Response:
    """Unsubscribe; a mail program's one-click POST (RFC 8058) needs no session or form."""
    scope = request.form.get("scope")
    try:
        done = subscriptions.unsubscribe(token, scope)
    except NotFound:
        return _page("invalid.html", 404)
    return _page("unsubscribed.html", scope=done)
