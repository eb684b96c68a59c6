"""What an import does once every comment is in: reply subscriptions and exact thread counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select, update

from comments.database.sql import insert_ignoring_conflicts
from comments.extensions import db
from comments.models import Comment, CommentStatus, Subscription, Thread
from comments.porting.records import parse_time
from comments.services.hashing import email_hash

BATCH = 500


def import_subscriptions(site_id: int, thread_id: int, comment_id: int,
                         items: list[dict[str, Any]]) -> None:
    """Add a comment's reply subscriptions from an export, keeping ones already there."""
    for item in items:
        address = str(item.get("email") or "").strip()
        if "@" not in address or len(address) > 320:
            continue
        insert_ignoring_conflicts(Subscription, {
            "site_id": site_id, "thread_id": thread_id, "comment_id": comment_id,
            "email": address, "email_hash": email_hash(address),
            "mode": str(item.get("mode") or "instant")[:16],
            "language": str(item.get("language") or "en")[:10],
            "created_at": parse_time(str(item.get("created_at") or "")) or
            parse_time("1970-01-01T00:00:00Z"),
            "confirmed_at": parse_time(str(item.get("confirmed_at") or "")),
            "unsubscribed_at": parse_time(str(item.get("unsubscribed_at") or "")),
        }, ["comment_id", "email_hash"])


def recount_threads(thread_ids: list[int]) -> None:
    """Counts from the rows themselves, exact whatever the file held; a new version for caches."""
    table = Comment.__table__

    def counted(status: str) -> Any:
        return (select(func.count()).select_from(table)
                .where(table.c.thread_id == Thread.id, table.c.status == status)
                .scalar_subquery())

    latest = select(func.max(table.c.created_at)).where(
        table.c.thread_id == Thread.id).scalar_subquery()
    threads = Thread.__table__
    assert isinstance(threads, Table)  # declarative types __table__ as any FromClause
    for start in range(0, len(thread_ids), BATCH):
        db.session.execute(
            update(threads).where(threads.c.id.in_(thread_ids[start:start + BATCH])).values(
                count=counted(CommentStatus.APPROVED),
                pending_count=counted(CommentStatus.PENDING),
                featured_count=(select(func.count()).select_from(table)
                                .where(table.c.thread_id == Thread.id, table.c.featured.is_(True),
                                       table.c.status == CommentStatus.APPROVED)
                                .scalar_subquery()),
                last_comment_at=latest,
                version=threads.c.version + 1,
            )
        )
