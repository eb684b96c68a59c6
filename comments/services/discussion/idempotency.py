"""Idempotency keys: a retried POST gets the first answer and creates nothing new."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from comments.errors import IdempotencyKeyReused
from comments.extensions import db
from comments.models import IdempotencyKey
from comments.models.types import utcnow
from comments.services.hashing import keyed_hash

KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentRequest:
    """A POST that carried an Idempotency-Key: who sent it, where, and with what body."""

    scope: str
    key: str
    body_hash: str

    @classmethod
    def build(cls, key: str, address: str, endpoint: str, body: Any) -> IdempotentRequest:
        """Scope the key to the client and endpoint, and fingerprint the body."""
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
        return cls(
            scope=keyed_hash("idempotency", f"{address}|{endpoint}"),
            key=key[:200],
            body_hash=hashlib.sha256(canonical.encode()).hexdigest(),
        )


def replay(request: IdempotentRequest) -> tuple[int, dict[str, Any]] | None:
    """The stored answer to an earlier identical request, or None; 409 for another body."""
    row = db.session.execute(
        select(IdempotencyKey).where(
            IdempotencyKey.scope == request.scope,
            IdempotencyKey.key == request.key,
            IdempotencyKey.created_at > utcnow() - KEEP_FOR,
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.request_hash != request.body_hash:
        raise IdempotencyKeyReused()
    return row.status_code, row.response


def remember(request: IdempotentRequest, status: int, response: dict[str, Any]) -> None:
    """Store the answer in the current transaction, replacing an expired entry."""
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.scope == request.scope,
            IdempotencyKey.key == request.key,
            IdempotencyKey.created_at <= utcnow() - KEEP_FOR,
        )
    )
    db.session.add(
        IdempotencyKey(
            scope=request.scope, key=request.key, request_hash=request.body_hash,
            status_code=status, response=response,
        )
    )
