"""Whether the dependencies this process needs answer (database, Redis), and why mail is off."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text

from comments.extensions import db


def database_answers() -> bool:
    """Whether one trivial query goes through."""
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        db.session.rollback()
        return False
    return True


def redis_answers() -> bool | None:
    """Whether the limits' Redis answers a ping (None: limits are not kept in Redis)."""
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "")
    if not uri.startswith(("redis://", "rediss://")):
        return None
    try:
        import redis

        client = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False


def mail_problems() -> list[str]:
    """Why this install sends no mail (empty when it can): a missing public URL."""
    from comments.services.public_links import NO_PUBLIC_URL, configured_base

    return [] if configured_base() is not None else [NO_PUBLIC_URL]
