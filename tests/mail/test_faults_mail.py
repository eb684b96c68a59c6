"""Faults around mail: Redis down stops the mail relay; SMTP down loses nothing."""

from __future__ import annotations

import secrets
import time
import uuid
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from tests.support.app import SECRET, sql
from tests.support.mailing import outbox, queue, run_once
from tests.support.smtp import Mailbox, free_port

URI = "/2019/02/08/summit/"


def _share_body(app) -> dict[str, str]:
    from comments.services import tokens

    with app.test_request_context():
        form = tokens.sign("form", {"t": time.time() - 30, "j": secrets.token_hex(12)})
    return {"uri": URI, "to": "friend@example.org", "from_name": "Ann",
            "from_email": "ann@example.com", "note": "", "form_token": form, "hp": ""}


def test_with_redis_stopped_sharing_by_mail_fails_closed(
        private_redis, database_url, tmp_path, monkeypatch):
    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    process, uri = private_redis
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": uri,
                      "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex,
                      "MAIL_FOLDER": str(tmp_path / "mail"), "PUBLIC_URL": "http://localhost"})
    with app.app_context():
        create_site("default", "https://news.example",
                    settings={"share_by_email": True, "min_submit_seconds": 0,
                              "article_facts": "open"})
        db.session.remove()
    client = app.test_client()
    assert client.post("/api/v1/comments", json={"uri": URI, "text": "x", "title": "Summit"}
                       ).status_code == 201
    sent = client.post("/api/v1/shares", json=_share_body(app))
    assert sent.status_code == 202, sent.json
    assert len(outbox(app)) == 1
    process.terminate()
    process.wait(10)
    refused = client.post("/api/v1/shares", json=_share_body(app))
    assert refused.status_code == 503, refused.json
    assert refused.json["error"] == "unavailable"
    assert int(refused.headers["Retry-After"]) > 0
    assert len(outbox(app)) == 1  # nothing queued while the limits are not shared
    assert sql(app, "SELECT count(*) FROM shares WHERE kind = 'email'")[0][0] == 1
    # Comments still go through on the per-process fallback: only the relay fails closed.
    assert client.post("/api/v1/comments", json={"uri": URI, "text": "y"}).status_code == 201
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def config(config, tmp_path):
    return {**config, "MAIL_RETRY_BASE_SECONDS": 0.2, "MAIL_RETRY_MAX_SECONDS": 0.3,
            "SMTP_TIMEOUT": 1, "MAIL_MAX_ATTEMPTS": 10}


def test_smtp_down_for_a_while_loses_nothing_and_delivers_everything_once_back(app):
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    first = Mailbox()
    server = Controller(first, hostname="127.0.0.1", port=port, ready_timeout=10)
    server.start()
    early = queue(app, recipient="early@example.org", count=2)
    assert run_once(app).sent == 2
    server.stop()  # the relay goes away with mail still coming in

    waiting = queue(app, recipient="waiting@example.org", count=6)
    for _ in range(3):
        tally = run_once(app)
        assert tally.sent == 0
        time.sleep(0.35)
    rows = outbox(app)
    pending = [row for row in rows if row[4] in waiting]
    assert {row[1] for row in pending} == {"pending"}, pending
    assert all(row[2] >= 1 and row[5] for row in pending)  # attempted, with the reason kept

    second = Mailbox()
    server = Controller(second, hostname="127.0.0.1", port=port, ready_timeout=10)
    server.start()
    try:
        deadline = time.monotonic() + 10
        while len(second.messages) < len(waiting) and time.monotonic() < deadline:
            run_once(app)
            time.sleep(0.1)
    finally:
        server.stop()
    assert Counter(second.message_ids) == Counter(waiting)  # each exactly once
    assert first.message_ids == early
    assert {row[1] for row in outbox(app)} == {"sent"}
