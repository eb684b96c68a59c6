"""The embed's static files: the loader at `/embed.js` and versioned assets under `/embed/`."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_file

from comments import package_resource

bp = Blueprint("embed_assets", __name__)

# Only these files are served; the language files are inlined into the iframe page instead.
ASSETS = {"thread.js", "thread.css", "demo.css", "embed.js"}
LOADER_CACHE = "public, max-age=600, stale-while-revalidate=86400"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=300"


def asset_path(name: str) -> Path:
    """Where a shipped embed file lives."""
    return package_resource("embed") / name


@cache
def asset_version(name: str) -> str:
    """A short content hash, so that a changed file gets a new URL and caches stay correct."""
    return hashlib.blake2b(asset_path(name).read_bytes(), digest_size=6).hexdigest()


def _send(name: str, cache_control: str) -> Response:
    mimetype = "text/javascript" if name.endswith(".js") else "text/css"
    response = send_file(asset_path(name), mimetype=mimetype, conditional=True, etag=True,
                         max_age=None)
    response.headers["Cache-Control"] = cache_control
    # Readers' pages load the loader cross-origin; the assets are public and harmless.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
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
