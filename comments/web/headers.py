"""Response headers for every surface: security headers, and CORS for public reads."""

from __future__ import annotations

from flask import Flask, Response, g, request


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(_security_headers)
    app.after_request(_cors)


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "application/json" or request.path.startswith("/api/"):
        # API answers are data, never a page to render or frame.
        headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _cors(response: Response) -> Response:
    """Let a site's own pages read its public data (counts, threads, feeds)."""
    origins = g.get("cors_origins")
    if origins is None:
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response
