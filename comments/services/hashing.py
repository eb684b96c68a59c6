"""Keyed, one-way hashes of client addresses and emails, and opaque avatar seeds."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from flask import current_app

from comments.services.client import network_key


def keyed_hash(purpose: str, value: str) -> str:
    """An HMAC of `value` under the install's secret, separate per purpose; not reversible."""
    return hmac.digest(_purpose_key(purpose, _secret()), value.encode(), "sha256").hex()


@lru_cache(maxsize=64)  # a few purposes per install's secret
def _purpose_key(purpose: str, secret: bytes) -> bytes:
    return hashlib.sha256(("comments-hash:" + purpose).encode() + secret).digest()


def address_hash(address: str | None) -> str:
    """The hash a client is known by (votes, own-comment checks): of its network key, so an IPv6
    client is its /64 (services/client.py `network_key`)."""
    return keyed_hash("address", network_key(address))


def email_hash(email: str) -> str:
    """The hash an email address is known by (suppressions, histories, bans)."""
    return keyed_hash("email", email.strip().lower())


def address_range(address: str | None) -> str:
    """The network a client belongs to for quotas: a /24 for IPv4, a /56 for IPv6."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 56
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def avatar_seed(thread_id: int, author: str, address: str | None) -> str:
    """An opaque seed for a generated avatar: one author (name and network) in one thread.

    No email goes in, so posting with a guessed email confirms nothing; the thread goes in, so
    one address's comments look unrelated across threads; the network (an IPv6 /64) goes in, so
    someone elsewhere typing the same name gets another avatar (an impostor looks different).
    """
    network = network_key(address) if address else "-"
    basis = f"{thread_id}|{network}|{' '.join(author.split()).casefold()}"
    return keyed_hash("avatar", basis)[:16]


def _secret() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode()
