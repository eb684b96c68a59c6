"""The suppression list: addresses we never mail again (bounced, complained, opted out)."""

from __future__ import annotations

from sqlalchemy import select

from comments.database.sql import insert_ignoring_conflicts
from comments.extensions import db
from comments.models import Suppression
from comments.models.types import utcnow
from comments.services.hashing import email_hash


def hash_is_suppressed(hashed: str) -> bool:
    """Whether the address known by this email hash is on the list."""
    found = db.session.execute(
        select(Suppression.id).where(Suppression.email_hash == hashed)
    ).first()
    return found is not None


def suppress_hash(hashed: str, reason: str) -> bool:
    """Put an address (by its hash) on the list, in the current transaction; True if new."""
    return insert_ignoring_conflicts(
        Suppression,
        {"email_hash": hashed, "reason": reason[:40], "created_at": utcnow()},
        ["email_hash"],
    )


def suppress(address: str, reason: str) -> bool:
    """Put `address` on the list, in the current transaction; True if it was not there yet."""
    return suppress_hash(email_hash(address), reason)
