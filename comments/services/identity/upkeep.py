"""Identity's retention: spent and expired sign-in codes and SSO token ids are deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import SeenTokenId, SignInCode
from comments.models.types import utcnow


def prune_spent(now: datetime | None = None, dry_run: bool = False) -> int:
    """Remove sign-in codes and seen `jti`s past their life; how many (would) go."""
    now = now or utcnow()
    expired = ((SignInCode, SignInCode.expires_at < now),
               (SeenTokenId, SeenTokenId.expires_at < now))
    total = 0
    with write_transaction():
        for model, condition in expired:
            if dry_run:
                total += int(db.session.execute(
                    select(func.count()).select_from(model).where(condition)).scalar_one())
            else:
                result = db.session.execute(delete(model).where(condition))
                total += int(getattr(result, "rowcount", 0) or 0)
    return total
