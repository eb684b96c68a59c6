"""The outbox worker: claim due mail, send it, retry with backoff or give up, stop cleanly."""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update

from comments.database import write_transaction
from comments.extensions import db
from comments.models import OutboxMessage, Site
from comments.models.types import utcnow
from comments.services import suppression
from comments.services.composer import UnsendableMessage, compose, sender_of
from comments.services.identity import email_hash
from comments.services.mailsettings import setting
from comments.services.transport import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_config,
)

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What a worker run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    seen: set[int] = field(default_factory=set)


def worker_name() -> str:
    """A name unique to this worker, for claims: host, process and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempt: int) -> float:
    """Seconds before retry number `attempt` (1, 2, ...): doubling, capped, with jitter."""
    base = float(setting("MAIL_RETRY_BASE_SECONDS"))
    ceiling = float(setting("MAIL_RETRY_MAX_SECONDS"))
    delay = min(ceiling, base * 2 ** max(0, attempt - 1))
    # "Equal jitter": never less than half the delay, so a failing relay is not hammered,
    # but spread so that messages that failed together do not all come back together.
    return delay / 2 + random.uniform(0, delay / 2)


def claim_due_messages(worker: str, limit: int, now: datetime | None = None,
                       exclude: set[int] | None = None) -> list[int]:
    """Claim up to `limit` due messages for `worker` until its lease ends; their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=float(setting("MAIL_LEASE_SECONDS")))
    with write_transaction() as session:
        due = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
        if exclude:
            due = due.where(OutboxMessage.id.not_in(sorted(exclude)[-5000:]))
        if session.get_bind().dialect.name == "postgresql":
            # Other workers' claimed rows are skipped, not waited for; SQLite's immediate
            # transaction already gives this worker the whole table for the claim.
            due = due.with_for_update(skip_locked=True)
        ids = list(session.execute(due).scalars())
        if ids:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                .values(claimed_by=worker, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
    return ids


def release(worker: str, ids: list[int]) -> None:
    """Give back claims this worker will not use (stopping), so others need not wait the lease."""
    if not ids:
        return
    with write_transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
                   OutboxMessage.status == "pending")
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def _prepare(message_id: int, worker: str) -> tuple[EmailMessage, str, str, int] | str:
    """Build a claimed message; or a reason it must not be sent now."""
    try:
        row = db.session.execute(
            select(OutboxMessage, Site).outerjoin(Site, Site.id == OutboxMessage.site_id)
            .where(OutboxMessage.id == message_id)
        ).first()
        if row is None:
            return "gone"
        message, site = row
        # Enough lease must be left to finish the conversation (each step may take the timeout).
        margin = timedelta(seconds=2 * float(setting("SMTP_TIMEOUT")))
        if (message.status != "pending" or message.claimed_by != worker
                or message.claimed_until is None or message.claimed_until < utcnow() + margin):
            return "lease"  # another worker may own it now: never risk a double send
        if suppression.hash_is_suppressed(email_hash(message.recipient)):
            return "suppressed"
        mail = compose(message, site)
        return mail, sender_of(site).addr_spec, str(mail["To"].addresses[0].addr_spec), \
            message.attempts
    finally:
        db.session.rollback()  # end the read before talking to a slow server


def _finish(message_id: int, worker: str, **values: object) -> None:
    with write_transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker)
            .values(claimed_by=None, claimed_until=None, **values)
            .execution_options(synchronize_session=False)
        )


def deliver_one(message_id: int, worker: str, transport: Transport, tally: Tally) -> None:
    """Send one claimed message and record the outcome."""
    tally.seen.add(message_id)
    try:
        prepared = _prepare(message_id, worker)
    except UnsendableMessage as error:
        log.error("outbox %s cannot be built: %s", message_id, error)
        _finish(message_id, worker, status="failed", last_error=str(error)[:1000])
        tally.failed += 1
        return
    if prepared in ("gone", "lease"):
        return
    if prepared == "suppressed":
        _finish(message_id, worker, status="suppressed", last_error="address suppressed")
        tally.skipped += 1
        return
    assert not isinstance(prepared, str)
    mail, sender, recipient, attempts = prepared
    now = utcnow()
    try:
        transport.send(mail, sender, recipient)
    except PermanentFailure as error:
        log.warning("outbox %s refused for good: %s", message_id, error)
        with write_transaction():
            _finish(message_id, worker, status="failed", attempts=attempts + 1,
                    last_error=str(error)[:1000])
            if error.suppress:
                suppression.suppress(recipient, "bounced")
        tally.failed += 1
    except TemporaryFailure as error:
        attempt = attempts + 1
        if attempt >= int(setting("MAIL_MAX_ATTEMPTS")):
            log.warning("outbox %s given up after %s attempts: %s", message_id, attempt, error)
            _finish(message_id, worker, status="failed", attempts=attempt,
                    last_error=f"gave up: {error}"[:1000])
            tally.failed += 1
            return
        log.info("outbox %s will be retried: %s", message_id, error)
        _finish(message_id, worker, attempts=attempt, last_error=str(error)[:1000],
                next_attempt_at=now + timedelta(seconds=retry_delay(attempt)))
        tally.retried += 1
    else:
        _finish(message_id, worker, status="sent", sent_at=utcnow(), attempts=attempts + 1,
                last_error=None)
        tally.sent += 1


def run_worker(stop: threading.Event | None = None, *, once: bool = False,
               transport: Transport | None = None, worker: str | None = None,
               digests: Callable[[], int] | None = None) -> Tally:
    """Deliver due mail until `stop` is set; with `once`, until nothing due is left (for cron)."""
    stop = stop or threading.Event()
    worker = worker or worker_name()
    transport = transport or transport_from_config()
    batch = int(setting("MAIL_BATCH_SIZE"))
    idle = float(setting("MAIL_IDLE_SECONDS"))
    digest_every = float(setting("MAIL_DIGEST_CHECK_SECONDS"))
    next_digest = time.monotonic()
    tally = Tally()
    try:
        while not stop.is_set():
            if digests is not None and time.monotonic() >= next_digest:
                digests()
                next_digest = time.monotonic() + digest_every
            ids = claim_due_messages(worker, batch, exclude=tally.seen if once else None)
            for index, message_id in enumerate(ids):
                if stop.is_set():
                    release(worker, ids[index:])
                    break
                deliver_one(message_id, worker, transport, tally)
            if not ids:
                transport.close()  # do not hold an idle connection open
                if once:
                    break
                stop.wait(idle)
    finally:
        transport.close()
        db.session.remove()
    log.info("worker %s stopped: %s sent, %s retried, %s failed, %s suppressed",
             worker, tally.sent, tally.retried, tally.failed, tally.skipped)
    return tally
