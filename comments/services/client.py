"""Who is asking: the client address (through trusted proxies) and what its browser sent."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass(frozen=True)
class Client:
    """The facts about a request's sender that the rules look at."""

    address: str
    user_agent: str = ""
    referrer: str = ""
    language: str = "en"

    @classmethod
    def from_request(cls) -> Client:
        """The current request's client; the address was already resolved by ProxyFix."""
        language = (request.accept_languages.best or "en")[:10]
        return cls(
            address=request.remote_addr or "unknown",
            user_agent=(request.user_agent.string or "")[:500],
            referrer=(request.referrer or "")[:1000],
            language=language,
        )
