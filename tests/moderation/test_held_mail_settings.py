"""Each moderator chooses mail about held comments: each one, a digest every N minutes, or none."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime

import pytest

from tests.moderation.test_moderation_browser import sign_in as browser_sign_in
from tests.support.app import sql
from tests.support.mailing import start_worker, wait_for
from tests.support.moderation import csrf_token, make_moderator, set_policy, sign_in


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url)
    return config


@pytest.fixture
def two_moderators(app):
    make_moderator(app, "ann@example.com", role="admin", all_sites=True)
    make_moderator(app, "bob@example.com", sites=["default"])
    set_policy(app, moderation="hold_all")


def choose(app, email, mode, minutes=None):
    from comments.extensions import db
    from comments.models import Moderator
    from comments.services.moderation import held_digest

    with app.app_context():
        moderator = db.session.execute(db.select(Moderator).filter_by(email=email)).scalar_one()
        held_digest.set_held_mail(moderator.id, mode, minutes, actor="tests")
        db.session.remove()


def half_an_hour_ago(app):
    """Move every moderator's last digest back past the half hour."""
    from comments.database.engine import write_transaction
    from comments.extensions import db
    from comments.models import Moderator

    with app.app_context(), write_transaction():
        for moderator in db.session.execute(db.select(Moderator)).scalars():
            moderator.held_mail_sent_at = datetime(2000, 1, 1, tzinfo=UTC)
    with app.app_context():
        db.session.remove()


def held_rows(app):
    return sql(app, "SELECT recipient, template FROM outbox WHERE kind LIKE 'moderation%' "
                    "ORDER BY id")


def test_each_is_the_default_one_mail_per_held_comment_and_moderator(app, post, two_moderators):
    for n in range(6):
        post(text=f"held {n}")
    assert len(held_rows(app)) == 12


def test_six_held_comments_make_one_digest_per_moderator_sent_by_the_worker(
        app, post, two_moderators, smtp_server, database_url, tmp_path):
    choose(app, "ann@example.com", "digest", 30)
    choose(app, "bob@example.com", "digest", 30)
    for n in range(6):
        post(text=f"held **number** {n}", author=f"Reader {n}")
    assert held_rows(app) == []  # nothing at hold time
    # Half an hour has passed since they chose the digest.
    half_an_hour_ago(app)
    worker = start_worker(database_url, smtp_server.url, tmp_path,
                          MAIL_DIGEST_CHECK_SECONDS="0.2", PUBLIC_URL="https://c.example")
    try:
        wait_for(lambda: len(smtp_server.mailbox.messages) >= 2, timeout=60)
        wait_for(lambda: sql(app, "SELECT count(*) FROM moderators WHERE held_mail_sent_at > :t",
                             t=datetime(2001, 1, 1, tzinfo=UTC))[0][0] == 2)
        post(text="one more, within the half hour")
        time.sleep(1.0)  # several worker checks: nothing is due before the half hour is over
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    assert sorted(rcpt for _f, [rcpt] in smtp_server.mailbox.envelopes) == [
        "ann@example.com", "bob@example.com"]
    for mail in smtp_server.mailbox.messages:
        assert mail["Subject"] == "6 comments held for review on The Example Times"
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        for n in range(6):
            assert f"Reader {n}" in text and f"held **number** {n}" in text
            assert f"Reader {n}" in html
        assert "https://c.example/moderate/?site=default" in text
        assert "https://c.example/moderate/comments/" in html
    assert [row[1] for row in held_rows(app)] == ["moderation_digest"] * 2


def test_none_sends_nothing_and_each_moderator_chooses_alone(app, post, two_moderators):
    choose(app, "ann@example.com", "none")
    for n in range(3):
        post(text=f"held {n}")
    assert [row[0] for row in held_rows(app)] == ["bob@example.com"] * 3


def test_bad_choices_are_refused_with_the_field_named(app, client, two_moderators):
    sign_in(client, "bob@example.com")
    token = csrf_token(client, "/moderate/account")
    for form in ({"mode": "hourly"}, {"mode": "digest", "minutes": "0"},
                 {"mode": "digest", "minutes": "x"}, {"mode": "digest", "minutes": "99999"}):
        response = client.post("/moderate/account/held-mail", data={**form, "csrf_token": token})
        assert response.status_code == 422, form
    assert sql(app, "SELECT held_mail FROM moderators ORDER BY id") == [("each",), ("each",)]


@pytest.mark.browser
def test_a_moderator_picks_a_digest_on_the_account_page(app, post, live_server, page):
    make_moderator(app, "admin@example.com", role="admin", all_sites=True)
    browser_sign_in(page, live_server)
    page.goto(f"{live_server.url}/moderate/account")
    section = page.get_by_role("group", name="When a comment is held on your sites, mail me")
    assert section.get_by_label("For each held comment").is_checked()
    section.get_by_label("A digest every").check()
    page.get_by_label("Minutes between digests").fill("45")
    with page.expect_navigation():
        page.get_by_role("button", name="Save mail settings").click()
    assert "digest every 45 minutes" in page.locator(".flash").inner_text()
    assert page.get_by_label("A digest every").is_checked()
    assert page.get_by_label("Minutes between digests").input_value() == "45"
    assert sql(app, "SELECT held_mail, held_mail_minutes FROM moderators") == [("digest", 45)]
    assert sql(app, "SELECT action FROM moderation_events WHERE action LIKE 'held%'") == [
        ("held_mail_changed",)]
    set_policy(app, moderation="hold_all")
    post(text="held")
    assert held_rows(app) == []
    assert page.problems == []
