"""Each moderator's choice of mail about held comments, and the digests for those who chose one."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from comments.database.engine import write_transaction
from comments.errors import Invalid
from comments.extensions import db
from comments.models import Comment, CommentStatus, Moderator, Site, Thread
from comments.models.moderator import moderator_sites
from comments.models.types import utcnow
from comments.services import audit
from comments.services.mail import outbox
from comments.services.public_links import public_url

MODES = ("each", "digest", "none")
MIN_MINUTES, MAX_MINUTES = 5, 24 * 60
MAX_ITEMS = 100  # comments listed in one digest; the queue has the rest
TEXT_EXCERPT = 500


def set_held_mail(moderator_id: int, mode: str, minutes: int | None, *, actor: str) -> Moderator:
    """Choose `each`, `digest` (every `minutes`) or `none`; the change is recorded."""
    if mode not in MODES:
        raise Invalid(errors={"mode": [f"Must be one of {', '.join(MODES)}."]})
    if mode == "digest" and (minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES):
        raise Invalid(errors={"minutes": [
            f"A whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}."]})
    with write_transaction():
        moderator = db.session.get(Moderator, moderator_id)
        if moderator is None:
            raise Invalid(errors={"moderator": ["No such moderator."]})
        before = describe(moderator)
        if mode == "digest" and moderator.held_mail != "digest":
            moderator.held_mail_sent_at = utcnow()  # the first digest covers what comes next
        moderator.held_mail = mode
        if minutes is not None and mode == "digest":
            moderator.held_mail_minutes = minutes
        audit.record("held_mail_changed", actor=actor, site_id=None, moderator_id=moderator.id,
                     before=before, after=describe(moderator))
        return moderator


def describe(moderator: Moderator) -> dict[str, Any]:
    """The choice as the record keeps it."""
    if moderator.held_mail == "digest":
        return {"held_mail": f"a digest every {moderator.held_mail_minutes} minutes"}
    return {"held_mail": {"each": "each held comment", "none": "none"}.get(
        moderator.held_mail, moderator.held_mail)}


def send_held_digests(now: datetime | None = None) -> int:
    """Queue a digest for every moderator whose period is over and who has news; how many."""
    now = now or utcnow()
    queued = 0
    with write_transaction() as session:
        choosers = session.execute(
            select(Moderator).where(Moderator.held_mail == "digest",
                                    Moderator.disabled.is_(False)).order_by(Moderator.id)
        ).scalars().all()
        for moderator in choosers:
            period = timedelta(minutes=moderator.held_mail_minutes)
            last = moderator.held_mail_sent_at
            if last is not None and last > now - period:
                continue
            by_site = _held_since(moderator, last or now - period, now)
            if not by_site:
                continue  # nothing new: the next held comment goes out at the next check
            # Claim the period: a parallel worker whose UPDATE matches nothing skips it.
            claimed = getattr(session.execute(
                update(Moderator).where(
                    Moderator.id == moderator.id,
                    or_(Moderator.held_mail_sent_at.is_(None),
                        Moderator.held_mail_sent_at <= now - period))
                .values(held_mail_sent_at=now).execution_options(synchronize_session=False)
            ), "rowcount", 0)
            if not claimed:
                continue
            for site, rows in by_site:
                outbox.queue_mail(site=site, recipient=moderator.email,
                                  template="moderation_digest", kind="moderation",
                                  context=_context(moderator, site, rows))
                queued += 1
    return queued


def _held_since(moderator: Moderator, since: datetime,
                now: datetime) -> list[tuple[Site, list[tuple[Comment, Thread]]]]:
    """Comments still waiting that entered the queue in (since, now], by site."""
    held_at = func.coalesce(Comment.status_changed_at, Comment.created_at)
    statement = (
        select(Comment, Thread, Site).join(Thread, Thread.id == Comment.thread_id)
        .join(Site, Site.id == Thread.site_id)
        .where(Comment.status == CommentStatus.PENDING, held_at > since, held_at <= now)
        .order_by(Site.id, Comment.id)
    )
    if not moderator.all_sites:
        statement = statement.where(Thread.site_id.in_(
            select(moderator_sites.c.site_id)
            .where(moderator_sites.c.moderator_id == moderator.id)))
    grouped: dict[int, list[tuple[Comment, Thread]]] = defaultdict(list)
    sites: dict[int, Site] = {}
    for comment, thread, site in db.session.execute(statement).all():
        sites[site.id] = site
        grouped[site.id].append((comment, thread))
    return [(sites[site_id], rows) for site_id, rows in grouped.items()]


def _context(moderator: Moderator, site: Site,
             rows: list[tuple[Comment, Thread]]) -> dict[str, Any]:
    items = [{
        "id": comment.id, "author": comment.author or "", "email": comment.email or "",
        "text": comment.text[:TEXT_EXCERPT], "truncated": len(comment.text) > TEXT_EXCERPT,
        "reasons": list(comment.reasons or []),
        "article": {"title": thread.title or thread.uri, "url": site.article_url(thread.uri)},
        "details": public_url(f"/moderate/comments/{comment.id}"),
    } for comment, thread in rows[:MAX_ITEMS]]
    return {"moderator_name": moderator.name or moderator.email, "items": items,
            "count": len(rows), "more": max(0, len(rows) - MAX_ITEMS),
            "minutes": moderator.held_mail_minutes,
            "queue": public_url(f"/moderate/?site={site.key}"),
            "settings": public_url("/moderate/account")}
