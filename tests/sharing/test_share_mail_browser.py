""""Send this to a friend" from the embed in Chromium: the mail arrives, the link counts."""

from __future__ import annotations

import pytest

from comments.services.sites import update_site
from tests.support.app import sql
from tests.support.embed_host import ARTICLE, allow_host, open_article
from tests.support.mailing import run_once

pytestmark = pytest.mark.browser


def send(frame, to: str, note: str = "You will like this one") -> None:
    frame.fill("#c-share-to", to)
    frame.fill("#c-share-from-name", "Carla")
    frame.fill("#c-share-note", note)
    frame.click("#c-share-form [type=submit]")


def test_a_reader_sends_the_article_and_the_friend_follows_the_tracked_link(
        app, live_server, page, publisher, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, PUBLIC_URL=live_server.url)
    allow_host(app, publisher.url, share_by_email=True, share_limit_per_recipient=1,
               article_facts="fetch")
    with app.app_context():
        update_site("default", base_url=publisher.url)
    # The page's own <title> names the article; what the embed's data-title says is a hint.
    frame = open_article(page, live_server, publisher, path=ARTICLE,
                         title="URGENT: verify your account at https://evil.example/")
    frame.click("#c-share-toggle")
    send(frame, "friend@example.org")
    frame.wait_for_selector("#c-share-form .c-form-error.c-ok >> text=Sent. Thank you for sharing.")

    assert run_once(app).sent == 1
    [mail] = smtp_server.mailbox.messages
    assert mail["To"] == "friend@example.org" and "Carla" not in str(mail["From"])
    text = mail.get_body(("plain",)).get_content()
    assert "Carla thinks you would like" in text and "Summit in Hanoi" in text
    assert "URGENT" not in text and "evil.example" not in text
    assert "You will like this one" in text
    link = next(line.strip() for line in text.splitlines() if "/s/" in line)
    assert link.startswith(live_server.url + "/s/")
    followed = page.request.get(link, max_redirects=0)
    assert followed.status == 302
    assert followed.headers["location"] == publisher.url + ARTICLE
    assert sql(app, "SELECT kind, clicks FROM shares WHERE kind = 'email'") == [("email", 1)]

    # The same friend again today: the quota answers, and the form says so.
    send(frame, "friend@example.org")
    frame.wait_for_selector("#c-share-form .c-form-error >> text=Too many")
    assert len(sql(app, "SELECT id FROM outbox")) == 1
    assert [p for p in page.problems if "429" not in p] == []
