"""Response headers for every surface: security headers, and CORS for public reads."""

from __future__ import annotations

from flask import Flask, Response, g, request


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(_security_headers)
    app.after_request(_cors)


API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(path: str, content_type: str | None, secure: bool) -> list[tuple[str, str]]:
    """The security headers of an answer at `path` (a view's own choice of each wins)."""
    found = [("X-Content-Type-Options", "nosniff"),
             ("Referrer-Policy", "strict-origin-when-cross-origin")]
    if path.startswith("/api/") or (content_type or "").startswith("application/json"):
        # API answers are data, never a page to render or frame.
        found.append(("Content-Security-Policy", API_CSP))
    if secure:
        found.append(("Strict-Transport-Security", HSTS))
    return found


def cors_headers(origin: str | None, origins: list[str]) -> list[tuple[str, str]]:
    """What lets a site's own pages read its public data: only for its allowed origins."""
    if origin and origin in origins:
        return [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", "ETag")]
    return []


def _security_headers(response: Response) -> Response:
    # The names present, read once, and plain appends: this runs on every request, and
    # werkzeug's setdefault, `in` (a KeyError per absent name) and parsed properties (mimetype,
    # vary) cost several times more.
    headers = response.headers
    present = {name.lower() for name, _ in headers.to_wsgi_list()}
    for name, value in security_headers(request.path, headers.get("Content-Type"),
                                        request.is_secure):
        if name.lower() not in present:
            headers.add(name, value)
    return response


def _cors(response: Response) -> Response:
    """Let a site's own pages read its public data (counts, threads, feeds)."""
    origins = g.get("cors_origins")
    if origins is None:
        return response
    headers = response.headers
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Origin"
    elif "origin" not in {item.strip().lower() for item in vary.split(",")}:
        headers["Vary"] = f"{vary}, Origin"
    for name, value in cors_headers(request.headers.get("Origin"), origins):
        headers[name] = value
    return response
