"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from comments.services.readiness import database_answers, mail_problems, redis_answers

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """200 when the process runs and the database answers."""
    ok = database_answers()
    response = jsonify({"status": "ok" if ok else "unavailable", "database": ok})
    response.status_code = 200 if ok else 503
    if not ok:
        response.headers["Retry-After"] = "5"
    return response


@bp.get("/readyz")
def readyz() -> Response:
    """200 when every dependency this process needs answers (database, and Redis if used)."""
    checks = {"database": database_answers()}
    redis_ok = redis_answers()
    if redis_ok is not None:
        checks["redis"] = redis_ok
    ok = all(checks.values())
    # Mail is reported, not required: reading and posting work without it, so a load balancer
    # must not take the service out for it; the reason is there for whoever looks.
    problems = mail_problems()
    response = jsonify({"status": "ok" if ok else "unavailable", **checks, "mail": not problems,
                        **({"mail_problems": problems} if problems else {})})
    response.status_code = 200 if ok else 503
    if not ok:
        response.headers["Retry-After"] = "5"
    return response
