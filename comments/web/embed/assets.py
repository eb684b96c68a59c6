"""The embed's static files: the loader at `/embed.js` and versioned assets under `/embed/`.

They ship as plain, readable JS and CSS and are built once per process, when first served. The
iframe's script is written as modules in `embed/thread/` and served as one `thread.js`: joined in
THREAD_MODULES order inside one function, so they share its scope and the minifier may shorten
every name. The loader stays one small file.

Scripts are minified by tdewolff-minify, the Go minifier that Hugo uses, shipped on PyPI as
compiled wheels (Linux, Windows, Intel macOS; elsewhere its sdist builds with Go). It parses
current JavaScript (let/const, arrows, template literals, async), shortens local names, and raises
on a syntax error, a name declared twice in the modules' shared scope included. Told `js-version`
2017 it never writes syntax newer than the scripts may use (left alone it turns `x == null ? y : x`
into `x ?? y`, which is ES2020). The others looked at: calmjs.parse reads ES5 only; rjsmin and
jsmin strip blanks without parsing (a syntax error goes out as is, nothing is renamed: rjsmin's
thread.js was 15% larger gzipped); minify-html minifies JS only inside HTML and passes what it
cannot parse through unchanged; esbuild-py wraps esbuild's JSX transform only and imports
distutils, gone in Python 3.12. A script that does not minify is a broken release, so it raises
instead of being served as written. Styles go through rcssmin."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import minify
import rcssmin
from flask import Blueprint, Response, abort, request

from comments import package_resource

bp = Blueprint("embed_assets", __name__)

# Only these files are served; the language strings are inlined into the iframe page instead.
ASSETS = {"thread.js", "thread.css", "demo.css", "embed.js"}
LOADER_CACHE = "public, max-age=600, stale-while-revalidate=86400"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
UNVERSIONED_CACHE = "public, max-age=300"
# The iframe script's modules in the order they run; each may use what the ones before it declare.
THREAD_MODULES = (
    "core.js", "strings.js", "storage.js", "api.js", "draw.js", "form.js", "share.js", "contrast.js",
    "notice.js", "live.js", "identity.js", "boot.js",
)
# The newest ECMAScript the minifier may write: the embed's language rule (embed/thread/core.js).
SCRIPT_LANGUAGE = 2017


class ScriptNotMinified(RuntimeError):
    """A shipped script does not parse: the release is broken, not the request."""


def asset_path(name: str) -> Path:
    """Where a shipped embed file lives."""
    return package_resource("embed") / name


def joined_script(folder: Path, modules: Sequence[str]) -> str:
    """The modules as one script: in order, each after a comment naming it, inside one function."""
    parts = [f"/* {name} */\n{(folder / name).read_text(encoding='utf-8')}" for name in modules]
    return '(function () {\n"use strict";\n' + "\n".join(parts) + "\n})();\n"


def asset_source(name: str) -> str:
    """A served file as written, before minifying: thread.js is joined from its modules."""
    if name == "thread.js":
        return joined_script(asset_path("thread"), THREAD_MODULES)
    return asset_path(name).read_text(encoding="utf-8")


def version_of(source: str) -> str:
    """A short hash of a file's source, so that any change gives it a new URL."""
    return hashlib.blake2b(source.encode("utf-8"), digest_size=6).hexdigest()


@cache
def asset_body(name: str) -> bytes:
    """The file as served: minified (the files are part of the release, so this never goes stale)."""
    source = asset_source(name)
    return (minify_script(source, name) if name.endswith(".js") else rcssmin.cssmin(source)).encode("utf-8")


def minify_script(source: str, name: str = "script") -> str:
    """The script minified, in no newer syntax than SCRIPT_LANGUAGE; raises ScriptNotMinified."""
    # The setting is process-wide in the library, so it is set right before each use.
    minify.config({"js-version": SCRIPT_LANGUAGE})
    try:
        minified: str = minify.string("text/javascript", source)
        return minified
    except minify.MinifyError as error:
        raise ScriptNotMinified(f"{name} does not minify: {error}") from error


@cache
def asset_version(name: str) -> str:
    """The version in the file's URL: it covers every module of thread.js, so caches stay correct."""
    return version_of(asset_source(name))


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
