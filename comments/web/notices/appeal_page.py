"""The page an appeal link opens: the decision, and a form for the explanation (no script)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from comments.errors import DomainError, Invalid
from comments.services.notices import appeals
from comments.web.limits import limited
from comments.web.privacy.pages import CSP

bp = Blueprint("appeal_page", __name__)


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(f"notices/{template}", **context), status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the URL carries the token
    return response


def _form(token: str, status: int = 200, **context: Any) -> Response:
    try:
        decision = appeals.decision_of_link(token)
    except DomainError as error:
        return _page("appeal_error.html", error.status, message=error.message)
    return _page("appeal.html", status, decision=decision, token=token,
                 decided_at=decision.created_at.strftime("%Y-%m-%d"), **context)


@bp.get("/appeal/")
def form() -> Response:
    """The decision an appeal link is about, and the form to contest it."""
    return _form((request.args.get("token") or "")[:1000])


@bp.post("/appeal/")
@limited("post_limit")
def send() -> Response:
    """File the appeal (the same rules as POST /api/v1/appeals)."""
    token = (request.form.get("token") or "")[:1000]
    explanation = request.form.get("explanation") or ""
    try:
        appeal = appeals.file_appeal(token, explanation[:4001])
    except Invalid as error:
        problems = [why for whys in (error.errors or {}).values() for why in whys]
        return _form(token, 422, problem=" ".join(problems) or error.message,
                     explanation=explanation[:4000])
    except DomainError as error:
        return _page("appeal_error.html", error.status, message=error.message)
    return _page("appeal_sent.html", 202, appeal_id=appeal.id)
