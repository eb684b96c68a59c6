"""Issue 14, item 3: a reader's state survives a reload in a cross-site embed in Chromium with
third-party cookies (and so third-party storage) blocked: their own comments' Edit and Delete,
their held comment, their name and email in the form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.embed_host import allow_host, open_article, ready_frame
from tests.support.live import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser


@pytest.fixture
def strict_profile(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    """`launch()` opens a Chromium profile that blocks third-party cookies; call it per visit."""
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(
        {"profile": {"cookie_controls_mode": 1, "block_third_party_cookies": True}}))
    contexts: list[Any] = []
    browser_type = chromium.browser_type  # the session's Playwright, a profile of its own

    def launch() -> Any:
        if contexts:
            contexts.pop().close()
        context = browser_type.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1024, "height": 900}, timeout=30_000)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
        page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
        return page
    try:
        yield launch
    finally:
        while contexts:
            contexts.pop().close()


def _check_state(frame: Any, published: str, held: str) -> None:
    mine = frame.wait_for_selector(f"#comment-{published}.c-mine")
    assert mine.query_selector(".c-edit").is_visible()
    assert mine.query_selector(".c-delete").is_visible()
    waiting = frame.wait_for_selector(f"#comment-{held}.c-mine[data-pending]")
    assert waiting.query_selector(".c-notice").is_visible()
    assert "Held for a moderator" in frame.inner_text(f"#comment-{held}")
    assert frame.input_value("#c-author") == "Dora"
    assert frame.input_value("#c-email") == "dora@example.org"


def test_a_readers_state_survives_reloads_in_a_cross_site_embed(app, live_server, publisher,
                                                               strict_profile):
    allow_host(app, publisher.url)
    page = strict_profile()
    frame = open_article(page, live_server, publisher)  # 127.0.0.1 frames localhost: cross-site
    assert frame.evaluate("(() => { try { localStorage.length; return 'open'; }"
                          " catch (e) { return e.name; } })()") == "SecurityError"
    frame.fill("#c-text", "Published at once")
    frame.fill("#c-author", "Dora")
    frame.fill("#c-email", "dora@example.org")
    frame.click(".c-submit")
    published = frame.wait_for_selector(".c-item.c-mine").get_attribute("data-id")
    allow_host(app, publisher.url, moderation="hold_all")
    frame.fill("#c-text", "Held for a moderator")
    frame.click(".c-submit")
    held = frame.wait_for_selector(".c-item.c-mine[data-pending]").get_attribute("data-id")

    page.reload()  # the same tab again
    _check_state(ready_frame(page), published, held)
    page = strict_profile()  # the browser closed and opened again on the same profile
    frame = open_article(page, live_server, publisher)
    _check_state(frame, published, held)

    frame.click(f"#comment-{published} .c-delete")
    frame.click(f"#comment-{published} .c-yes")
    frame.wait_for_selector(f"#comment-{published}", state="detached")
    assert page.problems == []


def test_the_publisher_page_keeps_only_the_comments_hosts_own_keys(app, live_server, publisher,
                                                                 strict_profile):
    allow_host(app, publisher.url)
    page = strict_profile()
    frame = open_article(page, live_server, publisher)
    frame.fill("#c-text", "Hello")
    frame.fill("#c-author", "Dora")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    keys = page.evaluate("Object.keys(localStorage).sort()")
    prefix = f"comments:{live_server.other_origin}:"
    # The reader's comments and form fields, and the browser key votes and flags count by
    # (identity, issue 15): all under the comments host's origin, nothing else.
    assert keys == [prefix + "comments.browser", prefix + "comments.mine.default",
                    prefix + "comments.reader"]
    # A frame of another origin, or a message naming another key, writes nothing.
    frame.evaluate("window.parent.postMessage({comments: 1, type: 'store', key: 'other', value: 'x'}, '*')")
    page.evaluate("window.postMessage({comments: 1, type: 'store', key: 'comments.reader', value: 'x'}, '*')")
    page.wait_for_timeout(200)
    assert page.evaluate("Object.keys(localStorage).sort()") == keys
    assert json.loads(page.evaluate(f"localStorage.getItem('{prefix}comments.reader')"))["author"] == "Dora"
    assert page.problems == []
