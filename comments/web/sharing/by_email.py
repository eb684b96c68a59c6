""""Send this to a friend" by email: the guarded relay endpoint."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from flask_smorest import Blueprint

from comments.errors import QuotaExceeded, Unavailable
from comments.extensions import limiter
from comments.schemas.share_mail import ShareMailIn, ShareMailOut
from comments.services.sharing import by_email
from comments.web.client import client_of_request

bp = Blueprint("share_mail", __name__, description='"Send this to a friend" by email')


@bp.route("/api/v1/shares", methods=["POST"])
@bp.arguments(ShareMailIn)
@bp.response(202, ShareMailOut)
@bp.alt_response(403, description="The site or this server does not send articles by email, "
                                  "or the form token is bad.")
@bp.alt_response(429, description="A quota (client, sender, recipient or site) is used up.")
@bp.alt_response(503, description="The shared rate-limit store is down: nothing is sent.")
def send(data: dict[str, Any]) -> Response:
    """Send the article to one friend by email; 202 whatever the recipient's preferences."""
    if current_app.config["RATELIMIT_ENABLED"] and not limiter.storage.check():
        # A mail relay fails closed: per-process fallback limits multiply with the number of
        # processes, which is no limit at all for mail to strangers.
        raise Unavailable("Sending by email is paused while a dependency is down; retry shortly.")
    share_id = by_email.share_by_email(_share_request(data), client_of_request())
    response = jsonify({"id": share_id})
    response.status_code = 202
    response.headers["Cache-Control"] = "no-store"
    return response


def _share_request(data: dict[str, Any]) -> by_email.ShareRequest:
    # Optional fields may arrive as null: the service reads them as empty text.
    return by_email.ShareRequest(**{key: data.get(key) or ""
                                    for key in by_email.ShareRequest.__dataclass_fields__})


@bp.errorhandler(QuotaExceeded)
def quota_exceeded(error: QuotaExceeded) -> Response:
    """A used-up quota is a 429 that says when the window ends."""
    from comments.extensions import db

    db.session.rollback()
    response = jsonify({"error": error.code, "message": error.message})
    response.status_code = 429
    response.headers["Retry-After"] = str(error.retry_after)
    return response
