"""Comment counts for many articles at once, for the publisher's article lists."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint

from comments.fast_lane.caching import body_etag, public_json
from comments.schemas.comments import CountsOut, CountsQuery
from comments.services.discussion import reading

# An instance, not the class: webargs would build a new schema on every read otherwise.
COUNTS_QUERY = CountsQuery()

bp = Blueprint("counts", __name__, url_prefix="/api/v1", description="Comment counts")


@bp.route("/counts", methods=["GET"])
@bp.arguments(COUNTS_QUERY, location="query")
@bp.response(200, CountsOut)
@bp.alt_response(304, description="Not modified since the ETag given in If-None-Match.")
def counts(args: dict[str, Any]) -> Response:
    """Visible comment counts for up to 100 article paths of a site."""
    origins, found = reading.counts(args["site"], list(dict.fromkeys(args["uri"])))
    g.cors_origins = origins
    body = {"counts": found}
    etag = body_etag(body)
    if request.if_none_match.contains_weak(etag):
        return public_json(None, etag, origins)
    return public_json(body, etag, origins)
