"""Reply notifications: double opt-in, approved replies only, digests and unsubscribing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.app import sql

URI = "/2019/02/08/summit/"


@pytest.fixture
def config(config, tmp_path):
    config.update(PUBLIC_URL="https://comments.news.example", MAIL_FOLDER=str(tmp_path / "mail"))
    return config


def mails(app, kind=None):
    rows = sql(app, "SELECT kind, recipient, template, context, language FROM outbox ORDER BY id")
    return [row for row in rows if kind is None or row[0] == kind]


def confirm_link(app) -> str:
    import json

    [(_kind, _to, _template, context, _lang)] = mails(app, "confirm")
    context = json.loads(context) if isinstance(context, str) else context
    return context["confirm_url"].removeprefix("https://comments.news.example")


def subscribe(app, client, post, **fields):
    """Ann comments with "notify me", confirms; her comment's id."""
    response = post(author="Ann", email="ann@example.com", notify_replies=True, **fields)
    assert response.status_code == 201
    link = confirm_link(app)
    assert client.post(link).status_code == 200
    return response.json["id"]


def change_status(app, comment_id, status):
    from comments.database.engine import write_transaction
    from comments.extensions import db
    from comments.models import Comment, Site, Thread
    from comments.services.discussion.status import change_status as change

    with app.app_context(), write_transaction():
        comment = db.session.get(Comment, comment_id)
        thread = db.session.get(Thread, comment.thread_id)
        change(comment, thread, db.session.get(Site, thread.site_id), status, actor="moderator")


def test_notify_me_sends_a_confirmation_first_and_get_does_not_confirm(app, client, post):
    post(author="Ann", email="ann@example.com", notify_replies=True)
    assert [(k, to, t) for k, to, t, _c, _l in mails(app)] == [
        ("confirm", "ann@example.com", "confirm_subscription")]
    link = confirm_link(app)
    page = client.get(link)
    assert page.status_code == 200 and b"<form method=\"post\"" in page.data
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert sql(app, "SELECT confirmed_at FROM subscriptions") == [(None,)]
    assert client.post(link).status_code == 200
    assert sql(app, "SELECT confirmed_at IS NOT NULL FROM subscriptions") == [(True,)]
    assert client.post(link + "x").status_code == 404
    assert client.get(link + "x").status_code == 404


def test_an_unconfirmed_subscription_hears_nothing(app, client, post):
    parent = post(author="Ann", email="ann@example.com", notify_replies=True).json["id"]
    post(author="Bob", email="bob@example.com", parent_id=parent)
    assert [row[0] for row in mails(app)] == ["confirm"]


def test_approved_replies_are_mailed_at_once(app, client, post):
    parent = subscribe(app, client, post)
    post(author="Bob", text="I <disagree> & so on", parent_id=parent)
    [(_kind, to, template, context, _lang)] = mails(app, "reply")
    assert (to, template) == ("ann@example.com", "reply")
    assert "<disagree>" in str(context)


def test_held_spam_and_rejected_replies_are_not_mailed_until_approved(app, client, post):
    from comments.services.sites import update_site

    parent = subscribe(app, client, post)
    with app.app_context():
        update_site("default", settings={"moderation": "hold_all"})
    held = [post(author="Bob", text=f"reply {n}", parent_id=parent).json["id"] for n in range(3)]
    change_status(app, held[1], "spam")
    change_status(app, held[2], "rejected")
    assert mails(app, "reply") == []
    change_status(app, held[0], "approved")
    assert len(mails(app, "reply")) == 1
    change_status(app, held[0], "pending")
    change_status(app, held[0], "approved")  # approved again: still one mail
    assert len(mails(app, "reply")) == 1


def test_replying_to_yourself_is_not_news(app, client, post):
    parent = subscribe(app, client, post)
    post(author="Ann", email="ANN@example.com", parent_id=parent)
    assert mails(app, "reply") == []


def test_a_held_comment_asks_for_confirmation_only_once_approved(app, client, post):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"moderation": "hold_all"})
    comment = post(author="Ann", email="ann@example.com", notify_replies=True).json["id"]
    assert mails(app) == []
    change_status(app, comment, "approved")
    assert [row[0] for row in mails(app)] == ["confirm"]


def test_digest_readers_get_one_mail_a_day_with_their_replies(app, client, post):
    from comments.models.types import utcnow
    from comments.services.mail.digests import send_due_digests

    parent = subscribe(app, client, post, notify_mode="digest")
    post(author="Bob", text="First reply", parent_id=parent)
    post(author="Cy", text="Second reply", parent_id=parent)
    assert mails(app, "reply") == []
    with app.app_context():
        assert send_due_digests() == 0  # the day is not over yet
        later = utcnow() + timedelta(hours=25)
        assert send_due_digests(later) == 1
        assert send_due_digests(later) == 0
    [(_kind, to, template, context, _lang)] = mails(app, "digest")
    assert (to, template) == ("ann@example.com", "reply_digest")
    assert "First reply" in str(context) and "Second reply" in str(context)


def test_one_click_unsubscribe_works_without_a_session(app, client, post, smtp_server):
    app.config["SMTP_URL"] = smtp_server.url
    from tests.support.mailing import run_once

    parent = subscribe(app, client, post)
    post(author="Bob", parent_id=parent)
    run_once(app)
    reply = smtp_server.mailbox.messages[-1]
    url = reply["List-Unsubscribe"].strip("<>").removeprefix("https://comments.news.example")
    fresh = app.test_client()  # no cookies, no CSRF token: a mail provider's POST
    response = fresh.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert sql(app, "SELECT unsubscribed_at IS NOT NULL FROM subscriptions") == [(True,)]
    assert sql(app, "SELECT id FROM suppressions") == []  # only this thread
    post(author="Bob", parent_id=parent, text="another")
    assert len(mails(app, "reply")) == 1


def test_unsubscribe_page_offers_thread_or_everything_and_everything_suppresses(app, client,
                                                                                 post):
    from comments.services.mail.subscription_links import unsubscribe_token

    subscribe(app, client, post)
    with app.test_request_context():
        token = unsubscribe_token("ann@example.com", "thread", 1)
    page = client.get(f"/mail/unsubscribe/{token}")
    assert b'value="thread"' in page.data and b'value="all"' in page.data
    assert sql(app, "SELECT unsubscribed_at FROM subscriptions") == [(None,)]
    response = client.post(f"/mail/unsubscribe/{token}", data={"scope": "all"})
    assert b"no more email" in response.data
    assert sql(app, "SELECT reason FROM suppressions") == [("unsubscribed",)]
    assert client.get("/mail/unsubscribe/forged").status_code == 404
    assert client.post("/mail/unsubscribe/forged").status_code == 404


def test_a_suppressed_address_gets_no_confirmation(app, client, post):
    from comments.database.engine import write_transaction
    from comments.services.mail.suppression import suppress

    with app.app_context(), write_transaction():
        suppress("ann@example.com", "bounced")
    post(author="Ann", email="ann@example.com", notify_replies=True)
    assert mails(app) == []


def test_confirmations_to_one_address_are_capped_per_day(app, client, post):
    for n in range(5):
        post(author="X", email="victim@example.com", notify_replies=True, text=f"spam {n}")
    assert len(mails(app, "confirm")) == 3


@pytest.mark.parametrize(("language", "subject"), [
    ("de-AT", "Bitte bestätigen: Benachrichtigungen von The Example Times"),
    ("fr", "Confirm reply notifications from The Example Times"),
])
def test_mail_is_written_in_the_readers_language_with_english_fallback(app, client, post,
                                                                       language, subject):
    from comments.services.mail import eml_files
    from tests.support.mailing import run_once

    post(author="Ann", email="ann@example.com", notify_replies=True, language=language)
    run_once(app)
    with app.app_context():
        [listed] = eml_files.list_files()
    assert listed.subject == subject


def test_reader_text_in_a_reply_never_reaches_a_header(app, client, post, smtp_server):
    from tests.support.mailing import run_once

    app.config["SMTP_URL"] = smtp_server.url
    sql(app, "UPDATE sites SET name = :n", n="Times\r\nBcc: all@example.org")
    parent = subscribe(app, client, post, title="Summit\r\nBcc: t@example.org")
    assert post(author="Bob", email="bob@example.com\r\nBcc: x@example.org",
                parent_id=parent).status_code == 422
    post(author="Bob\r\nBcc: evil@example.org", text="Hi\r\nBcc: evil@example.org",
         parent_id=parent)
    run_once(app)
    for mail in smtp_server.mailbox.messages:
        assert "Bcc" not in mail
        assert "\n" not in str(mail["Subject"]) and "\n" not in str(mail["From"])
    assert [rcpts for _sender, rcpts in smtp_server.mailbox.envelopes] == [
        ["ann@example.com"], ["ann@example.com"]]
    reply = smtp_server.mailbox.messages[-1]
    assert reply["From"].addresses[0].display_name == "Times Bcc: all@example.org"
