"""Schemas of the webhooks part of the moderation API: endpoints and their deliveries."""

from __future__ import annotations

from marshmallow import fields, validate

from comments.schemas.common import BaseSchema, SiteKey
from comments.services.webhooks.addresses import MAX_URL
from comments.services.webhooks.events import EVENTS


class WebhookQuery(BaseSchema):
    """Which endpoints to list."""

    site = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))


class WebhookIn(BaseSchema):
    """A new endpoint: where, and which events."""

    site = SiteKey()
    url = fields.String(required=True, validate=validate.Length(min=1, max=MAX_URL),
                        metadata={"description": "An http(s) URL on a public address."})
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True,
                         validate=validate.Length(min=1, max=len(EVENTS)))
    description = fields.String(load_default="", validate=validate.Length(max=200))


class WebhookOut(BaseSchema):
    """An endpoint, never with its secret."""

    id = fields.Integer(required=True)
    site = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    description = fields.String(required=True)
    enabled = fields.Boolean(required=True)
    disabled_reason = fields.String(required=True, allow_none=True)
    failure_streak = fields.Integer(required=True,
                                    metadata={"description": "Failed attempts since the last success."})
    secret_rotated_until = fields.String(
        required=True, allow_none=True,
        metadata={"description": "Until when the previous secret also signs."})
    created_at = fields.String(required=True)


class WebhookWithSecret(WebhookOut):
    """An endpoint just made or rotated: the `whsec_` secret, shown this once."""

    secret = fields.String(required=True)


class WebhookList(BaseSchema):
    webhooks = fields.List(fields.Nested(WebhookOut), required=True)


class DeliveryOut(BaseSchema):
    """One event's delivery to one endpoint: its `webhook-id`, and how the last attempt went."""

    id = fields.Integer(required=True)
    webhook_id = fields.String(required=True)
    event = fields.String(required=True, validate=validate.OneOf(EVENTS))
    status = fields.String(required=True, validate=validate.OneOf(("pending", "delivered", "failed")))
    attempts = fields.Integer(required=True)
    response_status = fields.Integer(required=True, allow_none=True)
    latency_ms = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = fields.String(required=True)
    next_attempt_at = fields.String(required=True, allow_none=True)
    delivered_at = fields.String(required=True, allow_none=True)


class DeliveryList(BaseSchema):
    deliveries = fields.List(fields.Nested(DeliveryOut), required=True)
