"""Switching off an endpoint that keeps failing, and telling the site's admins by mail."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from comments.extensions import db
from comments.models import Site
from comments.models.webhook import WebhookEndpoint
from comments.services.mail import outbox
from comments.services.moderation.held_mail import site_moderators
from comments.services.public_links import public_url


def disable_if_failing(endpoint_id: int, now: datetime) -> bool:
    """In the current transaction: disable the endpoint if it has failed long and often enough.

    Enough means every attempt for `WEBHOOKS_DISABLE_AFTER_SECONDS` and at least
    `WEBHOOKS_DISABLE_MIN_FAILURES` of them, so a receiver down for a restart is not switched
    off by a burst of events. One worker wins the conditional update, so one mail goes out.
    """
    config = current_app.config
    span = timedelta(seconds=float(config["WEBHOOKS_DISABLE_AFTER_SECONDS"]))
    least = int(config["WEBHOOKS_DISABLE_MIN_FAILURES"])
    reason = "every delivery failed since {since:%Y-%m-%d %H:%M} UTC ({count} attempts)"
    row = db.session.execute(
        select(WebhookEndpoint.failure_streak, WebhookEndpoint.failing_since)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled_at.is_(None))
    ).first()
    if row is None or row.failing_since is None:
        return False
    if row.failure_streak < least or now - row.failing_since < span:
        return False
    text = reason.format(since=row.failing_since, count=row.failure_streak)
    switched = db.session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled_at.is_(None))
        .values(disabled_at=now, disabled_reason=text)
        .execution_options(synchronize_session=False)
    )
    if not getattr(switched, "rowcount", 0):
        return False
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    site = db.session.get(Site, endpoint.site_id) if endpoint else None
    if endpoint is not None and site is not None:
        tell_admins(endpoint, site, text)
    return True


def tell_admins(endpoint: WebhookEndpoint, site: Site, reason: str) -> int:
    """Queue a mail to each admin of the site about the disabled endpoint; how many."""
    admins = [moderator for moderator in site_moderators(site) if moderator.is_admin]
    for admin in admins:
        outbox.queue_mail(
            site=site, recipient=admin.email, template="webhook_disabled", kind="staff",
            context={"name": admin.name or admin.email, "reason": reason,
                     "endpoint": {"id": endpoint.id, "url": endpoint.url,
                                  "events": list(endpoint.events or [])},
                     "link": public_url(f"/moderate/webhooks/{endpoint.id}")},
        )
    return len(admins)
