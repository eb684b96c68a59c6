"""The data-rights page in a real browser: styled under its strict CSP, usable by keyboard."""

from __future__ import annotations

import pytest

from tests.support.app import sql


@pytest.mark.browser
def test_a_reader_asks_for_their_data_with_the_keyboard_alone(app, live_server, page, post):
    post(text="Mine", email="reader@example.org")
    page.goto(f"{live_server.url}/privacy/?site=default")
    assert page.title() == "Your data on The Example Times"
    # The stylesheet applied: our own origin is allowed, and nothing was blocked.
    assert page.eval_on_selector("button", "b => getComputedStyle(b).backgroundColor") \
        == "rgb(26, 95, 180)"
    page.keyboard.press("Tab")
    page.keyboard.type("reader@example.org")
    page.keyboard.press("Tab")  # the radio group: "a copy" is already chosen
    page.keyboard.press("ArrowDown")  # move to "Erase my data"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Check your mail")
    assert page.problems == []
    assert sql(app, "SELECT kind FROM privacy_requests") == [("erase",)]
    assert sql(app, "SELECT count(*) FROM outbox WHERE template = 'privacy_confirm'")[0][0] == 1


@pytest.mark.browser
def test_the_your_data_link_in_the_embed_opens_the_form(app, live_server, page, post, publisher):
    from tests.support.embed_host import allow_host, open_article

    allow_host(app, publisher.url)
    post(text="Mine", email="reader@example.org")
    frame = open_article(page, live_server, publisher)
    with page.expect_popup() as opened:  # the embed opens links in a new tab
        frame.click("text=Your data")
    form = opened.value
    form.wait_for_selector("h1")
    assert form.url.startswith(f"{live_server.other_origin}/privacy/?site=default")
    form.fill("input[type=email]", "reader@example.org")
    form.click("button[type=submit]")
    form.wait_for_selector("text=Check your mail")
    assert page.problems == []
    assert sql(app, "SELECT kind FROM privacy_requests") == [("export",)]
