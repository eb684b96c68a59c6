"""The one base of every absolute link that leaves a request: mail, shares, moderator and privacy links."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, g

#: The base when `COMMENTS_PUBLIC_URL` is unset and no request named a host: right for
#: `comments demo` on this machine, wrong anywhere else, so every real install sets PUBLIC_URL.
DEMO_PUBLIC_URL = "http://127.0.0.1:5000"


def remember_request_root(url_root: str) -> None:
    """Offer the current request's root URL as the base when PUBLIC_URL is unset (web layer)."""
    g.comments_request_root = url_root.rstrip("/")


def public_url(path: str = "") -> str:
    """`path` (from its "/") on the comments host as readers and moderators reach it.

    The base is `COMMENTS_PUBLIC_URL`, else the root of the request being served (offered by the
    web layer), else the demo's address; no trailing slash when `path` is empty.
    """
    base = (current_app.config.get("PUBLIC_URL") or g.get("comments_request_root")
            or DEMO_PUBLIC_URL)
    return str(base).rstrip("/") + path


def mail_domain() -> str:
    """The public host as a mail domain (default sender, Message-IDs); localhost for an IP."""
    host = urlsplit(public_url()).hostname or "localhost"
    if "." not in host or host.replace(".", "").isdigit():
        return "localhost"  # an IP address or a bare name is not a mail domain
    return host
