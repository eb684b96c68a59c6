"""Rate limits: per site, keyed on the real client address, shared across processes via Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.support.live import free_port

BODY = {"uri": "/a/", "text": "hello"}


@pytest.fixture
def config(config):
    return {**config, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}


def _limit_posts(app, limit: str) -> None:
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"post_limit": limit})


def test_posting_too_fast_is_429_with_retry_after(app, client):
    _limit_posts(app, "2 per minute")
    assert client.post("/api/v1/comments", json=BODY).status_code == 201
    assert client.post("/api/v1/comments", json=BODY).status_code == 201
    refused = client.post("/api/v1/comments", json=BODY)
    assert refused.status_code == 429
    assert refused.json["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0


def test_a_spoofed_forwarded_for_buys_no_new_budget_without_proxies(app, client):
    _limit_posts(app, "2 per minute")
    for n in range(2):
        client.post("/api/v1/comments", json=BODY, headers={"X-Forwarded-For": f"10.9.9.{n}"})
    refused = client.post("/api/v1/comments", json=BODY, headers={"X-Forwarded-For": "10.8.8.8"})
    assert refused.status_code == 429



def test_one_trusted_proxy_reads_only_the_entry_it_added(database_url, tmp_path, monkeypatch):
    from comments import create_app
    from comments.services.sites import create_site

    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "TESTING": True,
                      "RATELIMIT_ENABLED": True, "TRUSTED_PROXIES": 1,
                      "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"})
    with app.app_context():
        create_site("default", "https://news.example", settings={"post_limit": "2 per minute",
                                                                 "article_facts": "open"})
    client = app.test_client()
    # The proxy appends the address it saw (203.0.113.9); what the client wrote comes before it.
    for spoof in ("1.1.1.1", "2.2.2.2"):
        response = client.post("/api/v1/comments", json=BODY,
                               headers={"X-Forwarded-For": f"{spoof}, 203.0.113.9"})
        assert response.status_code == 201
    refused = client.post("/api/v1/comments", json=BODY,
                          headers={"X-Forwarded-For": "3.3.3.3, 203.0.113.9"})
    assert refused.status_code == 429
    other_client = client.post("/api/v1/comments", json=BODY,
                               headers={"X-Forwarded-For": "203.0.113.10"})
    assert other_client.status_code == 201
    from comments.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_limits_are_per_site(app, client):
    from comments.services.sites import create_site

    _limit_posts(app, "1 per minute")
    with app.app_context():
        create_site("other", "https://other.example", settings={"post_limit": "1 per minute",
                                                                "article_facts": "open"})
    assert client.post("/api/v1/comments", json=BODY).status_code == 201
    assert client.post("/api/v1/comments", json={**BODY, "site": "other"}).status_code == 201
    assert client.post("/api/v1/comments", json=BODY).status_code == 429



def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "comments:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(f"server on {port} did not start")


def test_limits_hold_across_two_processes_sharing_redis(app, database_url, tmp_path):
    _limit_posts(app, "4 per minute")
    prefix = f"t-{uuid.uuid4().hex}"
    env = {**os.environ, "COMMENTS_DATABASE_URL": database_url, "COMMENTS_SECRET_KEY": "shared",
           "COMMENTS_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
           "COMMENTS_RATELIMIT_KEY_PREFIX": prefix,
           "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance")}
    ports = [free_port(), free_port()]
    servers = [_start(env, port) for port in ports]
    try:
        for port in ports:
            _wait_ready(port, time.monotonic() + 30)
        statuses = [
            httpx.post(f"http://127.0.0.1:{ports[n % 2]}/api/v1/comments", json=BODY, timeout=10).status_code
            for n in range(6)
        ]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)
    assert statuses == [201, 201, 201, 201, 429, 429]


@pytest.mark.parametrize("raw", [b"[" * 1000 + b"]" * 1000, b'{"site": "\\ud800", "text": "x"}',
                                 b'{"site": "caf\xc3"}', b'{"site": 1e999}'])
def test_the_limiter_reads_hostile_bodies_safely(client, raw):
    # The limiter looks for the body's site before the view runs: that must not be the 500.
    response = client.post("/api/v1/comments", data=raw, content_type="application/json")
    assert response.status_code == 400, response.data[:300]
    assert response.json["error"] == "malformed"
