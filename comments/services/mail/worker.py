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
from functools import cache

from flask import current_app
from sqlalchemy import Table, Update, bindparam, func, or_, select, update
from sqlalchemy.exc import DBAPIError

from comments.database.engine import write_transaction
from comments.errors import NoPublicUrl
from comments.extensions import db
from comments.models import OutboxMessage, Site, Suppression
from comments.models.types import utcnow
from comments.services.email_address import mailbox_key
from comments.services.hashing import email_hash
from comments.services.mail import suppression
from comments.services.mail.compose import LEGAL_KINDS, UnsendableMessage, compose, sender_of
from comments.services.mail.transport import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    transport_from_config,
)
from comments.services.public_links import NO_PUBLIC_URL, configured_base

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What a worker run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    outages: int = 0  # times the database could not be reached
    seen: set[int] = field(default_factory=set)


def worker_name() -> str:
    """A name unique to this worker, for claims: host, process and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(attempt: int) -> float:
    """Seconds before retry number `attempt` (1, 2, ...): doubling, capped, with jitter."""
    base = float(current_app.config["MAIL_RETRY_BASE_SECONDS"])
    ceiling = float(current_app.config["MAIL_RETRY_MAX_SECONDS"])
    delay: float = min(ceiling, base * 2 ** max(0, attempt - 1))
    # "Equal jitter": never less than half the delay, so a failing relay is not hammered,
    # but spread so that messages that failed together do not all come back together.
    return delay / 2 + random.uniform(0, delay / 2)


def claim_due_messages(worker: str, limit: int, now: datetime | None = None,
                       exclude: set[int] | None = None) -> list[int]:
    """Claim up to `limit` due messages for `worker` until its lease ends; their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=float(current_app.config["MAIL_LEASE_SECONDS"]))
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


@dataclass
class Outgoing:
    """One claimed message, built and ready (or the reason it cannot go)."""

    id: int
    attempts: int
    recipient: str
    sender: str = ""
    mail: EmailMessage | None = None
    problem: str | None = None  # "suppressed" or why it cannot be built


def build_batch(ids: list[int], worker: str) -> list[Outgoing]:
    """Load and build claimed messages in one read: rows, sites and suppressions together."""
    try:
        rows = db.session.execute(
            select(OutboxMessage, Site).outerjoin(Site, Site.id == OutboxMessage.site_id)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == worker,
                   OutboxMessage.status == "pending")
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        ).all()
        # The address as written and its mailbox (no `+tag`): opting out covers every variant.
        hashes = {message.id: {email_hash(message.recipient),
                               email_hash(mailbox_key(message.recipient))}
                  for message, _site in rows}
        wanted = set().union(*hashes.values()) if hashes else set()
        suppressed = dict(db.session.execute(
            select(Suppression.email_hash, Suppression.reason)
            .where(Suppression.email_hash.in_(wanted))
        ).all()) if hashes else {}
        batch = []
        for message, site in rows:
            item = Outgoing(message.id, message.attempts, message.recipient)
            reasons = {suppressed[hashed] for hashed in hashes[message.id] if hashed in suppressed}
            # Mail the law requires goes to readers who unsubscribed, never to dead addresses.
            if message.kind in LEGAL_KINDS:
                reasons.discard("unsubscribed")
            if reasons:
                item.problem = "suppressed"
            else:
                try:
                    item.mail = compose(message, site)
                    item.sender = sender_of(site).addr_spec
                    item.recipient = str(item.mail["To"].addresses[0].addr_spec)
                except UnsendableMessage as error:
                    item.problem = str(error)
                except Exception as error:  # noqa: BLE001 - one bad template must not stop mail
                    log.exception("outbox %s: building the mail failed", message.id)
                    item.problem = f"{type(error).__name__}: {error}"
            batch.append(item)
        return batch
    finally:
        db.session.rollback()  # end the read before talking to a slow server


def _finished(message_id: int, worker: str, **values: object) -> tuple[Update, dict[str, object]]:
    """The one UPDATE that records what became of a claimed message (if still ours), with its
    parameters."""
    params = {"outbox_id": message_id, "claimant": worker,
              **{f"new_{name}": value for name, value in values.items()}}
    return _finish_statement(tuple(sorted(values))), params


@cache
def _finish_statement(names: tuple[str, ...], relaxed: bool = False) -> Update:
    # Built once per set of columns: building and keying a statement for every mail cost more
    # than running it. `relaxed` adds, on PostgreSQL, set_config(..., true), which is
    # SET LOCAL synchronous_commit = off for the statement's own transaction.
    table = OutboxMessage.__table__
    assert isinstance(table, Table)  # declarative types __table__ as any FromClause
    statement = (
        update(table)
        .where(table.c.id == bindparam("outbox_id"), table.c.claimed_by == bindparam("claimant"))
        .values(claimed_by=None, claimed_until=None,
                **{name: bindparam(f"new_{name}") for name in names})
    )
    if relaxed:
        off = select(func.set_config("synchronous_commit", "off", True)).scalar_subquery()
        statement = statement.where(off == "off")
    return statement


def _finish(message_id: int, worker: str, **values: object) -> None:
    """Record one message's outcome in a transaction of its own, right after its send."""
    statement, params = _finished(message_id, worker, **values)
    engine = db.engine
    if engine.dialect.name != "postgresql":
        with write_transaction() as session:
            session.execute(statement, params)
        return
    # One round trip, not four (BEGIN, SET LOCAL, UPDATE, COMMIT): the statement is its own
    # transaction and relaxes its own commit. The commit survives this worker dying the moment
    # after; only a crash of the database server itself could lose it (then one resend, same
    # Message-ID). Not waiting for the WAL flush is what lets one worker send fast.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(_finish_statement(tuple(sorted(values)), relaxed=True), params)


def deliver(item: Outgoing, worker: str, transport: Transport, tally: Tally) -> str:
    """Send one built message and record the outcome: sent, retry, failed, bounced, suppressed."""
    tally.seen.add(item.id)
    if item.problem == "suppressed":
        _finish(item.id, worker, status="suppressed", last_error="address suppressed")
        tally.skipped += 1
        return "suppressed"
    if item.mail is None:
        log.error("outbox %s cannot be built: %s", item.id, item.problem)
        _finish(item.id, worker, status="failed", last_error=str(item.problem)[:1000])
        tally.failed += 1
        return "failed"
    now = utcnow()
    try:
        transport.send(item.mail, item.sender, item.recipient)
    except PermanentFailure as error:
        log.warning("outbox %s refused for good: %s", item.id, error)
        with write_transaction() as session:
            session.execute(*_finished(item.id, worker, status="failed",
                                       attempts=item.attempts + 1, last_error=str(error)[:1000]))
            if error.suppress:
                suppression.suppress(item.recipient, "bounced")
        tally.failed += 1
        return "bounced" if error.suppress else "failed"
    except TemporaryFailure as error:
        attempt = item.attempts + 1
        if attempt >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
            log.warning("outbox %s given up after %s attempts: %s", item.id, attempt, error)
            _finish(item.id, worker, status="failed", attempts=attempt,
                    last_error=f"gave up: {error}"[:1000])
            tally.failed += 1
            return "failed"
        log.info("outbox %s will be retried: %s", item.id, error)
        _finish(item.id, worker, attempts=attempt, last_error=str(error)[:1000],
                next_attempt_at=now + timedelta(seconds=retry_delay(attempt)))
        tally.retried += 1
        return "retry"
    else:
        _finish(item.id, worker, status="sent", sent_at=utcnow(), attempts=item.attempts + 1,
                last_error=None)
        tally.sent += 1
        return "sent"


def _deliver_batch(ids: list[int], lease_end: datetime, worker: str, transports: list[Transport],
                   stop: threading.Event, tally: Tally) -> None:
    """Send a claimed batch over `transports`, one connection each, side by side.

    Each message is still sent and then recorded on its own, so a worker killed at any point
    resends at most the messages it was sending (same Message-ID); the connections only let
    one server's answers be awaited while the next mail goes out on another.
    """
    batch = build_batch(ids, worker)
    # All mail to one address goes down one lane, in order: a bounce stops the rest to it.
    lanes: list[list[Outgoing]] = [[] for _ in transports]
    for item in batch:
        lanes[int(email_hash(item.recipient)[:8], 16) % len(lanes)].append(item)
    shared = _BatchState()
    if len(transports) == 1:
        _deliver_lane(lanes[0], lease_end, worker, transports[0], stop, tally, shared)
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run(lane: list[Outgoing], transport: Transport) -> None:
        with app.app_context():
            try:
                _deliver_lane(lane, lease_end, worker, transport, stop, tally, shared)
            except DBAPIError:
                # The database went away mid-lane: what is left stays claimed and comes back
                # when the lease ends, as for a crashed worker; the main loop sees the outage.
                shared.outage = True
                log.warning("worker %s: database unavailable while recording a send", worker)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(lane, transport), daemon=True)
               for lane, transport in zip(lanes, transports, strict=True) if lane]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if shared.outage:
        raise DBAPIError("recording sends", None, Exception("database unavailable"))


@dataclass
class _BatchState:
    """What the lanes of one batch share: addresses that bounced, a lock for the tally."""

    bounced: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    outage: bool = False


def _deliver_lane(lane: list[Outgoing], lease_end: datetime, worker: str, transport: Transport,
                  stop: threading.Event, tally: Tally, shared: _BatchState) -> None:
    # Enough lease must be left to finish a conversation (each step may take the timeout);
    # past that, the rest is handed back rather than risk another worker sending it too.
    margin = timedelta(seconds=2 * float(current_app.config["SMTP_TIMEOUT"]))
    for index, item in enumerate(lane):
        if stop.is_set() or utcnow() + margin > lease_end:
            release(worker, [later.id for later in lane[index:]])
            return
        with shared.lock:
            if item.mail is not None and email_hash(item.recipient) in shared.bounced:
                item.problem, item.mail = "suppressed", None  # bounced earlier in this batch
        own = Tally()
        if deliver(item, worker, transport, own) == "bounced":
            with shared.lock:
                shared.bounced.add(email_hash(item.recipient))
        with shared.lock:
            tally.sent += own.sent
            tally.retried += own.retried
            tally.failed += own.failed
            tally.skipped += own.skipped
            tally.seen.update(own.seen)


def run_worker(stop: threading.Event | None = None, *, once: bool = False,
               transport: Transport | None = None, worker: str | None = None,
               digests: Callable[[], int] | None = None) -> Tally:
    """Deliver due mail until `stop` is set; with `once`, until nothing due is left (for cron).

    Without a configured public URL it sends nothing and raises NoPublicUrl: the links in
    mail could only be wrong. Queued mail waits for a worker started with one.
    """
    if configured_base() is None:
        log.error("worker refuses to send mail: %s", NO_PUBLIC_URL)
        raise NoPublicUrl(NO_PUBLIC_URL)
    stop = stop or threading.Event()
    worker = worker or worker_name()
    # An explicit transport is one connection; from the configuration, MAIL_CONNECTIONS of them.
    transports = [transport] if transport is not None else [
        transport_from_config() for _ in range(max(1, int(current_app.config["MAIL_CONNECTIONS"])))]
    batch = int(current_app.config["MAIL_BATCH_SIZE"])
    idle = float(current_app.config["MAIL_IDLE_SECONDS"])
    digest_every = float(current_app.config["MAIL_DIGEST_CHECK_SECONDS"])
    next_digest = time.monotonic()
    tally = Tally()
    outage = 0  # consecutive database failures, for the pause before trying again
    try:
        while not stop.is_set():
            try:
                if digests is not None and time.monotonic() >= next_digest:
                    digests()
                    next_digest = time.monotonic() + digest_every
                claimed_at = utcnow()
                ids = claim_due_messages(worker, batch, now=claimed_at,
                                         exclude=tally.seen if once else None)
                if ids:
                    lease = timedelta(seconds=float(current_app.config["MAIL_LEASE_SECONDS"]))
                    _deliver_batch(ids, claimed_at + lease, worker, transports, stop, tally)
                    tally.seen.update(ids)  # --once: each message at most once per run
                outage = 0
            except DBAPIError as error:
                # The database is busy or gone for a moment: a long-running worker waits and
                # tries again; its claims simply expire if it never gets back.
                outage += 1
                tally.outages += 1
                log.warning("worker %s: database unavailable (%s); retrying", worker, error)
                db.session.rollback()
                _close(transports)
                stop.wait(min(30.0, 0.25 * 2 ** min(outage, 7)))
                continue
            if not ids:
                _close(transports)  # do not hold an idle connection open
                if once:
                    break
                stop.wait(idle)
    finally:
        _close(transports)
        db.session.remove()
    log.info("worker %s stopped: %s sent, %s retried, %s failed, %s suppressed",
             worker, tally.sent, tally.retried, tally.failed, tally.skipped)
    return tally


def _close(transports: list[Transport]) -> None:
    for transport in transports:
        transport.close()
