"""Per-site rate limits on writes, keyed by site and client address."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request

from comments.extensions import limiter
from comments.models import Site
from comments.models.site import SiteSettings
from comments.services.client import network_key
from comments.services.discussion.threads import site_of_comment
from comments.services.sites import find_site
from comments.web.json_bodies import body_or_none


def init_app(app: Flask) -> None:
    """Let reads skip the limiter (the limiter is one object shared by every app in a process)."""
    if _reads_are_never_limited not in limiter._request_filters:
        limiter.request_filter(_reads_are_never_limited)


def _reads_are_never_limited() -> bool:
    """Every limit is on a write: a read skips the limiter's work on each request."""
    return request.method in ("GET", "HEAD", "OPTIONS")


def _site_of_request() -> Site | None:
    if "limit_site" in g:
        cached: Site | None = g.limit_site
        return cached
    site: Site | None = None
    comment_id = (request.view_args or {}).get("comment_id")
    if comment_id is not None:
        site = site_of_comment(comment_id)
    else:
        body = body_or_none()
        key = body.get("site") if isinstance(body, dict) else None
        key = key if isinstance(key, str) and len(key) <= 64 else "default"
        site = find_site(key)
    g.limit_site = site
    return site


def site_limit(setting: str) -> Callable[[], str]:
    """A limit read from the request's site settings (the defaults for unknown sites)."""

    def limit() -> str:
        site = _site_of_request()
        settings = site.settings if site else SiteSettings()
        value = getattr(settings, setting)
        return str(value) if value else "1000000 per second"

    return limit


def site_and_address() -> str:
    """The rate-limit key: the site and the client's network key (an IPv4 address, an IPv6 /64;
    the address resolved through trusted proxies)."""
    site = _site_of_request()
    return f"{site.key if site else '-'}|{network_key(request.remote_addr)}"


def limited(setting: str) -> Callable[[Any], Any]:
    """Decorate a view with the site's `setting` limit."""
    return limiter.limit(site_limit(setting), key_func=site_and_address)


def config_limited(setting: str) -> Callable[[Any], Any]:
    """Decorate a view with the limit in the app setting `setting`, per site and network."""
    return limiter.limit(lambda: str(current_app.config[setting]), key_func=site_and_address)
