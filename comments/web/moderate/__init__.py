"""The moderators' web UI at /moderate/ and the moderation JSON API: wiring and page policy."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from comments.errors import DomainError

STATIC = Path(__file__).resolve().parent.parent.parent / "static" / "moderate"

bp = Blueprint("moderate", __name__, url_prefix="/moderate", static_folder=str(STATIC),
               static_url_path="/static")
csrf = CSRFProtect()

# Scripts and styles only from our own files; nothing inline, nothing from elsewhere.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app: Flask) -> None:
    """Register the UI, the JSON API and CSRF protection."""
    from comments.extensions import api
    from comments.web.moderate import (  # noqa: F401 - they add routes to bp
        accounts,
        audit_log,
        dashboard,
        mail_links,
        outgoing_mail,
        people,
        queue,
        reader_history,
        readers_data,
        record_words,
        rules,
        session,
        sites,
    )
    from comments.web.moderate import api as moderation_api
    from comments.web.notices import pages as notice_pages  # noqa: F401 - adds routes to bp
    from comments.web.webhooks import pages as webhook_pages  # noqa: F401 - adds routes to bp

    # Only the moderation UI's forms carry CSRF tokens; the JSON API is protected by
    # requiring JSON bodies, and the public API by being public.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", int(app.config["MODERATOR_SESSION_HOURS"]) * 3600)
    csrf.init_app(app)
    session.init_app(app)
    app.register_blueprint(bp)
    api.register_blueprint(moderation_api.bp)
    from comments.web.webhooks import api as webhooks_api

    api.register_blueprint(webhooks_api.bp)


@bp.before_request
def _protect_forms() -> None:
    csrf.protect()


@bp.after_request
def _page_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = PAGE_POLICY
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError) -> tuple[str, int]:
    from comments.extensions import db

    db.session.rollback()
    return render_template("moderate/error.html", status=error.status,
                           message=error.message, errors=error.errors), error.status


@bp.errorhandler(CSRFError)
def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return render_template("moderate/error.html", status=400,
                           message="The form was stale or not sent from this page. "
                                   "Go back, reload and try again."), 400


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    response = error.get_response()
    body = render_template("moderate/error.html", status=status,
                           message=error.description or error.name)
    page = Response(body, status=status, mimetype="text/html")
    if "Retry-After" in response.headers:
        page.headers["Retry-After"] = response.headers["Retry-After"]
    return page
