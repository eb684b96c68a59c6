"""Atom feeds of a thread's comments and of a site's newest comments."""

from __future__ import annotations

from typing import Any

from flask import Response, g, render_template
from flask_smorest import Blueprint

from comments.fast_lane.caching import CACHE_CONTROL
from comments.models.types import utcnow
from comments.schemas.comments import FeedQuery, SiteFeedQuery
from comments.services.discussion import feeds

bp = Blueprint("feeds", __name__, url_prefix="/api/v1/feeds", description="Atom feeds")

ATOM = {"content": {"application/atom+xml": {"schema": {"type": "string"}}}}


def _atom(**context: Any) -> Response:
    entries = context["entries"]
    # An empty feed is as new as its site; a feed with entries as new as its newest one.
    context["updated"] = entries[0][0].created_at if entries else (context["site"].created_at or utcnow())
    response = Response(render_template("feeds/comments.atom.xml", **context),
                        mimetype="application/atom+xml")
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.route("/comments.atom", methods=["GET"])
@bp.arguments(FeedQuery, location="query")
@bp.doc(responses={"200": {"description": "An Atom feed", **ATOM}})
def thread_feed(args: dict[str, Any]) -> Response:
    """The newest visible comments of one article, as Atom."""
    feed = feeds.thread_feed(args["site"], args["uri"])
    site, thread = feed.site, feed.thread
    g.cors_origins = site.allowed_origins
    title = thread.title if thread and thread.title else args["uri"]
    return _atom(site=site, feed_id=f"thread:{site.key}:{args['uri']}",
                 title=f"Comments on {title}", link=site.article_url(args["uri"]),
                 entries=feed.entries)


@bp.route("/recent.atom", methods=["GET"])
@bp.arguments(SiteFeedQuery, location="query")
@bp.doc(responses={"200": {"description": "An Atom feed", **ATOM}})
def site_feed(args: dict[str, Any]) -> Response:
    """The newest visible comments across a site, as Atom."""
    feed = feeds.site_feed(args["site"])
    site = feed.site
    g.cors_origins = site.allowed_origins  # a "recent comments" box on the site's own pages
    return _atom(site=site, feed_id=f"site:{site.key}", title=f"Recent comments on {site.name}",
                 link=site.base_url, entries=feed.entries)
