"""The outbox: mail queued as a row in the caller's transaction, and finished rows forgotten."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import OutboxMessage, Site
from comments.models.types import utcnow
from comments.services.public_links import mail_domain


def queue_mail(*, site: Site | None, recipient: str, template: str, context: dict[str, Any],
               kind: str, language: str = "en") -> OutboxMessage:
    """Add a mail to the outbox inside the current transaction.

    `template` names `templates/mail/<template>.txt` and `.html`; `context` must be JSON-ready
    and is rendered only when the worker sends, so nothing a reader typed reaches a header.
    """
    domain = _message_domain(site)
    message = OutboxMessage(
        site_id=site.id if site else None,
        kind=kind,
        recipient=recipient,
        template=template,
        context=context,
        language=language,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def _message_domain(site: Site | None) -> str:
    if site is not None and site.mail_from and "@" in site.mail_from:
        return site.mail_from.rsplit("@", 1)[1].strip(">").strip() or "localhost"
    return mail_domain()


# Finished rows hold addresses and notes, so they expire.
FINISHED = ("sent", "failed", "suppressed")


def prune_finished_mail(now: datetime | None = None) -> int:
    """Delete sent, failed and suppressed messages older than `MAIL_KEEP_DAYS`; how many."""
    days = int(current_app.config["MAIL_KEEP_DAYS"])
    cutoff = (now or utcnow()) - timedelta(days=days)
    with write_transaction() as session:
        result = session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.status.in_(FINISHED), OutboxMessage.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
