"""The embed tells a reader who posts too fast how long to wait, and keeps their text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.embed_host import allow_host, open_article


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """Rate limits on, as in production (in-memory storage, private to this app)."""
    return {**config, "RATELIMIT_ENABLED": True}


@pytest.mark.browser
def test_a_rate_limited_post_says_how_long_to_wait_and_keeps_the_text(app, live_server, page,
                                                                       publisher):
    allow_host(app, publisher.url, post_limit="1 per minute")
    frame = open_article(page, live_server, publisher)
    frame.fill("#c-text", "First")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    frame.fill("#c-text", "Second, too soon")
    frame.click(".c-submit")
    error = frame.wait_for_selector(".c-form-error:not([hidden])")
    assert error.inner_text().startswith("You are going a little fast. Please wait ")
    assert frame.input_value("#c-text") == "Second, too soon"
    assert [p for p in page.problems if "429" not in p] == []
