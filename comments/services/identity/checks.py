"""Identity's checks in the moderation pipeline: bans that target a signed-in reader."""

from __future__ import annotations

from sqlalchemy import func, select

from comments.errors import Banned
from comments.extensions import db
from comments.models import Rule
from comments.models.types import utcnow
from comments.services.moderation.pipeline import Submission, Verdict


def check_reader_ban(sub: Submission, verdict: Verdict) -> None:
    """Refuse a signed-in reader banned by a `ban_reader` rule (their reader id) (403)."""
    reader_id = sub.comment.reader_id
    if reader_id is None:
        return
    now = utcnow()
    banned = db.session.execute(
        select(func.count(Rule.id)).where(
            Rule.kind == "ban_reader", Rule.pattern == str(reader_id),
            (Rule.site_id == sub.site.id) | Rule.site_id.is_(None),
            Rule.expires_at.is_(None) | (Rule.expires_at > now),
        )
    ).scalar_one()
    if banned:
        raise Banned()
