"""The demo: a made-up news article that embeds the thread from another origin of the same site."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from comments.web.embed.assets import asset_version

bp = Blueprint("demo", __name__)

ARTICLE_URI = "/2026/11/28/night-ferry-returns/"
MAIN_HEADLINE = "Night ferry returns to the harbour after forty years"
# The other stories of the demo paper: path, section, headline, and a short brief.
BRIEFS = {
    "/2026/11/27/library-opens-late/": (
        "Culture", "The central library will open until midnight through the winter",
        "From December the reading rooms stay open until midnight on weekdays, a trial the city "
        "says costs less than heating the building twice. Study spaces can be booked a week ahead.",
    ),
    "/2026/11/26/market-hall-roof/": (
        "City", "Market hall roof repairs finish three months early",
        "The scaffolding comes down next week. Traders say the dry autumn helped, and the saved "
        "rent subsidy will go to the Saturday farmers' market.",
    ),
    "/2026/11/25/tram-timetable/": (
        "Transport", "New tram timetable: what changes on your line",
        "Lines 2 and 5 run every six minutes at peak times from January; line 7 loses its late "
        "evening short workings. The full timetable is at every stop from Monday.",
    ),
}


def init_app(app: Flask) -> None:
    """Serve the demo article only on installs started by `comments demo` (COMMENTS_DEMO)."""
    if app.config.get("DEMO"):
        app.register_blueprint(bp)


def embed_origin() -> str:
    """The comments host as the demo page loads it: `comments demo` serves it on the next port
    (another origin, the same site, as a real deployment); otherwise the page's own origin."""
    configured = current_app.config.get("DEMO_EMBED_ORIGIN")
    return str(configured).rstrip("/") if configured else request.host_url.rstrip("/")


@bp.get("/")
@bp.get(ARTICLE_URI)
@bp.get("/<int:year>/<int:month>/<int:day>/<slug>/")
def article(**_parts: object) -> Response:
    """A demo article, ending in "Leave a Reply" and "Send this to a friend"."""
    uri = ARTICLE_URI if request.path == "/" else request.path
    if uri != ARTICLE_URI and uri not in BRIEFS:
        abort(404)
    comments_host = embed_origin()
    brief = BRIEFS.get(uri)
    more = [(path, headline) for path, (_s, headline, _b) in BRIEFS.items() if path != uri]
    if uri != ARTICLE_URI:
        more.insert(0, (ARTICLE_URI, MAIN_HEADLINE))
    body = render_template("demo/article.html", comments_host=comments_host, uri=uri,
                           brief=brief, headline=brief[1] if brief else MAIN_HEADLINE,
                           more=more, css_version=asset_version("demo.css"))
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {comments_host}; connect-src {comments_host}; "
        f"frame-src {comments_host}; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
