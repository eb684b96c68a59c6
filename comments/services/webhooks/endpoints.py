"""Managing a site's webhook endpoints: add, list, remove, rotate the secret, enable, resend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from comments.database.engine import write_transaction
from comments.errors import Forbidden, Invalid, WebhookNotFound
from comments.extensions import db
from comments.models import Moderator, Site
from comments.models.types import utcnow
from comments.models.webhook import WebhookDelivery, WebhookEndpoint
from comments.services import audit
from comments.services.sites import get_site
from comments.services.webhooks.addresses import checked_url
from comments.services.webhooks.events import EVENTS
from comments.services.webhooks.signing import new_secret

MAX_ENDPOINTS_PER_SITE = 20


@dataclass
class Made:
    """An endpoint with its secret, shown this once (after adding or rotating)."""

    endpoint: WebhookEndpoint
    site: Site
    secret: str


def _actor(by: Moderator | None) -> str:
    return f"moderator:{by.id}" if by is not None else "cli"


def _may_manage(site_id: int, by: Moderator | None) -> None:
    # Webhooks send the site's events to a URL of one's choosing: admins only.
    if by is not None and not (by.is_admin and by.may_moderate(site_id)):
        raise Forbidden("Only an admin of this site manages its webhooks.")


def checked_events(events: list[str]) -> list[str]:
    """The chosen events, known and without repeats, or Invalid."""
    chosen = list(dict.fromkeys(event.strip() for event in events if event.strip()))
    unknown = [event for event in chosen if event not in EVENTS]
    if unknown or not chosen:
        raise Invalid(errors={"events": [f"Choose one or more of {', '.join(EVENTS)}."]})
    return chosen


def add_endpoint(site_key: str, url: str, events: list[str], *, description: str = "",
                 by: Moderator | None = None) -> Made:
    """Register a URL for some of a site's events; the answer holds its secret, shown once."""
    chosen = checked_events(events)
    url = checked_url(url)  # resolves the host: done before the write lock is taken
    with write_transaction() as session:
        site = get_site(site_key)
        _may_manage(site.id, by)
        existing = session.execute(
            select(WebhookEndpoint.id).where(WebhookEndpoint.site_id == site.id)).all()
        if len(existing) >= MAX_ENDPOINTS_PER_SITE:
            raise Invalid(f"A site has at most {MAX_ENDPOINTS_PER_SITE} webhook endpoints.")
        secret = new_secret()
        endpoint = WebhookEndpoint(site_id=site.id, url=url, events=chosen, secret=secret,
                                   description=description.strip()[:200], failure_streak=0,
                                   created_at=utcnow())
        session.add(endpoint)
        session.flush()
        audit.record("webhook_added", actor=_actor(by), site_id=site.id,
                     moderator_id=by.id if by else None,
                     after={"endpoint": endpoint.id, "url": url, "events": chosen})
    return Made(endpoint, site, secret)


def list_endpoints(*, site_key: str | None = None,
                   by: Moderator | None = None) -> list[tuple[WebhookEndpoint, Site]]:
    """Endpoints (without secrets) of one site or every site this person may manage."""
    statement = select(WebhookEndpoint, Site).join(Site, Site.id == WebhookEndpoint.site_id)
    if site_key:
        statement = statement.where(Site.key == site_key)
    rows = [(row[0], row[1]) for row in
            db.session.execute(statement.order_by(Site.key, WebhookEndpoint.id)).all()]
    if by is None:
        return rows
    return [(endpoint, site) for endpoint, site in rows
            if by.is_admin and by.may_moderate(site.id)]


def load_endpoint(endpoint_id: int, by: Moderator | None) -> tuple[WebhookEndpoint, Site]:
    """One endpoint and its site, if this person may manage it (else not found or forbidden)."""
    row = db.session.execute(
        select(WebhookEndpoint, Site).join(Site, Site.id == WebhookEndpoint.site_id)
        .where(WebhookEndpoint.id == endpoint_id)
    ).first()
    if row is None:
        raise WebhookNotFound()
    _may_manage(row[1].id, by)
    return row[0], row[1]


def remove_endpoint(endpoint_id: int, *, by: Moderator | None = None) -> None:
    """Delete an endpoint and its queued and logged deliveries."""
    with write_transaction() as session:
        endpoint, site = load_endpoint(endpoint_id, by)
        audit.record("webhook_removed", actor=_actor(by), site_id=site.id,
                     moderator_id=by.id if by else None,
                     before={"endpoint": endpoint.id, "url": endpoint.url})
        session.delete(endpoint)


def rotate_secret(endpoint_id: int, *, by: Moderator | None = None) -> Made:
    """A new secret, shown once; the old one keeps signing too for the grace period."""
    grace = timedelta(seconds=float(current_app.config["WEBHOOKS_SECRET_GRACE_SECONDS"]))
    with write_transaction():
        endpoint, site = load_endpoint(endpoint_id, by)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = utcnow() + grace
        endpoint.secret = new_secret()
        audit.record("webhook_secret_rotated", actor=_actor(by), site_id=site.id,
                     moderator_id=by.id if by else None, after={"endpoint": endpoint.id})
        return Made(endpoint, site, endpoint.secret)


def set_enabled(endpoint_id: int, enabled: bool, *, by: Moderator | None = None) -> WebhookEndpoint:
    """Switch an endpoint on again (its failure record starts afresh) or off."""
    with write_transaction():
        endpoint, site = load_endpoint(endpoint_id, by)
        if enabled:
            endpoint.disabled_at = None
            endpoint.disabled_reason = None
            endpoint.failure_streak = 0
            endpoint.failing_since = None
            # What waited past its day while the endpoint was off is given up, not sent late.
            db.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.endpoint_id == endpoint.id,
                       WebhookDelivery.status == "pending", WebhookDelivery.give_up_at < utcnow())
                .values(status="failed", last_error="gave up: the endpoint was switched off")
                .execution_options(synchronize_session=False)
            )
        elif endpoint.disabled_at is None:
            endpoint.disabled_at = utcnow()
            endpoint.disabled_reason = f"switched off by {_actor(by)}"
        audit.record("webhook_enabled" if enabled else "webhook_disabled", actor=_actor(by),
                     site_id=site.id, moderator_id=by.id if by else None,
                     after={"endpoint": endpoint.id})
        return endpoint


def signing_keys(endpoint: WebhookEndpoint) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the old one during grace."""
    keys = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > utcnow():
        keys.append(endpoint.previous_secret)
    return keys


def recent_deliveries(endpoint_id: int, *, limit: int = 50,
                      by: Moderator | None = None) -> list[WebhookDelivery]:
    """An endpoint's newest deliveries, newest first."""
    load_endpoint(endpoint_id, by)
    return list(db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc()).limit(max(1, min(limit, 200)))
    ).scalars())


def resend(delivery_id: int, *, by: Moderator | None = None) -> WebhookDelivery:
    """Queue a delivery again, now, with the same `webhook-id` (receivers deduplicate by it)."""
    give_up = timedelta(seconds=float(current_app.config["WEBHOOKS_GIVE_UP_SECONDS"]))
    with write_transaction():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            raise WebhookNotFound("No such delivery.")
        _endpoint, site = load_endpoint(delivery.endpoint_id, by)
        now = utcnow()
        delivery.status = "pending"
        delivery.next_attempt_at = now
        delivery.give_up_at = now + give_up
        delivery.claimed_by = None
        delivery.claimed_until = None
        audit.record("webhook_resent", actor=_actor(by), site_id=site.id,
                     moderator_id=by.id if by else None,
                     after={"delivery": delivery.id, "webhook_id": delivery.message_id})
        return delivery


def delivery_endpoint(delivery_id: int) -> int | None:
    """The endpoint a delivery belongs to, if the delivery exists."""
    return db.session.execute(
        select(WebhookDelivery.endpoint_id).where(WebhookDelivery.id == delivery_id)
    ).scalar_one_or_none()
