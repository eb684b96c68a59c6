"""Quotas and the suppression list count mailboxes: `+tag` variants of one address are one."""

from __future__ import annotations

import pytest

from tests.sharing.test_share_mail import body, sharing  # noqa: F401 - the base fixture
from tests.support.app import sql


@pytest.fixture
def config(config, tmp_path):
    config.update(MAIL_FOLDER=str(tmp_path / "mail"))
    return config


@pytest.fixture
def strict(sharing):  # noqa: F811 - the imported fixture, narrowed
    """A site that lets one friend get one article a day, from a sender who sends two."""
    from comments.services.sites import update_site

    with sharing.app_context():
        update_site("default", settings={"share_limit_per_recipient": 1,
                                         "share_limit_per_sender": 2,
                                         "share_limit_per_client": 50})
    return sharing


def test_tag_variants_of_one_recipient_share_one_quota(client, strict):
    assert client.post("/api/v1/shares", json=body(strict, to="friend@example.org"),
                       environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 202
    for variant in ("friend+1@example.org", "Friend+news@example.org"):
        answer = client.post("/api/v1/shares", json=body(strict, to=variant, from_email=""),
                             environ_base={"REMOTE_ADDR": "192.0.2.2"})
        assert answer.status_code == 429, variant


def test_tag_variants_of_one_sender_share_one_quota(client, strict):
    for n, sender in enumerate(("ann@example.com", "ann+a@example.com", "ann+b@example.com")):
        answer = client.post("/api/v1/shares", json=body(
            strict, to=f"friend{n}@example.org", from_email=sender))
        assert answer.status_code == (202 if n < 2 else 429), sender


def test_a_suppressed_address_stays_suppressed_under_a_tag(client, strict):
    from comments.services.mail import suppression

    with strict.app_context():
        suppression.suppress("friend@example.org", "unsubscribed")
        from comments.extensions import db

        db.session.commit()
    answer = client.post("/api/v1/shares", json=body(strict, to="friend+x@example.org"))
    assert answer.status_code == 202  # the same answer as for anyone
    assert sql(strict, "SELECT count(*) FROM outbox")[0][0] == 0


def test_the_worker_suppresses_every_tag_of_an_address_that_opted_out(app):
    from comments.extensions import db
    from comments.services.mail import suppression
    from tests.support.mailing import outbox, queue, run_once

    with app.app_context():
        suppression.suppress("reader@example.org", "unsubscribed")
        db.session.commit()
    queue(app, recipient="Reader+weekly@example.org", kind="reply")
    assert run_once(app).skipped == 1
    assert [row[1] for row in outbox(app)] == ["suppressed"]
