"""The one base of every absolute link that leaves a request: mail, shares, moderator and privacy links."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import current_app

from comments.errors import NoPublicUrl

log = logging.getLogger(__name__)

#: Why this install sends no mail; said in the log, at /readyz and in 503 answers.
NO_PUBLIC_URL = ("COMMENTS_PUBLIC_URL is not set, so no mail is sent: every link in mail is built "
                 "from it, never from a request's Host header. Set it to the comments host as "
                 "readers reach it (https://comments.example.org).")


def configured_base() -> str | None:
    """The configured public URL without its trailing slash, or None when there is none."""
    base = str(current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    return base or None


def public_url(path: str = "") -> str:
    """`path` (from its "/") on the comments host as readers and moderators reach it.

    The base is `COMMENTS_PUBLIC_URL` and nothing else: a request's `Host` is what its sender
    typed, so a link built from it would send readers and moderators wherever a poster wants.
    Without one this raises NoPublicUrl (503): no link, so no mail.
    """
    base = configured_base()
    if base is None:
        raise NoPublicUrl(NO_PUBLIC_URL)
    return base + path


def mail_domain() -> str:
    """The public host as a mail domain (default sender, Message-IDs); localhost for an IP."""
    base = configured_base()
    host = (urlsplit(base).hostname if base else None) or "localhost"
    if "." not in host or host.replace(".", "").isdigit():
        return "localhost"  # an IP address or a bare name is not a mail domain
    return host
