"""Sharing endpoints: tracked links for the reader's mail program, and following them."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint

from comments.schemas.shares import ShareLinkIn, ShareLinkOut
from comments.services.sharing import links as shares
from comments.web.client import client_of_request
from comments.web.limits import limited

bp = Blueprint("shares", __name__, description='"Send this to a friend"')


@bp.route("/api/v1/shares/links", methods=["POST"])
@bp.arguments(ShareLinkIn)
@bp.response(200, ShareLinkOut)
@limited("vote_limit")
def create_link(data: dict[str, Any]) -> Response:
    """A tracked link to the article and a `mailto:` that carries it."""
    _share, site, thread, url = shares.create_link(
        data["site"], data["uri"], client_of_request(), title=data["title"][:500]
    )
    article = site.article_url(thread.uri)
    return jsonify({"url": url, "mailto": shares.mailto(thread.title, article, url)})


@bp.route("/s/<token>", methods=["GET"])
@bp.response(302)
def follow(token: str) -> Response:
    """Go to the shared article (its stored URL, never one from the request)."""
    target = shares.follow(token)
    response = Response(status=302, headers={"Location": target})
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
