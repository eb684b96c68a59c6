"""The live server and the browser fixtures work together (the base of the browser tests)."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_a_browser_reads_the_api_from_the_live_server(live_server, page, post):
    post(text="Seen from *Chromium*")
    page.goto(f"{live_server.url}/api/v1/comments?uri=/2019/02/08/summit/")
    assert "Seen from <em>Chromium</em>" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    assert page.problems == []
