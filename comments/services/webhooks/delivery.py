"""Delivering webhooks: claim due deliveries, POST them signed to a checked address, retry or give up."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from flask import current_app
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import DBAPIError

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models.types import utcnow
from comments.models.webhook import WebhookDelivery, WebhookEndpoint
from comments.services.mail.worker import retry_delay, worker_name
from comments.services.webhooks import signing
from comments.services.webhooks.addresses import UnsafeTarget, resolve
from comments.services.webhooks.disabling import disable_if_failing
from comments.services.webhooks.endpoints import signing_keys

log = logging.getLogger(__name__)
USER_AGENT = "comments-webhooks/1"
#: Answers worth trying again: the receiver is overloaded, restarting or rate limiting us.
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass
class Tally:
    """What a webhook worker run did."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0
    outages: int = 0
    seen: set[int] = field(default_factory=set)


@dataclass
class Outcome:
    """One attempt: the receiver's status, how long it took, and what to do next."""

    ok: bool
    retry: bool
    status: int | None = None
    latency_ms: int | None = None
    error: str | None = None


@dataclass
class Pending:
    """A claimed delivery, loaded and ready to send."""

    id: int
    endpoint_id: int
    message_id: str
    url: str
    body: str
    keys: list[str]
    attempts: int
    give_up_at: datetime


def new_client() -> httpx.Client:
    """The HTTP client of one worker: short timeouts, no redirects, no proxies from the environment."""
    config = current_app.config
    timeout = httpx.Timeout(float(config["WEBHOOKS_TIMEOUT"]),
                            connect=float(config["WEBHOOKS_CONNECT_TIMEOUT"]))
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4))


def post(client: httpx.Client, url: str, message_id: str, body: str, keys: list[str]) -> Outcome:
    """Send one delivery to the address its host resolves to now, once that address passed.

    The name is resolved and checked here, on every attempt, and the connection goes to the
    checked IP (the name travels in Host and in TLS SNI): a name that changes its answer
    after registration (DNS rebinding) cannot lead the worker into the private network.
    """
    try:
        target = resolve(url)
    except UnsafeTarget as error:
        return Outcome(ok=False, retry=True, error=f"refused: {error}")
    headers = signing.headers(message_id, utcnow(), body, keys)
    headers.update({"Host": target.host_header, "User-Agent": USER_AGENT})
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    limit = int(current_app.config["WEBHOOKS_RESPONSE_LIMIT"])
    started = time.perf_counter()
    try:
        with client.stream("POST", target.connect_url, content=body.encode(), headers=headers,
                           extensions=extensions) as response:
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read >= limit:
                    break  # a receiver's answer is read only this far
            status = response.status_code
    except httpx.TimeoutException as error:
        return Outcome(ok=False, retry=True, latency_ms=_since(started),
                       error=f"timed out: {type(error).__name__}")
    except httpx.HTTPError as error:
        return Outcome(ok=False, retry=True, latency_ms=_since(started),
                       error=f"{type(error).__name__}: {error}"[:500])
    latency = _since(started)
    if 200 <= status < 300:
        return Outcome(ok=True, retry=False, status=status, latency_ms=latency)
    retry = status >= 500 or status in RETRY_STATUSES
    return Outcome(ok=False, retry=retry, status=status, latency_ms=latency,
                   error=f"answered {status}")


def _since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def claim_due_deliveries(worker: str, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due deliveries of enabled endpoints until the lease ends; their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=float(current_app.config["MAIL_LEASE_SECONDS"]))
    with write_transaction() as session:
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
                   WebhookEndpoint.disabled_at.is_(None),
                   or_(WebhookDelivery.claimed_until.is_(None),
                       WebhookDelivery.claimed_until < now))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True, of=WebhookDelivery)
        ids = list(session.execute(due).scalars())
        if ids:
            session.execute(
                update(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
                .values(claimed_by=worker, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
    return ids


def load_batch(ids: list[int], worker: str) -> list[Pending]:
    """The claimed deliveries with their endpoints' URLs and keys, read in one query."""
    try:
        rows = db.session.execute(
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claimed_by == worker,
                   WebhookDelivery.status == "pending")
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        ).all()
        return [Pending(delivery.id, endpoint.id, delivery.message_id, endpoint.url,
                        json.dumps(delivery.payload, separators=(",", ":")),
                        signing_keys(endpoint), delivery.attempts, delivery.give_up_at)
                for delivery, endpoint in rows]
    finally:
        db.session.rollback()  # end the read before talking to a slow receiver


def release(worker: str, ids: list[int]) -> None:
    """Hand back claims this worker will not use, so others need not wait for the lease."""
    if ids:
        with write_transaction() as session:
            session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids), WebhookDelivery.claimed_by == worker,
                       WebhookDelivery.status == "pending")
                .values(claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )


def record(item: Pending, outcome: Outcome, worker: str, tally: Tally) -> str:
    """Write down one attempt: delivered, to retry (with the outbox's backoff), or failed."""
    now = utcnow()
    attempt = item.attempts + 1
    values: dict[str, object] = {"attempts": attempt, "response_status": outcome.status,
                                 "latency_ms": outcome.latency_ms, "last_error": outcome.error,
                                 "claimed_by": None, "claimed_until": None}
    if outcome.ok:
        values.update(status="delivered", delivered_at=now)
        result = "delivered"
    else:
        due = now + timedelta(seconds=retry_delay(attempt))
        if outcome.retry and due < item.give_up_at:
            values.update(next_attempt_at=due)
            result = "retry"
        else:
            values.update(status="failed")
            if outcome.retry:
                values["last_error"] = f"gave up: {outcome.error}"[:1000]
            result = "failed"
    with write_transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            # As the mail worker: losing this commit to a database crash means one resend
            # with the same webhook-id, which receivers deduplicate.
            session.execute(text("SET LOCAL synchronous_commit = off"))
        done = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == item.id, WebhookDelivery.claimed_by == worker)
            .values(**values).execution_options(synchronize_session=False)
        )
        if not getattr(done, "rowcount", 1):
            return "lost"  # the lease ran out and another worker has it now
        _count_on_endpoint(item.endpoint_id, outcome.ok, now)
    if result == "delivered":
        tally.delivered += 1
    elif result == "retry":
        tally.retried += 1
    else:
        tally.failed += 1
    return result


def _count_on_endpoint(endpoint_id: int, ok: bool, now: datetime) -> None:
    if ok:
        db.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failure_streak != 0)
            .values(failure_streak=0, failing_since=None)
            .execution_options(synchronize_session=False)
        )
        return
    db.session.execute(
        update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        .values(failure_streak=WebhookEndpoint.failure_streak + 1,
                failing_since=func.coalesce(WebhookEndpoint.failing_since, now))
        .execution_options(synchronize_session=False)
    )
    disable_if_failing(endpoint_id, now)


def _deliver_batch(ids: list[int], lease_end: datetime, worker: str, client: httpx.Client,
                   stop: threading.Event, tally: Tally) -> None:
    config = current_app.config
    # Room to finish one attempt (connect, then write and read) before the lease ends; past
    # that the rest goes back rather than risk a second worker sending it at the same time.
    margin = timedelta(seconds=float(config["WEBHOOKS_CONNECT_TIMEOUT"])
                       + 2 * float(config["WEBHOOKS_TIMEOUT"]))
    batch = load_batch(ids, worker)
    for index, item in enumerate(batch):
        if stop.is_set() or utcnow() + margin > lease_end:
            release(worker, [later.id for later in batch[index:]])
            return
        tally.seen.add(item.id)
        outcome = post(client, item.url, item.message_id, item.body, item.keys)
        if not outcome.ok:
            log.info("webhook %s to endpoint %s: %s", item.message_id, item.endpoint_id,
                     outcome.error)
        record(item, outcome, worker, tally)


def run_webhook_worker(stop: threading.Event | None = None, *, once: bool = False,
                       worker: str | None = None) -> Tally:
    """Deliver due webhooks until `stop` is set; with `once`, until nothing due is left."""
    stop = stop or threading.Event()
    worker = worker or worker_name()
    config = current_app.config
    batch = int(config["WEBHOOKS_BATCH_SIZE"])
    idle = float(config["MAIL_IDLE_SECONDS"])
    lease = timedelta(seconds=float(config["MAIL_LEASE_SECONDS"]))
    tally = Tally()
    outage = 0
    client = new_client()
    try:
        while not stop.is_set():
            try:
                claimed_at = utcnow()
                ids = claim_due_deliveries(worker, batch, now=claimed_at)
                if once:  # --once: each delivery at most once per run
                    release(worker, [i for i in ids if i in tally.seen])
                    ids = [i for i in ids if i not in tally.seen]
                if ids:
                    _deliver_batch(ids, claimed_at + lease, worker, client, stop, tally)
                outage = 0
            except DBAPIError as error:
                outage += 1
                tally.outages += 1
                log.warning("webhook worker %s: database unavailable (%s); retrying", worker, error)
                db.session.rollback()
                stop.wait(min(30.0, 0.25 * 2 ** min(outage, 7)))
                continue
            if not ids:
                if once:
                    break
                stop.wait(idle)
    finally:
        client.close()
        db.session.remove()
    log.info("webhook worker %s stopped: %s delivered, %s to retry, %s failed",
             worker, tally.delivered, tally.retried, tally.failed)
    return tally


def prune_finished_deliveries(now: datetime | None = None) -> int:
    """Delete delivered and failed deliveries older than `MAIL_KEEP_DAYS` (they hold names and
    texts, like finished mail); how many."""
    from sqlalchemy import delete

    days = int(current_app.config["MAIL_KEEP_DAYS"])
    cutoff = (now or utcnow()) - timedelta(days=days)
    with write_transaction() as session:
        result = session.execute(
            delete(WebhookDelivery)
            .where(WebhookDelivery.status.in_(("delivered", "failed")),
                   WebhookDelivery.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
