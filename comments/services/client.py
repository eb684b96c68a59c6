"""Who is asking: the client address (through trusted proxies) and what its browser sent."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, has_app_context


@dataclass(frozen=True)
class Client:
    """The facts about a request's sender that the rules look at."""

    address: str
    user_agent: str = ""
    referrer: str = ""
    language: str = "en"


def network_key(address: str | None) -> str:
    """What a client is known by when nothing better is: its IPv4 address, or its IPv6 network.

    One subscriber gets a whole IPv6 /64 (often more) and picks any address in it at will, so an
    IPv6 address alone is no identity: it is counted by its /COMMENTS_IPV6_PREFIX (64). Limits,
    votes, flags and own-comment checks all key on this, through `hashing.address_hash`.
    """
    return _network(address, 32, int(str(_setting("IPV6_PREFIX", 64))))


def operator_network(address: str | None) -> str:
    """The wider network a client's operator holds (COMMENTS_NETWORK_PREFIXES, "24,48"):
    flags from one of these count once towards hiding a comment."""
    v4, v6 = (int(part) for part in str(_setting("NETWORK_PREFIXES", "24,48")).split(","))
    return _network(address, v4, v6)


@lru_cache(maxsize=4096)  # a pure function of its arguments; a post asks it several times
def _network(address: str | None, v4_prefix: int, v6_prefix: int) -> str:
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = v4_prefix if ip.version == 4 else v6_prefix
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _setting(name: str, default: object) -> object:
    return current_app.config.get(name, default) if has_app_context() else default
