"""Reading the queue in Chromium: a reply shows what it answers, a thread is a tree, the record is words."""

from __future__ import annotations

import pytest

from tests.moderation.test_moderation_browser import sign_in
from tests.support.app import sql
from tests.support.moderation import set_policy

URI = "/2019/02/08/summit/"
pytestmark = pytest.mark.browser


def test_a_queued_reply_shows_the_comment_it_answers(app, post, admin, live_server, page):
    parent = post(text="The *original* point", author="Ann").json["id"]
    set_policy(app, moderation="hold_all")
    post(text="A held answer", author="Bob", parent_id=parent)
    sign_in(page, live_server)
    item = page.locator(".items .item").first
    answered = item.locator(".in-reply-to")
    assert answered.count() == 1
    assert "Ann" in answered.inner_text() and "The original point" in answered.inner_text()
    assert answered.locator("em").inner_text() == "original"
    assert answered.locator(f'a[href$="/moderate/comments/{parent}"]').count() == 1
    assert page.problems == []


def test_all_comments_here_is_a_tree_without_the_article_on_every_item(
        app, post, admin, live_server, page):
    first = post(text="first top", author="Ann").json["id"]
    post(text="second top", author="Cy")
    reply = post(text="reply to first", author="Bob", parent_id=first).json["id"]
    post(text="reply to reply", author="Dee", parent_id=reply)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/moderate/thread?site=default&uri={URI}")
    texts = [t.strip() for t in page.locator(".items .item .text").all_inner_texts()]
    assert texts == ["first top", "reply to first", "reply to reply", "second top"]
    depths = [int(d) for d in page.locator(".items .item").evaluate_all(
        "items => items.map(i => i.dataset.depth)")]
    assert depths == [0, 1, 2, 0]
    lefts = page.locator(".items .item").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().left)")
    assert lefts[0] < lefts[1] < lefts[2] and lefts[3] == lefts[0]
    assert page.locator(".items .item .where").count() == 0
    # The article's title is the publisher's (issue 13); readers' titles are only hints.
    assert page.locator("h1").inner_text() == URI
    assert page.problems == []


def test_the_record_says_what_changed_in_words(app, client, post, admin, live_server, page):
    set_policy(app, moderation="hold_all")
    comment_id = post(text="wait for me").json["id"]
    sign_in(page, live_server)
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("a")
    page.goto(f"{live_server.url}/moderate/comments/{comment_id}")
    record = page.locator("table.events").inner_text()
    assert "{" not in record and '"' not in record
    assert "pending → approved" in record
    page.goto(f"{live_server.url}/moderate/audit")
    assert "status: pending → approved" in page.locator("table.events").inner_text()
    assert sql(app, "SELECT status FROM comments") == [("approved",)]
    assert page.problems == []
