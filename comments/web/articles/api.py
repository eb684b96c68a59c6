"""`/api/v1/moderation/articles`: the publisher announces articles and titles; moderators confirm."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from flask_smorest import Blueprint

from comments.models import Site, Thread
from comments.schemas.articles import ArticleIn, ArticleOut, ArticlePageOut, ArticleQuery, ArticleRef
from comments.services.articles import publishing
from comments.services.moderation.actions import actor_of
from comments.web.discussion.present import iso
from comments.web.moderate import api as moderation_api

bp = Blueprint("moderation_articles", __name__, url_prefix="/api/v1/moderation/articles",
               description="Articles and their titles, from the publisher "
                           "(Authorization: Bearer <api token>)")
bp.before_request(moderation_api._authenticate)


def _guarded(view: Any) -> Any:
    view = bp.doc(security=[{"moderatorToken": []}])(view)
    view = bp.alt_response(401, description="No valid API token.")(view)
    return bp.alt_response(403, description="The token's moderator does not moderate this site.")(view)


def article_json(site: Site, thread: Thread) -> dict[str, Any]:
    """The API's Article."""
    return {"site": site.key, "uri": thread.uri, "url": site.article_url(thread.uri),
            "title": thread.title, "title_source": thread.title_source,
            "title_hint": thread.title_hint, "checked_at": iso(thread.facts_checked_at),
            "page_status": thread.facts_status}


@bp.route("", methods=["PUT"])
@_guarded
@bp.arguments(ArticleIn)
@bp.response(200, ArticleOut)
def put_article(data: dict[str, Any]) -> Response:
    """Announce an article (or retitle it): its thread exists from now on, with this title."""
    site, thread = publishing.announce(data["site"], data["uri"], data["title"],
                                       actor=actor_of(g.api_moderator), moderator=g.api_moderator)
    return jsonify(article_json(site, thread))


@bp.route("/confirm", methods=["POST"])
@_guarded
@bp.arguments(ArticleRef)
@bp.response(200, ArticleOut)
def confirm(data: dict[str, Any]) -> Response:
    """Vouch for the title a reader sent: from now on it is shown and mailed."""
    site, thread = publishing.confirm_hint(data["site"], data["uri"],
                                           actor=actor_of(g.api_moderator), moderator=g.api_moderator)
    return jsonify(article_json(site, thread))


@bp.route("", methods=["GET"])
@_guarded
@bp.arguments(ArticleQuery, location="query")
@bp.response(200, ArticlePageOut)
def list_articles(args: dict[str, Any]) -> Response:
    """A site's articles, oldest first; `waiting=true` lists titles awaiting confirmation."""
    page = publishing.list_articles(args["site"], moderator=g.api_moderator,
                                    waiting=args["waiting"],
                                    after=int(args["after"]) if args["after"] else None,
                                    limit=args["limit"])
    return jsonify({"articles": [article_json(page.site, thread) for thread in page.threads],
                    "next": page.next_cursor})
