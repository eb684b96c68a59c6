"""What services are told about the request: who sent it, as a Client."""

from __future__ import annotations

from flask import request

from comments.services.client import Client


def client_of_request() -> Client:
    """The current request's client; the address was already resolved by ProxyFix."""
    language = (request.accept_languages.best or "en")[:10]
    return Client(
        address=request.remote_addr or "unknown",
        user_agent=(request.user_agent.string or "")[:500],
        referrer=(request.referrer or "")[:1000],
        language=language,
    )
