"""Daily digests: one mail a day listing the approved replies a digest reader has not seen."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Subscription, Thread
from comments.models.types import utcnow
from comments.services.mail import outbox, suppression
from comments.services.mail.subscriptions import comment_url, reply_summary

PERIOD = timedelta(hours=24)
BATCH = 500


def send_due_digests(now: datetime | None = None) -> int:
    """Queue a digest for every reader whose day is over and who has replies; how many."""
    now = now or utcnow()
    cutoff = now - PERIOD
    queued = 0
    with write_transaction() as session:
        due = session.execute(
            select(Subscription).where(
                Subscription.mode == "digest", Subscription.confirmed_at.is_not(None),
                Subscription.unsubscribed_at.is_(None),
                or_(and_(Subscription.last_digest_at.is_(None),
                         Subscription.confirmed_at <= cutoff),
                    Subscription.last_digest_at <= cutoff))
            .order_by(Subscription.id).limit(BATCH)
        ).scalars().all()
        readers: dict[tuple[int, str], list[tuple[Subscription, datetime]]] = defaultdict(list)
        for subscription in due:
            since = subscription.last_digest_at or subscription.confirmed_at
            assert since is not None
            # Claim the period: a parallel run whose UPDATE matches nothing skips this one.
            claimed = getattr(session.execute(
                update(Subscription)
                .where(Subscription.id == subscription.id,
                       Subscription.last_digest_at.is_(None) if subscription.last_digest_at
                       is None else Subscription.last_digest_at == subscription.last_digest_at)
                .values(last_digest_at=now).execution_options(synchronize_session=False)
            ), "rowcount", 0)
            if claimed:
                readers[(subscription.site_id, subscription.email_hash)].append(
                    (subscription, since))
        for (site_id, hashed), subscriptions in readers.items():
            if suppression.hash_is_suppressed(hashed):
                continue
            items = _replies(subscriptions, hashed, now)
            if not items:
                continue
            first = subscriptions[0][0]
            site = session.get(Site, site_id)
            outbox.queue_mail(site=site, recipient=first.email, template="reply_digest",
                              kind="digest", language=first.language,
                              context={"items": items, "count": len(items)})
            queued += 1
    return queued


def _replies(subscriptions: list[tuple[Subscription, datetime]], hashed: str,
             now: datetime) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for subscription, since in subscriptions:
        rows = db.session.execute(
            select(Comment, Thread, Site).join(Thread, Thread.id == Comment.thread_id)
            .join(Site, Site.id == Thread.site_id)
            .where(Comment.parent_id == subscription.comment_id,
                   Comment.status == CommentStatus.APPROVED,
                   Comment.status_changed_at > since, Comment.status_changed_at <= now)
            .order_by(Comment.status_changed_at)
        ).all()
        for reply, thread, site in rows:
            if reply.email_hash == hashed:
                continue
            items.append({"title": thread.title, "article_url": site.article_url(thread.uri),
                          "comment_url": comment_url(site, thread, reply),
                          **reply_summary(reply)})
    return items[:50]
