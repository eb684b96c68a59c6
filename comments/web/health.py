"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text

from comments.extensions import db

bp = Blueprint("health", __name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        db.session.rollback()
        return False
    return True


def _redis_ok() -> bool | None:
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "")
    if not uri.startswith(("redis://", "rediss://")):
        return None
    try:
        import redis

        client = redis.Redis.from_url(uri, socket_timeout=1, socket_connect_timeout=1)
        return bool(client.ping())
    except Exception:  # noqa: BLE001
        return False


@bp.get("/healthz")
def healthz() -> Response:
    """200 when the process runs and the database answers."""
    ok = _database_ok()
    response = jsonify({"status": "ok" if ok else "unavailable", "database": ok})
    response.status_code = 200 if ok else 503
    if not ok:
        response.headers["Retry-After"] = "5"
    return response


@bp.get("/readyz")
def readyz() -> Response:
    """200 when every dependency this process needs answers (database, and Redis if used)."""
    checks = {"database": _database_ok()}
    redis_ok = _redis_ok()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    ok = all(checks.values())
    response = jsonify({"status": "ok" if ok else "unavailable", **checks})
    response.status_code = 200 if ok else 503
    if not ok:
        response.headers["Retry-After"] = "5"
    return response
