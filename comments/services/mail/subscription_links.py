"""Signed links in mail: unsubscribe (one thread or everything) and confirm a subscription."""

from __future__ import annotations

from typing import Any

from comments.services import tokens
from comments.services.hashing import email_hash
from comments.services.public_links import public_url

SCOPES = ("thread", "all")


def unsubscribe_token(address: str, scope: str = "all", thread_id: int | None = None) -> str:
    """A token naming the address by its hash (never the address itself) and what to stop."""
    payload: dict[str, Any] = {"e": email_hash(address), "scope": scope}
    if scope == "thread" and thread_id is not None:
        payload["t"] = int(thread_id)
    return tokens.sign("unsubscribe", payload)


def unsubscribe_url(address: str, scope: str = "all", thread_id: int | None = None) -> str:
    """The page (GET) and one-click endpoint (POST, RFC 8058) that unsubscribes."""
    return public_url(f"/mail/unsubscribe/{unsubscribe_token(address, scope, thread_id)}")


def read_unsubscribe_token(token: str) -> dict[str, Any]:
    """The checked payload of an unsubscribe token, or tokens.InvalidToken."""
    payload = tokens.unsign("unsubscribe", token)
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), str):
        raise tokens.InvalidToken("not an unsubscribe token")
    if payload.get("scope") not in SCOPES:
        raise tokens.InvalidToken("unknown scope")
    if payload["scope"] == "thread" and not isinstance(payload.get("t"), int):
        raise tokens.InvalidToken("thread scope without a thread")
    return payload


def confirm_url(subscription_id: int) -> str:
    """The page that confirms one subscription (GET shows it, POST confirms)."""
    token = tokens.sign("confirm-email", {"sub": int(subscription_id)})
    return public_url(f"/mail/confirm/{token}")


def read_confirm_token(token: str) -> int:
    """The subscription id a confirmation token is for, or tokens.InvalidToken."""
    payload = tokens.unsign("confirm-email", token)
    if not isinstance(payload, dict) or not isinstance(payload.get("sub"), int):
        raise tokens.InvalidToken("not a confirmation token")
    return int(payload["sub"])
