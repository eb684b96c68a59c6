"""Issue 14, item 11 (loader): a page on an origin the site does not allow gets a visible hint
instead of the browser's broken-frame icon, and the fix in the console."""

from __future__ import annotations

import pytest

from tests.support.embed_host import allow_host, open_article, script_tag

pytestmark = pytest.mark.browser


def test_a_page_on_a_not_allowed_origin_shows_a_hint_and_logs_the_fix(app, live_server, page, publisher):
    messages = []
    page.on("console", lambda msg: messages.append((msg.type, msg.text)))
    open_article(page, live_server, publisher, wait=False)  # the site does not allow this origin
    hint = page.wait_for_selector("#comments .comments-hint")
    assert hint.is_visible()
    assert hint.inner_text() == "The comments cannot be shown on this page."
    assert hint.get_attribute("role") == "status"
    assert page.is_hidden("#comments iframe")  # no broken frame left on the page
    page.wait_for_function("true")
    fix = [text for kind, text in messages if kind == "warning" and "--add-origin" in text]
    assert fix == [f"Comments: {publisher.url} may not show the thread of site \"default\". "
                   f"If this page is yours, allow its origin: "
                   f"comments sites update default --add-origin {publisher.url}"]


def test_the_hint_speaks_the_thread_language_and_an_allowed_page_never_shows_it(
        app, live_server, page, publisher):
    body = '<div id="comments"></div>' + script_tag(live_server, lang="de")
    open_article(page, live_server, publisher, body=body, wait=False)
    hint = page.wait_for_selector("#comments .comments-hint")
    assert hint.inner_text() == "Die Kommentare können auf dieser Seite nicht angezeigt werden."

    allow_host(app, publisher.url)
    page.problems.clear()  # the refused frame's own CSP report is Chromium's, above
    open_article(page, live_server, publisher)
    page.wait_for_timeout(2500)  # past the time the loader waits for the thread
    assert page.query_selector("#comments .comments-hint") is None
    assert page.is_visible("#comments iframe")
    assert page.problems == []
