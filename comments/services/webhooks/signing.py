"""Signing deliveries as Standard Webhooks says: `whsec_` secrets and `v1,` HMAC-SHA256 signatures."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh secret: `whsec_` and 32 random bytes in base64, as the spec suggests."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature_header(message_id: str, moment: datetime, body: str, keys: list[str]) -> str:
    """`webhook-signature`: one `v1,<base64>` per valid secret, separated by spaces.

    During a rotation's grace period both the new and the old secret sign, so a receiver
    still holding the old one keeps verifying until it switches.
    """
    moment = moment.astimezone(UTC)
    return " ".join(Webhook(key).sign(message_id, moment, body) for key in keys)


def headers(message_id: str, moment: datetime, body: str, keys: list[str]) -> dict[str, str]:
    """The three headers of a delivery, and its content type."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature_header(message_id, moment, body, keys),
        "Content-Type": "application/json",
    }
