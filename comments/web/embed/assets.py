"""The embed's static files: the loader at `/embed.js` and versioned assets under `/embed/`.

They ship as plain, readable JS and CSS (no build step) and are minified once per process
when first served, by pure-Python minifiers: calmjs.parse (ES5, shortens local names) and rcssmin."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

import rcssmin
from flask import Blueprint, Response, abort, request

from comments import package_resource

log = logging.getLogger(__name__)
bp = Blueprint("embed_assets", __name__)

# Only these files are served; the language strings are inlined into the iframe page instead.
ASSETS = {"thread.js", "thread.css", "demo.css", "embed.js"}
LOADER_CACHE = "public, max-age=600, stale-while-revalidate=86400"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=300"


def asset_path(name: str) -> Path:
    """Where a shipped embed file lives."""
    return package_resource("embed") / name


@cache
def asset_body(name: str) -> bytes:
    """The file as served: minified (the files are part of the release, so this never goes stale)."""
    source = asset_path(name).read_text(encoding="utf-8")
    return (minify_script(source) if name.endswith(".js") else rcssmin.cssmin(source)).encode("utf-8")


def minify_script(source: str) -> str:
    """The script minified, or as written if the minifier cannot read it (still correct, larger)."""
    from calmjs.parse import es5
    from calmjs.parse.exceptions import ECMASyntaxError
    from calmjs.parse.unparsers.es5 import minify_print

    try:
        return str(minify_print(es5(source), obfuscate=True, obfuscate_globals=False))
    except (ECMASyntaxError, RecursionError) as error:
        log.warning("serving an embed script unminified: %s", error)
        return source


@cache
def asset_version(name: str) -> str:
    """A short hash of the file, so that a changed file gets a new URL and caches stay correct."""
    return hashlib.blake2b(asset_path(name).read_bytes(), digest_size=6).hexdigest()


def _send(name: str, cache_control: str) -> Response:
    mimetype = "text/javascript" if name.endswith(".js") else "text/css"
    response = Response(asset_body(name), mimetype=mimetype)
    response.set_etag(asset_version(name))
    response.headers["Cache-Control"] = cache_control
    # Readers' pages load the loader cross-origin; the assets are public and harmless.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.make_conditional(request)  # 304 for a matching If-None-Match
    return response


@bp.get("/embed.js")
def loader() -> Response:
    """The loader that publishers put on their article pages."""
    return _send("embed.js", LOADER_CACHE)


@bp.get("/embed/<name>")
def asset(name: str) -> Response:
    """A script or stylesheet of the iframe page; cached for good when the URL carries its hash."""
    if name not in ASSETS:
        abort(404)
    versioned = request.args.get("v") == asset_version(name)
    return _send(name, VERSIONED_CACHE if versioned else UNVERSIONED_CACHE)
