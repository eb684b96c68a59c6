"""Notices, statements and appeals in data copies, erasures and retention (kept while appealable)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import Appeal, Decision, Notice, Site
from comments.models.types import isoformat, utcnow
from comments.services import tokens

APPEAL_DAYS = tokens.PURPOSES["appeal"] // 86400


def keep_days() -> int:
    """How long decided records are kept: the setting, never less than an appeal can come."""
    return max(int(current_app.config["NOTICES_KEEP_DAYS"]), APPEAL_DAYS + 1)


def export_records(hashed: str, site: Site | None) -> dict[str, Any]:
    """A reader's notices (as reporter), statements (as author) and appeals, JSON-ready."""
    notices = select(Notice).where(Notice.reporter_email_hash == hashed)
    decisions = select(Decision).where(Decision.author_email_hash == hashed)
    appeals = select(Appeal).where(Appeal.email_hash == hashed)
    if site is not None:
        notices = notices.where(Notice.site_id == site.id)
        decisions = decisions.where(Decision.site_id == site.id)
        appeals = appeals.where(Appeal.site_id == site.id)
    return {
        "notices": [{
            "reference": n.reference, "comment_id": n.comment_id, "law": n.law,
            "explanation": n.explanation, "reporter_name": n.reporter_name,
            "reporter_email": n.reporter_email, "status": n.status,
            "created_at": isoformat(n.created_at), "decided_at": isoformat(n.decided_at),
        } for n in db.session.execute(notices.order_by(Notice.id)).scalars()],
        "statements_of_reasons": [{
            "decision": f"D-{d.id}", "comment_id": d.comment_id, "outcome": d.outcome,
            "ground": d.ground, "law_or_rule": d.law_or_rule, "facts": d.facts,
            "automated": d.automated, "created_at": isoformat(d.created_at),
        } for d in db.session.execute(decisions.order_by(Decision.id)).scalars()],
        "appeals": [{
            "decision": f"D-{a.decision_id}", "appellant": a.appellant,
            "explanation": a.explanation, "status": a.status, "outcome": a.outcome,
            "reasons": a.reasons, "created_at": isoformat(a.created_at),
        } for a in db.session.execute(appeals.order_by(Appeal.id)).scalars()],
    }


def erase_records(hashed: str, site: Site | None, address: str | None = None) -> None:
    """Remove the reader's identity from their notices, statements and appeals.

    The records stay, without a name or an address: a decision's grounds and the notice's law
    are the service's own account of what it did (and what the transparency figures count).
    """
    notice_match = Notice.reporter_email_hash == hashed
    appeal_match = Appeal.email_hash == hashed
    if address:
        notice_match = or_(notice_match, Notice.reporter_email == address)
        appeal_match = or_(appeal_match, Appeal.email == address)
    notices = update(Notice).where(notice_match).values(
        reporter_name="", reporter_email=None, reporter_email_hash=None)
    decisions = update(Decision).where(Decision.author_email_hash == hashed).values(
        author_email_hash=None)
    appeals = update(Appeal).where(appeal_match).values(email=None, email_hash=None)
    if site is not None:
        notices = notices.where(Notice.site_id == site.id)
        decisions = decisions.where(Decision.site_id == site.id)
        appeals = appeals.where(Appeal.site_id == site.id)
    for statement in (notices, decisions, appeals):
        db.session.execute(statement.execution_options(synchronize_session=False))


def appealable_since(now: datetime | None = None) -> datetime:
    """Decisions made after this moment can still be appealed."""
    return (now or utcnow()) - timedelta(days=APPEAL_DAYS)


def comments_under_appeal_window(site_id: int, now: datetime | None = None) -> Any:
    """A subquery of the site's comment ids whose last decision can still be appealed."""
    return select(Decision.comment_id).where(
        Decision.site_id == site_id, Decision.comment_id.is_not(None),
        Decision.created_at >= appealable_since(now))


def prune_records(now: datetime | None = None) -> int:
    """Delete decided notices, decisions and appeals older than `keep_days()`; how many."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days())
    removed = 0
    with write_transaction() as session:
        waiting = select(Appeal.decision_id).where(Appeal.status == "open")
        for statement in (
            delete(Appeal).where(Appeal.status == "decided", Appeal.created_at < cutoff),
            delete(Notice).where(Notice.status == "decided", Notice.created_at < cutoff),
            delete(Decision).where(Decision.created_at < cutoff, Decision.id.not_in(waiting),
                                   Decision.id.not_in(select(Notice.decision_id).where(
                                       Notice.decision_id.is_not(None)))),
        ):
            result = session.execute(statement.execution_options(synchronize_session=False))
            removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
