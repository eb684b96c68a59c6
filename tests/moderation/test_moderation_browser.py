"""The moderation UI in a real Chromium: sign in, approve from the keyboard, bulk-reject, hostile data."""

from __future__ import annotations

import pytest

from tests.support.app import sql
from tests.support.moderation import PASSWORD, set_policy

URI = "/2019/02/08/summit/"
pytestmark = pytest.mark.browser


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/moderate/")
    assert "/moderate/signin" in page.url
    page.fill('input[name="email"]', "admin@example.com")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button:has-text("Sign in")')
    page.wait_for_url(f"{live_server.url}/moderate/")


def test_a_moderator_approves_from_the_keyboard_and_readers_see_it(app, client, post, admin,
                                                                 live_server, page):
    set_policy(app, moderation="hold_all")
    post(text="Worth *reading*", author="Ann")
    assert client.get(f"/api/v1/comments?uri={URI}").json["comments"] == []
    sign_in(page, live_server)
    item = page.locator(".items .item").first
    assert "Worth" in item.inner_text()
    assert "every comment is reviewed" in item.inner_text()
    page.keyboard.press("j")
    assert "current" in (item.get_attribute("class") or "")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert "comment" in page.locator(".flash").inner_text().lower()
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["thread"]["count"] == 1
    assert thread["comments"][0]["html"] == "<p>Worth <em>reading</em></p>"
    assert page.problems == []


def test_a_moderator_bulk_rejects_a_batch(app, post, admin, live_server, page):
    set_policy(app, moderation="hold_all")
    for n in range(4):
        post(text=f"Junk number {n}")
    sign_in(page, live_server)
    assert page.locator(".items .item").count() == 4
    page.check("#select-all")
    assert page.locator(".selected-count").inner_text() == "4 selected"
    page.select_option('#bulk-form select[name="action"]', "reject")
    with page.expect_navigation():
        page.click('#bulk-form button[type="submit"]')
    assert "reject: 4 done" in page.locator(".flash").inner_text()
    assert {row[0] for row in sql(app, "SELECT status FROM comments")} == {"rejected"}
    assert page.locator(".items .item").count() == 0
    assert page.problems == []


PAYLOADS = [
    "<script>alert('text')</script>",
    "<img src=x onerror=alert('img')>",
    "[click](javascript:alert('link'))",
    "\"><svg onload=alert('svg')>",
]


def test_hostile_comments_names_and_paths_do_not_run_in_the_ui(app, post, admin, live_server, page):
    hostile_uri = "/x/\"><img src=x onerror=alert('uri')>/"
    for index, payload in enumerate(PAYLOADS):
        post(uri=hostile_uri if index % 2 else URI, title=payload, text=payload,
             author=payload[:100], website="https://example.com/\"><script>alert(1)</script>")
    set_policy(app, moderation="hold_all")
    post(uri=hostile_uri, text=PAYLOADS[1] + " held", author=PAYLOADS[0])
    sign_in(page, live_server)
    pages = ["/moderate/", "/moderate/?status=approved", "/moderate/dashboard",
             "/moderate/audit", "/moderate/comments/1", "/moderate/comments/2"]
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
    page.goto(f"{live_server.url}/moderate/?status=approved")
    page.click("text=all comments here >> nth=0")
    assert page.locator(".items .item").count() >= 1
    assert "<script>alert('text')</script>" in page.locator("body").inner_text() or \
        "alert(" in page.locator("body").inner_text()
    assert page.evaluate("document.querySelectorAll('main script, main img, main svg[onload]').length") == 0
    assert page.problems == []
