"""The embed's static files: the loader at `/embed.js` and versioned assets under `/embed/`.

They ship as plain, readable JS and CSS (no build step) and are minified once per process
when first served, with rjsmin and rcssmin (pure Python)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import rcssmin
import rjsmin
from flask import Blueprint, Response, abort, request

from comments import package_resource

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
    small = rjsmin.jsmin(source) if name.endswith(".js") else rcssmin.cssmin(source)
    return str(small).encode("utf-8")


@cache
def asset_version(name: str) -> str:
    """A short content hash, so that a changed file gets a new URL and caches stay correct."""
    return hashlib.blake2b(asset_body(name), digest_size=6).hexdigest()


def _send(name: str, cache_control: str) -> Response:
    mimetype = "text/javascript" if name.endswith(".js") else "text/css"
    response = Response(asset_body(name), mimetype=mimetype)
    response.set_etag(asset_version(name))
    response.headers["Cache-Control"] = cache_control
    # Readers' pages load the loader cross-origin; the assets are public and harmless.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)


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
