"""Issue 14, item 7: a held comment, the delete confirmation, the preview's quotes and "Sort by"."""

from __future__ import annotations

import pytest

from tests.support.embed_host import allow_host, open_article, script_tag

pytestmark = pytest.mark.browser

HIDDEN_FOR_HELD = (".c-vote", ".c-reply", ".c-flag")


def _same_site_body(live_server) -> str:
    # The embed from the same site (127.0.0.1, another port) keeps its storage across reloads.
    return f'<div id="comments"></div>{script_tag(live_server, host=live_server.url)}'


def test_a_held_comment_offers_its_author_only_edit_and_delete(app, live_server, page, publisher):
    allow_host(app, publisher.url, moderation="hold_all")
    body = _same_site_body(live_server)
    frame = open_article(page, live_server, publisher, body=body)
    frame.fill("#c-text", "Held for a moderator")
    frame.fill("#c-author", "Dora")
    frame.click(".c-submit")
    item = frame.wait_for_selector(".c-item.c-mine[data-pending]")
    for selector in HIDDEN_FOR_HELD:
        assert not item.query_selector(selector).is_visible(), selector
    assert item.query_selector(".c-edit").is_visible()
    assert item.query_selector(".c-delete").is_visible()

    frame = open_article(page, live_server, publisher, body=body)  # drawn again from storage
    item = frame.wait_for_selector(".c-item.c-mine[data-pending]")
    assert item.query_selector(".c-notice").is_visible()
    for selector in HIDDEN_FOR_HELD:
        assert not item.query_selector(selector).is_visible(), selector
    assert item.query_selector(".c-delete").is_visible()
    assert page.problems == []


def test_the_delete_confirmation_focuses_cancel(app, live_server, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(page, live_server, publisher, body=_same_site_body(live_server))
    frame.fill("#c-text", "Mine to delete")
    frame.click(".c-submit")
    item = frame.wait_for_selector(".c-item.c-mine")
    item.query_selector(".c-delete").click()
    frame.wait_for_selector(".c-confirm")
    assert frame.evaluate("document.activeElement.className").split() == ["c-button-quiet", "c-cancel"]
    page.keyboard.press("Enter")  # Enter on the focused button keeps the comment
    frame.wait_for_selector(".c-confirm", state="detached")
    assert frame.query_selector(".c-item.c-mine") is not None
    assert page.problems == []


def test_the_preview_styles_quotes_as_the_posted_comment(app, live_server, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(page, live_server, publisher)
    frame.fill("#c-text", "> A quoted line\n\nMy answer")
    frame.click(".c-preview-toggle")
    frame.wait_for_selector("#c-preview blockquote")
    style = ("q => { const s = getComputedStyle(q); "
             "return [s.borderLeftStyle, s.borderLeftWidth, s.borderLeftColor, s.color, s.paddingLeft]; }")
    preview = frame.eval_on_selector("#c-preview blockquote", style)
    frame.click(".c-preview-toggle")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine .c-body blockquote")
    posted = frame.eval_on_selector(".c-item.c-mine .c-body blockquote", style)
    assert preview == posted
    assert preview[0] == "solid"
    assert page.problems == []


def test_sort_by_shows_only_when_there_is_something_to_sort(app, live_server, page, publisher):
    allow_host(app, publisher.url, moderation="hold_all")
    frame = open_article(page, live_server, publisher, body=_same_site_body(live_server))
    assert frame.is_hidden(".c-sort")
    frame.fill("#c-text", "Held: only its author sees it, the thread is still empty")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine[data-pending]")
    assert frame.is_hidden(".c-sort")
    frame = open_article(page, live_server, publisher, body=_same_site_body(live_server))
    frame.wait_for_selector(".c-item.c-mine[data-pending]")
    assert frame.is_hidden(".c-sort")

    allow_host(app, publisher.url, moderation="publish")
    frame.fill("#c-text", "The first comment")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    frame.wait_for_selector(".c-sort", state="visible")
    assert page.problems == []
