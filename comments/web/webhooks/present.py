"""JSON for webhook endpoints and deliveries, as the API and the pages show them."""

from __future__ import annotations

from typing import Any

from comments.models import Site
from comments.models.types import utcnow
from comments.models.webhook import WebhookDelivery, WebhookEndpoint
from comments.web.discussion.present import iso


def endpoint_json(endpoint: WebhookEndpoint, site: Site, secret: str | None = None) -> dict[str, Any]:
    """An endpoint; the secret only when it was just made or rotated."""
    until = endpoint.previous_secret_until
    body: dict[str, Any] = {
        "id": endpoint.id, "site": site.key, "url": endpoint.url,
        "events": list(endpoint.events or []), "description": endpoint.description,
        "enabled": endpoint.disabled_at is None, "disabled_reason": endpoint.disabled_reason,
        "failure_streak": endpoint.failure_streak,
        "secret_rotated_until": iso(until) if until and until > utcnow() else None,
        "created_at": iso(endpoint.created_at),
    }
    if secret is not None:
        body["secret"] = secret
    return body


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    """A delivery as its log shows it."""
    return {
        "id": delivery.id, "webhook_id": delivery.message_id, "event": delivery.event,
        "status": delivery.status, "attempts": delivery.attempts,
        "response_status": delivery.response_status, "latency_ms": delivery.latency_ms,
        "last_error": delivery.last_error, "created_at": iso(delivery.created_at),
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "delivered_at": iso(delivery.delivered_at),
    }
