"""Response headers for every surface: security headers, and CORS for public reads."""

from __future__ import annotations

from flask import Flask, Response, g, request


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(_security_headers)
    app.after_request(_cors)


API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def _security_headers(response: Response) -> Response:
    # Plain look-ups and item sets: this runs on every request, and werkzeug's setdefault and
    # parsed properties (mimetype, vary) cost several times more.
    headers = response.headers
    if "X-Content-Type-Options" not in headers:
        headers["X-Content-Type-Options"] = "nosniff"
    if "Referrer-Policy" not in headers:
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if "Content-Security-Policy" not in headers and (
        request.path.startswith("/api/")
        or (headers.get("Content-Type") or "").startswith("application/json")
    ):
        # API answers are data, never a page to render or frame.
        headers["Content-Security-Policy"] = API_CSP
    if request.is_secure and "Strict-Transport-Security" not in headers:
        headers["Strict-Transport-Security"] = HSTS
    return response


def _cors(response: Response) -> Response:
    """Let a site's own pages read its public data (counts, threads, feeds)."""
    origins = g.get("cors_origins")
    if origins is None:
        return response
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Origin"
    elif "origin" not in {item.strip().lower() for item in vary.split(",")}:
        response.headers["Vary"] = f"{vary}, Origin"
    origin = request.headers.get("Origin")
    if origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "ETag"
    return response
