"""Faults: a locked database answers 503 and loses nothing; Redis down falls back to local limits."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from tests.support.app import sql

BODY = {"uri": "/a/", "text": "written while the database was busy"}


@pytest.fixture
def config(config):
    return {**config, "DATABASE_BUSY_TIMEOUT_MS": 300}


def _hold_write_lock(database_url: str, release: threading.Event, held: threading.Event) -> None:
    """Take and keep the write lock on the comments table from another connection."""
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        conn = psycopg.connect(database_url)
        conn.execute("LOCK TABLE comments IN ACCESS EXCLUSIVE MODE")
    held.set()
    release.wait(30)
    conn.rollback()
    conn.close()


def test_a_database_locked_past_the_busy_timeout_answers_503_and_a_retry_creates_one(
    app, client, database_url
):
    client.post("/api/v1/comments", json={"uri": "/a/", "text": "creates the thread"})
    release, held = threading.Event(), threading.Event()
    locker = threading.Thread(target=_hold_write_lock, args=(database_url, release, held))
    locker.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        busy = client.post("/api/v1/comments", json=BODY, headers={"Idempotency-Key": "retry-me"})
        waited = time.monotonic() - started
    finally:
        release.set()
        locker.join(10)
    assert busy.status_code == 503, busy.json
    assert busy.json["error"] == "unavailable"
    assert int(busy.headers["Retry-After"]) > 0
    assert waited < 5
    retried = client.post("/api/v1/comments", json=BODY, headers={"Idempotency-Key": "retry-me"})
    again = client.post("/api/v1/comments", json=BODY, headers={"Idempotency-Key": "retry-me"})
    assert retried.status_code == 201 and again.json == retried.json
    assert sql(app, "SELECT count(*) FROM comments WHERE text = :t", t=BODY["text"])[0][0] == 1
    assert client.get("/api/v1/comments?uri=/a/").json["thread"]["count"] == 2



def test_with_redis_stopped_reads_work_and_posts_fall_back_to_local_limits(
    private_redis, database_url, tmp_path, monkeypatch
):
    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    process, uri = private_redis
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "TESTING": True,
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": uri,
                      "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex})
    with app.app_context():
        create_site("default", "https://news.example", settings={"post_limit": "3 per minute",
                                                                 "article_facts": "open"})
    client = app.test_client()
    assert client.post("/api/v1/comments", json=BODY).status_code == 201
    process.terminate()
    process.wait(10)
    assert client.get("/api/v1/comments?uri=/a/").status_code == 200
    assert client.get("/readyz").status_code == 503
    statuses = [client.post("/api/v1/comments", json=BODY).status_code for _ in range(5)]
    assert statuses.count(201) >= 2 and statuses[-1] == 429, statuses
    with app.app_context():
        db.engine.dispose()
