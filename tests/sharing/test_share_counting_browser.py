"""In Chromium: opening the share panel is not a share; using the link (mail or copy) is, once."""

from __future__ import annotations

import pytest

from comments.services.sites import update_site
from tests.support.app import sql
from tests.support.embed_host import ARTICLE, allow_host, open_article
from tests.support.mailing import wait_for

pytestmark = pytest.mark.browser


def shares(app):
    return sql(app, "SELECT kind FROM shares")


def test_opening_the_panel_counts_nothing_and_using_the_link_counts_once(
        app, live_server, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(page, live_server, publisher)
    frame.click("#c-share-toggle")
    frame.wait_for_selector("#c-share:not([hidden])")
    frame.click("#c-share-close")
    frame.click("#c-share-toggle")
    page.wait_for_timeout(500)
    assert shares(app) == []
    assert "/s/" not in (frame.get_attribute("#c-share-mail", "href") or "")
    frame.click("#c-share-copy")
    wait_for(lambda: shares(app) == [("link",)], timeout=10)
    frame.wait_for_selector("#c-share-mail[href*='/s/']")
    assert "/s/" in frame.input_value("#c-share-url")
    # The mail button uses the same link: still one share.
    frame.eval_on_selector("#c-share-mail", "a => a.dispatchEvent(new MouseEvent('click', "
                                            "{bubbles: true, cancelable: true}))")
    page.wait_for_timeout(300)
    assert shares(app) == [("link",)]
    # (A cross-origin frame's clipboard is the embed's own matter; the link is what counts.)
    assert [p for p in page.problems if "mailto" not in p and "Clipboard" not in p] == []


def test_the_mail_button_alone_makes_the_tracked_link_first(app, live_server, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(page, live_server, publisher)
    frame.click("#c-share-toggle")
    frame.wait_for_selector("#c-share:not([hidden])")
    opened = []
    # Keep the test page where it is: note the mailto the reader's click would open.
    frame.evaluate("""() => document.getElementById('c-share-mail').addEventListener('click',
        (e) => { if (e.defaultPrevented) { return; } window.__opened = e.currentTarget.href;
                 e.preventDefault(); })""")
    frame.click("#c-share-mail")
    frame.wait_for_function("() => window.__opened !== undefined")
    opened.append(frame.evaluate("() => window.__opened"))
    assert opened[0].startswith("mailto:") and "/s/" in opened[0]
    assert shares(app) == [("link",)]


def test_sending_from_the_site_is_one_share_with_no_address_field_and_no_reply_to(
        app, live_server, page, publisher, smtp_server):
    from tests.support.mailing import run_once

    app.config.update(SMTP_URL=smtp_server.url, PUBLIC_URL=live_server.url)
    # The mail names the article by its page's title (issue 13: never a reader's title).
    allow_host(app, publisher.url, share_by_email=True, article_facts="fetch")
    with app.app_context():
        update_site("default", base_url=publisher.url)
    frame = open_article(page, live_server, publisher, path=ARTICLE)
    frame.click("#c-share-toggle")
    assert frame.locator("#c-share-form [name=from_email]").count() == 0
    frame.fill("#c-share-to", "friend@example.org")
    frame.fill("#c-share-from-name", "Carla")
    frame.click("#c-share-form [type=submit]")
    frame.wait_for_selector("#c-share-form .c-form-error.c-ok")
    assert shares(app) == [("email",)]  # the send, not the panel
    assert run_once(app).sent == 1
    [mail] = smtp_server.mailbox.messages
    assert mail["Reply-To"] is None
    assert "Summit in Hanoi" in mail.get_body(("plain",)).get_content()
