"""What mail looks like once it arrives over real SMTP: rendered comments, anchors, line breaks."""

from __future__ import annotations

import json

import pytest

from tests.mail.test_mail_subscriptions import subscribe
from tests.support.app import sql
from tests.support.mailing import run_once
from tests.support.moderation import make_moderator, set_policy

URI = "/2019/02/08/summit/"
REPLY = "I **agreed** <b>x</b> & more\n\n> quoted\n\n- one\n- two\n\n[a link](https://e.example/p)"


@pytest.fixture
def config(config, smtp_server, tmp_path):
    config.update(SMTP_URL=smtp_server.url, PUBLIC_URL="https://comments.news.example",
                  MAIL_RETRY_BASE_SECONDS=0.2, SMTP_TIMEOUT=2)
    return config


def parts(mail):
    return (mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content())


def sent_in_outbox_order(app, smtp_server):
    """(template, mail) for each sent message, in the outbox's order.

    The worker sends a batch over several connections at once, so mail arrives in no set
    order: each arrived mail is matched to its outbox row by its Message-ID.
    """
    rows = sql(app, "SELECT message_id, template FROM outbox WHERE status = 'sent' ORDER BY id")
    arrived = {str(mail["Message-ID"]): mail for mail in smtp_server.mailbox.messages}
    assert sorted(arrived) == sorted(message_id for message_id, _template in rows)
    return [(template, arrived[message_id]) for message_id, template in rows]


def delivered(app, smtp_server, template):
    run_once(app)
    return [mail for kind, mail in sent_in_outbox_order(app, smtp_server) if kind == template]


def test_a_reply_notification_shows_the_rendered_comment_and_links_to_it(
        app, client, post, smtp_server):
    parent = subscribe(app, client, post)
    reply_id = post(author="Bob", text=REPLY, parent_id=parent).json["id"]
    [mail] = delivered(app, smtp_server, "reply")
    text, html = parts(mail)
    # HTML: the comment as the thread shows it, the reader's own "<b>" still only text.
    assert "<strong>agreed</strong>" in html
    assert "&lt;b&gt;x&lt;/b&gt; &amp; more" in html
    assert "<blockquote" in html and "<li>one</li>" in html
    assert "**" not in html
    assert f'href="https://news.example{URI}#comment-{reply_id}"' in html
    # Text: readable words, neither Markdown nor entities.
    assert "I agreed <b>x</b> & more" in text
    assert "**" not in text and "&lt;" not in text and "&amp;" not in text
    assert "a link (https://e.example/p)" in text
    assert f"Read the discussion: https://news.example{URI}#comment-{reply_id}" in text


def test_html_smuggled_into_a_queued_context_is_cleaned_at_sending(app, smtp_server):
    from tests.support.mailing import queue

    queue(app, recipient="ann@example.com", template="reply", kind="reply", context={
        "thread_id": 1, "title": "T", "article_url": "https://news.example/a/",
        "comment_url": "https://news.example/a/#comment-9", "reply_author": "Bob",
        "reply_excerpt": "x", "reply_text": "x",
        "reply_html": '<p onclick="steal()">hi<script>alert(1)</script><img src=x></p>'})
    run_once(app)
    _text, html = parts(smtp_server.mailbox.messages[0])
    assert "<p>hi</p>" in html
    assert "script" not in html and "onclick" not in html and "<img" not in html


def test_the_plain_moderator_mail_keeps_its_lines_apart(app, post, smtp_server):
    make_moderator(app, "mod@example.com", role="admin", all_sites=True)
    set_policy(app, moderation="hold_all")
    post(author="Eve", email="eve@example.com", text="buy **now**")
    [mail] = delivered(app, smtp_server, "moderation_held")
    text, html = parts(mail)
    lines = text.splitlines()
    assert "From: Eve <eve@example.com>" in lines
    assert "Held because:" in lines
    assert not any(line.endswith(">Held because:") for line in lines)
    assert "Held because:" in html and "buy **now**" in text


def test_digest_items_link_to_their_comment(app, client, post, smtp_server):
    from tests.mail.test_mail_subscriptions import mails

    parent = subscribe(app, client, post, )
    sql(app, "UPDATE subscriptions SET mode = 'digest'")
    reply_id = post(author="Bob", text="**bold** reply", parent_id=parent).json["id"]
    from datetime import timedelta

    from comments.models.types import utcnow
    from comments.services.mail.digests import send_due_digests

    with app.app_context():
        assert send_due_digests(utcnow() + timedelta(days=2)) == 1
    [(_k, _to, _t, context, _l)] = mails(app, "digest")
    context = json.loads(context) if isinstance(context, str) else context
    assert context["items"][0]["comment_url"].endswith(f"#comment-{reply_id}")
    [mail] = delivered(app, smtp_server, "reply_digest")
    text, html = parts(mail)
    assert "<strong>bold</strong> reply" in html and f"#comment-{reply_id}" in html
    assert "bold reply" in text and "**" not in text


def test_every_template_arrives_readable_as_text_and_as_html(app, client, post, smtp_server,
                                                             tmp_path):
    """Each mail the service sends, made by its real cause, read in both parts.

    Set COMMENTS_MAIL_GALLERY to a folder to keep the parts for looking at them.
    """
    import os
    import re
    import secrets
    import time
    from datetime import timedelta

    from comments.models.types import utcnow
    from comments.services import tokens
    from comments.services.mail.digests import send_due_digests
    from comments.services.moderation.held_digest import send_held_digests
    from comments.services.sites import update_site
    from tests.moderation.test_held_mail_settings import choose

    make_moderator(app, "mod@example.com", role="admin", all_sites=True)
    make_moderator(app, "digest@example.com", role="admin", all_sites=True)
    choose(app, "digest@example.com", "digest", 30)
    parent = subscribe(app, client, post)                                 # confirm_subscription
    post(author="Bob", text=REPLY, parent_id=parent)                      # reply
    post(author="Cy", email="cy@example.com", notify_replies=True, text="**Digest** me")
    sql(app, "UPDATE subscriptions SET mode = 'digest', confirmed_at = created_at")
    post(author="Dee", text="Second *reply*", parent_id=parent)
    with app.app_context():
        send_due_digests(utcnow() + timedelta(days=2))                    # reply_digest
        update_site("default", settings={"share_by_email": True, "min_submit_seconds": 0})
    with app.test_request_context():
        form = tokens.sign("form", {"t": time.time() - 10, "j": secrets.token_hex(12)})
    assert client.post("/api/v1/shares", json={                           # share
        "uri": URI, "to": "friend@example.org", "from_name": "Ann <i>", "note": "Look & see",
        "form_token": form, "hp": ""}).status_code == 202
    page = client.get("/privacy/?site=default")                           # privacy_confirm
    privacy_form = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    client.post("/privacy/", data={"site": "default", "email": "ann@example.com",
                                   "kind": "export", "form_token": privacy_form})
    set_policy(app, moderation="hold_all")
    post(author="Eve", email="eve@example.com", text="held <b>text</b>")  # moderation_held
    post(author="Fay", text="second **held**", parent_id=parent)
    with app.app_context():
        send_held_digests(utcnow() + timedelta(hours=1))                  # moderation_digest
    run_once(app)
    sent = sent_in_outbox_order(app, smtp_server)
    templates = [template for template, _mail in sent]
    assert set(templates) >= {"confirm_subscription", "reply", "reply_digest", "share",
                              "privacy_confirm", "moderation_held", "moderation_digest"}
    gallery = os.environ.get("COMMENTS_MAIL_GALLERY")
    for index, (template, mail) in enumerate(sent):
        text, html = parts(mail)
        if gallery:
            os.makedirs(gallery, exist_ok=True)
            with open(f"{gallery}/{index:02}-{template}.txt", "w") as out:
                out.write(f"Subject: {mail['Subject']}\n\n{text}")
            with open(f"{gallery}/{index:02}-{template}.html", "w") as out:
                out.write(html)
        for part in (text, html, str(mail["Subject"])):
            assert "{{" not in part and "{%" not in part and "None" not in part, template
        assert "&lt;" not in text and "&amp;" not in text, template
        # Moderators read a held comment as it was typed (links spelled out, nothing
        # rendered); readers read it as the thread shows it.
        assert "**" not in text or template.startswith("moderation"), template
        assert not re.search(r"\S(Held because|Approve:|Read the discussion)", text), template
        assert html.lstrip().lower().startswith("<!doctype html>"), template
