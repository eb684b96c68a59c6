"""Retention: forgetting address hashes and removing old spam, per site policy, in batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import Comment, CommentStatus, Share, Site, Thread
from comments.models.types import utcnow
from comments.services.form_signs import forget_spent_tokens
from comments.services.notices import records as notice_records
from comments.services.sites import get_site, list_sites

JUNK = (CommentStatus.SPAM, CommentStatus.REJECTED)


@dataclass
class PruneReport:
    """What one run removed (or, in a dry run, would remove)."""

    address_hashes: int = 0
    comments_removed: int = 0
    placeholders: int = 0  # junk comments with replies, emptied instead of removed
    spent_form_tokens: int = 0  # records of used form tokens that have expired anyway
    notice_records: int = 0  # decided notices, statements and appeals past NOTICES_KEEP_DAYS


def prune(site_key: str | None = None, *, batch_size: int = 500, dry_run: bool = False,
          now: datetime | None = None) -> PruneReport:
    """Apply each site's `retention_ip_days` and `retention_spam_days` (0 keeps forever).

    Every batch is its own short transaction, so a large backlog never holds the write lock
    for long and a run that stops halfway has still done its part.
    """
    report = PruneReport()
    now = now or utcnow()
    sites = [get_site(site_key)] if site_key else list_sites()
    for site in sites:
        settings = site.settings
        if settings.retention_ip_days:
            cutoff = now - timedelta(days=settings.retention_ip_days)
            report.address_hashes += _forget_addresses(site, cutoff, batch_size, dry_run)
        if settings.retention_spam_days:
            cutoff = now - timedelta(days=settings.retention_spam_days)
            _remove_junk(site, cutoff, batch_size, dry_run, report, now)
    if not dry_run:
        with write_transaction():
            report.spent_form_tokens = forget_spent_tokens(now)
    if site_key is None and not dry_run:
        report.notice_records = notice_records.prune_records(now)
    return report


def _forget_addresses(site: Site, cutoff: datetime, batch_size: int, dry_run: bool) -> int:
    comments = (select(Comment.id).join(Thread, Thread.id == Comment.thread_id)
                .where(Thread.site_id == site.id, Comment.ip_hash.is_not(None),
                       Comment.created_at < cutoff))
    shares = select(Share.id).where(Share.site_id == site.id, Share.ip_hash.is_not(None),
                                    Share.created_at < cutoff)
    if dry_run:
        return sum(db.session.execute(select(func.count()).select_from(query.subquery()))
                   .scalar_one() for query in (comments, shares))
    total = 0
    for model, query in ((Comment, comments), (Share, shares)):
        while True:
            with write_transaction() as session:
                ids = list(session.execute(query.limit(batch_size)).scalars())
                if ids:
                    session.execute(update(model).where(model.id.in_(ids)).values(ip_hash=None)
                                    .execution_options(synchronize_session=False))
            total += len(ids)
            if len(ids) < batch_size:
                break
    return total


def _remove_junk(site: Site, cutoff: datetime, batch_size: int, dry_run: bool,
                 report: PruneReport, now: datetime) -> None:
    reply = aliased(Comment)
    query = (select(Comment.id, exists().where(reply.parent_id == Comment.id))
             .join(Thread, Thread.id == Comment.thread_id)
             .where(Thread.site_id == site.id, Comment.status.in_(JUNK),
                    func.coalesce(Comment.status_changed_at, Comment.created_at) < cutoff,
                    # A removal that can still be appealed keeps its comment, to restore it.
                    Comment.id.not_in(notice_records.comments_under_appeal_window(site.id, now)))
             .order_by(Comment.id))
    if dry_run:
        for _id, has_replies in db.session.execute(query):
            if has_replies:
                report.placeholders += 1
            else:
                report.comments_removed += 1
        return
    while True:
        with write_transaction() as session:
            rows = session.execute(query.limit(batch_size)).all()
            leaves = [comment_id for comment_id, has_replies in rows if not has_replies]
            parents = [comment_id for comment_id, has_replies in rows if has_replies]
            for comment_id in leaves:
                session.delete(session.get(Comment, comment_id))
            if parents:
                # Replies keep their place under an empty placeholder; junk is never counted,
                # so the thread's counts do not move.
                session.execute(
                    update(Comment).where(Comment.id.in_(parents)).values(
                        status=CommentStatus.DELETED, text="", html="", author="", email=None,
                        website=None, email_hash=None, ip_hash=None, avatar_seed="",
                        status_changed_at=utcnow())
                    .execution_options(synchronize_session=False))
        report.comments_removed += len(leaves)
        report.placeholders += len(parents)
        if len(rows) < batch_size:
            return
