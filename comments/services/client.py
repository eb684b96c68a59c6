"""Who is asking: the client address (through trusted proxies) and what its browser sent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Client:
    """The facts about a request's sender that the rules look at."""

    address: str
    user_agent: str = ""
    referrer: str = ""
    language: str = "en"
