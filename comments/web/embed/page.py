"""The iframe page of the embed: a thread rendered on the server, with its form and share control."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from marshmallow import ValidationError, fields, validate

from comments.errors import SiteNotFound
from comments.fast_lane.caching import answer_memo, thread_etag
from comments.models import Site, Thread
from comments.schemas.comments import SORTS
from comments.schemas.common import BaseSchema, SiteKey, Uri
from comments.services.discussion import reading
from comments.services.form_signs import issue_form_token
from comments.services.notices.placeholders import hidden_ids, removal_grounds
from comments.web.discussion.present import thread_json
from comments.web.embed.assets import asset_version
from comments.web.embed.languages import Translator, choose, script_strings
from comments.web.embed.thread_view import arrange, comment_view, indent_levels

bp = Blueprint("embed", __name__)


def init_app(app: Flask) -> None:
    """Register the iframe page, the embed's static files and, on demo installs, the demo article."""
    from comments.web.embed import assets as embed_assets
    from comments.web.embed import demo

    app.register_blueprint(bp)
    app.register_blueprint(embed_assets.bp)
    demo.init_app(app)

THEMES = ("auto", "light", "dark")
# Words every comment repeats: translated once per page, not once per comment.
COMMENT_WORDS = ("deleted", "anonymous", "edited", "pending", "like", "dislike", "reply", "edit",
                 "delete", "flag", "removed_illegal", "removed_terms", "verified", "badge_staff",
                 "editors_pick")
FIRST_PAGE = 50


class EmbedQuery(BaseSchema):
    """What the loader tells the iframe page."""

    site = SiteKey()
    uri = Uri(required=True)
    title = fields.String(load_default="", validate=validate.Length(max=500))
    lang = fields.String(load_default="", validate=validate.Length(max=35))
    theme = fields.String(load_default="auto", validate=validate.OneOf(THEMES))
    origin = fields.String(load_default="", validate=validate.Length(max=300))
    sort = fields.String(load_default="oldest", validate=validate.OneOf(SORTS))
    limit = fields.Integer(load_default=FIRST_PAGE, validate=validate.Range(min=1, max=100))


def frame_policy(site: Site | None) -> str:
    """The page's CSP: our own script and styles only, framed only by the site's own pages."""
    ancestors = " ".join(site.allowed_origins) if site and site.allowed_origins else "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'none'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


def _page(body: str, status: int, site: Site | None) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = frame_policy(site)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


def _problem(status: int, language: str, message: str, site: Site | None = None) -> Response:
    body = render_template("embed/problem.html", lang=language, message=message,
                           asset_url=asset_url, t=Translator(language))
    return _page(body, status, site)


def asset_url(name: str) -> str:
    """The versioned URL of an embed asset."""
    return url_for("embed_assets.asset", name=name, v=asset_version(name))


@bp.get("/embed/thread")
def thread_page() -> Response:
    """The thread of one article, readable as served, for the loader's iframe."""
    accept = [tag for tag, _q in request.accept_languages]
    try:
        args = EmbedQuery().load(request.args.to_dict(flat=True))
    except ValidationError as error:
        language = choose(request.args.get("lang"), accept)
        fields_wrong = ", ".join(sorted(str(name) for name in error.messages))
        return _problem(400, language, f"The embed was set up with bad parameters ({fields_wrong}).")
    language = choose(args["lang"], accept)
    try:
        head = reading.thread_head(args["site"], args["uri"])
    except SiteNotFound:
        return _problem(404, language, "There is no comments site with this key.")
    site, thread = head.site(), head.thread()
    origin = args["origin"].rstrip("/")
    if origin and origin not in site.allowed_origins:
        return _problem(403, language, "This site does not allow its comments to be shown here.",
                        site)
    info = thread_json(site, args["uri"], thread)
    settings = site.settings
    article_url = site.article_url(args["uri"])
    t = Translator(language)
    w = {key: t(key) for key in COMMENT_WORDS}
    listing, next_cursor, has_comments = _listing(head, thread, settings.max_depth, args,
                                                  language, t, w, article_url)
    config = {
        "site": site.key, "uri": args["uri"], "title": args["title"] or info["title"],
        "url": article_url, "lang": language, "origin": origin, "sort": args["sort"],
        "limit": args["limit"], "next": next_cursor, "count": info["count"],
        "closed": info["closed"], "depth": indent_levels(settings.max_depth),
        "edit_window": settings.edit_window, "require_author": settings.require_author,
        "require_email": settings.require_email, "text_max": settings.text_max_length,
        "share_by_email": settings.share_by_email, "strings": script_strings(language),
        "live": {"poll": float(current_app.config["LIVE_POLL_SECONDS"])},
        "identity": settings.identity, "email_sign_in": settings.email_sign_in,
    }
    body = render_template(
        "embed/thread.html", t=t, lang=language, theme=args["theme"], site=site, info=info,
        config=config, listing=listing, has_comments=has_comments,
        view=comment_view, article_url=article_url, next_cursor=next_cursor,
        form_token=form_token(), share_form_token=form_token(),
        notice_form_token=form_token(), sort=args["sort"], sorts=SORTS,
        asset_url=asset_url,
        settings=settings, title=config["title"], w=w,
    )
    return _page(body, 200, site)


def _listing(head: reading.ThreadHead, thread: Thread | None, max_depth: int,
             args: dict[str, Any], language: str, t: Translator, w: dict[str, str],
             article_url: str) -> tuple[Markup, str | None, bool]:
    """The first page's comments as HTML, its next cursor and whether it has any.

    Drawing a hundred comments costs several milliseconds, on every page view; between two
    changes of the thread every reader in one language gets the same list, so it is kept
    under the thread's ETag (which covers the site's settings and base URL) and the language.
    """
    key = f"embed:{language}:" + thread_etag(head, args["sort"], str(args["limit"]), "")
    memo = answer_memo()
    kept = memo.get(key) if memo is not None else None
    if kept is not None:
        return cast(tuple[Markup, str | None, bool], kept)
    items: list[Any] = []
    next_cursor = None
    if thread is not None:
        page = reading.thread_page(thread.id, args["sort"], args["limit"], None)
        items = arrange(page.nodes, max_depth)
        next_cursor = page.next_cursor
    # Placeholders of comments a decision removed say on what ground (DSA Art. 17).
    view = partial(comment_view, grounds=removal_grounds(hidden_ids(page.nodes))) \
        if items else comment_view
    # The output of an autoescaping template: already escaped, so Markup only marks it so.
    listing = Markup(render_template(  # noqa: S704
        "embed/_list.html", comments=[view(item, article_url) for item in items],
        t=t, w=w, view=view, article_url=article_url,
    ))
    if memo is not None and thread is not None:  # no thread: nothing read, nothing to keep
        memo.put(key, (listing, next_cursor, bool(items)), len(listing))
    return listing, next_cursor, bool(items)


def form_token() -> str:
    """The signed time a form was shown, spent by its first submission (one per form)."""
    return issue_form_token()


@bp.get("/embed/token")
def fresh_form_token() -> Response:
    """A new form token for the next comment or share from an already open page."""
    response = jsonify({"form_token": form_token()})
    response.headers["Cache-Control"] = "no-store"
    return response
