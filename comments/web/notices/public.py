"""Filing a notice and an appeal: the public endpoints anyone may call."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint

from comments.schemas.notices import AppealIn, AppealOut, NoticeIn, NoticeOut
from comments.services.notices import appeals, filing
from comments.web.client import client_of_request
from comments.web.limits import limited

bp = Blueprint("notices", __name__, description="Notices of illegal content and appeals (DSA)")


def _accepted(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.status_code = 202
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/v1/notices", methods=["POST"])
@bp.arguments(NoticeIn)
@bp.response(202, NoticeOut)
@bp.alt_response(403, description="The form token is forged or expired.")
@bp.alt_response(404, description="No such public comment on this site.")
@bp.alt_response(429, description="Too many notices from this address (the posting limit).")
@limited("post_limit")
def file_notice(data: dict[str, Any]) -> Response:
    """File a notice that a comment is illegal; the receipt is mailed to the reporter at once."""
    fields: dict[str, Any] = {key: data.get(key) if data.get(key) is not None else ""
                              for key in filing.NoticeRequest.__dataclass_fields__}
    request = filing.NoticeRequest(**fields)
    return _accepted({"reference": filing.file_notice(request, client_of_request())})


@bp.route("/api/v1/appeals", methods=["POST"])
@bp.arguments(AppealIn)
@bp.response(202, AppealOut)
@bp.alt_response(403, description="The link is forged, or its six months are over.")
@bp.alt_response(409, description="An appeal against this decision is already waiting.")
@limited("post_limit")
def file_appeal(data: dict[str, Any]) -> Response:
    """Appeal a decision through the signed link of its mail; another moderator decides."""
    appeal = appeals.file_appeal(data["token"], data["explanation"])
    return _accepted({"appeal": appeal.id})
