"""Live threads in Chromium: comments posted elsewhere show within 15 s without moving the page,
edits and deletions follow, and the embed's polling is bounded (and stops while hidden)."""

from __future__ import annotations

import time

import pytest

from tests.support.embed_host import allow_host, open_article, ready_frame, script_tag
from tests.support.moderation import bearer

pytestmark = pytest.mark.browser

TALL_ARTICLE = ('<h1>Summit in Hanoi</h1><div style="height:1500px">The story.</div>'
                '<div id="comments"></div>{script}<div style="height:3000px"></div>')
# Headless Chromium reports every tab as visible, so the tests switch the frame's visibility the
# way a browser does when the tab goes to the background: document.hidden, then the real event.
SET_HIDDEN = """(hidden) => {
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
  Object.defineProperty(document, 'visibilityState', {configurable: true,
                        get: () => hidden ? 'hidden' : 'visible'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def seed(post, count):
    ids = []
    for n in range(count):
        response = post(text=f"Seeded comment {n}", author=f"Reader {n}",
                        environ={"REMOTE_ADDR": f"10.9.0.{n + 1}"})
        assert response.status_code == 201
        ids.append(response.json["id"])
    return ids


def test_comments_posted_elsewhere_show_within_15_seconds_in_place(
        app, live_server, page, post, publisher, client, admin_token):
    allow_host(app, publisher.url)
    first, second, third = seed(post, 3)
    open_article(page, live_server, publisher, wait=False,
                 body=TALL_ARTICLE.format(script=script_tag(live_server)))
    page.evaluate("window.scrollTo(0, 1400)")  # the thread loads as it comes into view
    frame = ready_frame(page)
    frame.wait_for_selector("#c-live", state="attached")
    frame.fill("#c-text", "I am still typing")
    frame.focus("#c-text")
    scrolled = page.evaluate("window.scrollY")

    posted_at = time.monotonic()
    new_top = post(text="Breaking: a new comment", author="Elsewhere",
                   environ={"REMOTE_ADDR": "10.9.1.1"}).json["id"]
    new_reply = post(text="A reply from elsewhere", parent_id=first,
                     environ={"REMOTE_ADDR": "10.9.1.2"}).json["id"]
    frame.wait_for_selector("#c-live:not([hidden])", timeout=15_000)
    assert time.monotonic() - posted_at <= 15
    assert frame.inner_text("#c-live") == "2 new comments: show"
    frame.wait_for_selector("#c-status >> text=2 new comments")
    # Nothing moved under the reader: not the page, not the list, not the caret.
    assert frame.query_selector(f"#comment-{new_top}") is None
    assert page.evaluate("window.scrollY") == scrolled
    assert frame.evaluate("document.activeElement.id") == "c-text"
    assert frame.input_value("#c-text") == "I am still typing"

    frame.click("#c-live")
    assert frame.is_hidden("#c-live")
    items = frame.eval_on_selector_all("#c-list > .c-item", "nodes => nodes.map(n => +n.dataset.id)")
    assert items == [first, second, third, new_top]  # oldest first: the new one goes last
    assert frame.query_selector(f"#comment-{first} > .c-replies > #comment-{new_reply}") is not None
    assert frame.evaluate("document.activeElement.closest('.c-item').id") == f"comment-{new_reply}" \
        or frame.evaluate("document.activeElement.closest('.c-item').id") == f"comment-{new_top}"
    frame.wait_for_selector("#c-status >> text=2 new comments shown")
    assert frame.inner_text("#c-count") == "5 comments"

    changed_at = time.monotonic()
    auth = bearer(admin_token)
    assert client.patch(f"/api/v1/moderation/comments/{second}", json={"text": "Corrected **text**"},
                        headers=auth).status_code == 200
    assert client.post(f"/api/v1/moderation/comments/{third}/delete", headers=auth).status_code == 200
    frame.wait_for_selector(f"#comment-{second} .c-body strong >> text=text", timeout=15_000)
    frame.wait_for_selector(f"#comment-{third}", state="detached", timeout=15_000)
    assert time.monotonic() - changed_at <= 15
    assert frame.is_visible(f"#comment-{second} .c-edited")
    assert page.problems == []


def test_an_open_thread_polls_at_most_every_10_seconds_and_never_while_hidden(
        app, live_server, page, post, publisher):
    # The embed's own clock is Playwright's (page.clock): a minute visible and a minute hidden
    # are run through in steps, while every poll still goes over the network to the server.
    allow_host(app, publisher.url)
    seed(post, 2)
    polls: list[str] = []
    page.on("request", lambda request: "/api/v1/comments?" in request.url
            and "sort=newest" in request.url and polls.append(request.url))
    page.clock.install()
    frame = open_article(page, live_server, publisher)
    # The production schedule, as computed by the shipped script.
    live = frame.evaluate("[commentsLive.poll, commentsLive.delay(0, commentsLive.poll), "
                          "commentsLive.delay(200, commentsLive.poll), "
                          "commentsLive.delay(700, commentsLive.poll), "
                          "commentsLive.delay(5000, commentsLive.poll)]")
    assert live == [10, 10_000, 20_000, 30_000, 60_000]
    # A little ahead of the page's clock: it runs on while this call travels, and pausing at a
    # time already past fails ("Cannot fast-forward to the past"). Seconds, as Python's time.
    page.clock.pause_at((frame.evaluate("Date.now()") + 200) / 1000)
    assert polls == []  # nothing at load: the server's page is the baseline

    def run(ms: int) -> None:
        before = len(polls)
        page.clock.run_for(ms)
        page.wait_for_timeout(60)
        if len(polls) > before:
            page.wait_for_timeout(400)  # the poll's answer arrives in real time; the next is set

    visible = []
    for second in range(1, 61):  # a minute, one second at a time
        run(1_000)
        visible.append(len(polls))
    # One poll every 10 s, the first 10 s after load, never two within 10 s.
    assert visible[-1] in (5, 6), visible
    assert all(b - a <= 1 for a, b in zip(visible, visible[1:])), visible
    assert all(visible[i + 9] - visible[i] <= 1 for i in range(len(visible) - 9)), visible
    assert visible[7] == 0, visible  # 8 s after load: not yet

    frame.evaluate(SET_HIDDEN, True)
    hidden_from = len(polls)
    for _ in range(6):
        run(10_000)
    assert len(polls) == hidden_from  # nothing at all during a hidden minute
    frame.evaluate(SET_HIDDEN, False)
    run(100)
    assert len(polls) == hidden_from + 1  # back in view: one poll at once, then the schedule
    print(f"\nembed polls over a minute: {visible[-1]} visible, 0 hidden")
