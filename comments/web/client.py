"""What services are told about the request: who sent it (a Client) and the root URL it reached."""

from __future__ import annotations

from flask import Flask, current_app, request

from comments.services.client import Client
from comments.services.public_links import remember_request_root


def client_of_request() -> Client:
    """The current request's client; the address was already resolved by ProxyFix."""
    language = (request.accept_languages.best or "en")[:10]
    return Client(
        address=request.remote_addr or "unknown",
        user_agent=(request.user_agent.string or "")[:500],
        referrer=(request.referrer or "")[:1000],
        language=language,
    )


def init_app(app: Flask) -> None:
    """Offer each request's root URL for links when no public URL is configured."""
    app.before_request(_offer_request_root)


def _offer_request_root() -> None:
    if not current_app.config.get("PUBLIC_URL"):
        remember_request_root(request.url_root)
