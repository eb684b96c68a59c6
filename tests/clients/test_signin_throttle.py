"""The sign-in throttle counts before it evaluates, and fails closed when it cannot count."""

from __future__ import annotations

import uuid

from tests.support.app import SECRET
from tests.support.moderation import PASSWORD, csrf_token, make_moderator


def _attempt(client, password: str):
    return client.post("/moderate/signin", data={
        "email": "admin@example.com", "password": password, "csrf_token": csrf_token(client)})


def test_when_redis_is_down_no_password_is_evaluated(private_redis, database_url, tmp_path,
                                                     monkeypatch):
    from comments import create_app

    process, uri = private_redis
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": uri,
                      "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "SIGNIN_LIMIT": "3 per minute",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    make_moderator(app, "admin@example.com", role="admin", all_sites=True)
    client = app.test_client()
    assert _attempt(client, "a wrong guess").status_code == 401
    # A right password gives its unit back: three more wrong guesses still fit in the budget.
    assert _attempt(app.test_client(), PASSWORD).status_code == 303
    assert [_attempt(client, f"guess {n}").status_code for n in range(3)] == [401, 401, 429]
    process.terminate()
    process.wait(10)
    # Per-process fallback counts would multiply with the processes: refuse instead of guessing.
    refused = _attempt(app.test_client(), PASSWORD)
    assert refused.status_code == 503
    assert int(refused.headers["Retry-After"]) > 0
