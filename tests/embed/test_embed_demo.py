"""The demo article of `comments demo`: a newspaper page on 127.0.0.1 with the thread from the next
port, another origin of the same site."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from comments.services.sites import update_site
from tests.support.app import sql
from tests.support.embed_host import allow_host
from tests.support.live import ARTIFACTS, LiveServer

ARTICLE = "/2026/11/28/night-ferry-returns/"


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """An install started by `comments demo`."""
    return {**config, "DEMO": True}


@pytest.fixture
def comments_host(app, live_server):
    """The same app on a second loopback port: the comments host the article loads, as in the demo."""
    server = LiveServer(app).start()
    app.config["DEMO_EMBED_ORIGIN"] = server.url
    try:
        yield server
    finally:
        server.stop()


def _open(page, live_server) -> Any:
    page.goto(live_server.url + "/")
    page.locator("#comments").scroll_into_view_if_needed()  # the thread loads as it nears view
    handle = page.wait_for_selector("#comments iframe")
    frame = handle.content_frame()
    frame.wait_for_selector("html[data-ready]", state="attached")
    return handle, frame


@pytest.mark.browser
def test_the_demo_article_ends_in_the_thread_from_the_other_origin(app, live_server, comments_host, page):
    # As `comments demo` makes it: a site created today, reading its articles' titles from the
    # pages the demo serves (article_facts "fetch", the default), on the address it serves.
    allow_host(app, live_server.url, article_facts="fetch")
    with app.app_context():
        update_site("default", base_url=live_server.url)
    handle, frame = _open(page, live_server)
    assert handle.get_attribute("src").startswith(comments_host.url + "/embed/thread?")
    assert page.title().startswith("Night ferry returns")

    frame.fill("#c-text", "I would take the 23:40 every Friday. **Finally.**")
    frame.fill("#c-author", "Jonas")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    page.wait_for_function(
        "document.querySelector('.byline [data-comments-count]').textContent === '1 comment'")
    sidebar = page.eval_on_selector_all(".more [data-comments-count]", "els => els.map(e => e.textContent)")
    assert sidebar == ["0 comments"] * 3
    frame.click("#c-share-toggle")
    frame.wait_for_selector("#c-share:not([hidden])")
    assert sql(app, "SELECT uri, title, title_source FROM threads") == [
        (ARTICLE, "Night ferry returns to the harbour after forty years", "page")]

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / "demo-article.png"))
    assert (ARTIFACTS / "demo-article.png").stat().st_size > 10_000
    violations = [v["id"] for v in Axe().run(page).response["violations"]
                  if v["impact"] in ("serious", "critical")]
    assert violations == []
    # Same site: the frame keeps the reader's state in its own storage, across a reload.
    handle, frame = _open(page, live_server)
    assert frame.query_selector(".c-item.c-mine .c-edit:visible") is not None
    assert frame.input_value("#c-author") == "Jonas"
    assert page.evaluate("Object.keys(localStorage)") == []
    assert page.problems == []


@pytest.mark.browser
def test_the_thread_fits_a_320_pixel_phone(app, live_server, comments_host, page, post):
    allow_host(app, live_server.url)
    parent = post(uri=ARTICLE, text="A long first comment " * 12, author="Ann",
                  environ={"REMOTE_ADDR": "10.3.0.1"}).json["id"]
    for depth in range(7):  # deeper than the site's indentation: the deepest are shown flat
        parent = post(uri=ARTICLE, text=f"Reply at depth {depth + 1} " + "x" * 60,
                      author=f"Replier {depth}", parent_id=parent,
                      environ={"REMOTE_ADDR": f"10.3.1.{depth + 1}"}).json["id"]
    page.set_viewport_size({"width": 320, "height": 640})
    _handle, frame = _open(page, live_server)
    assert frame.evaluate("document.documentElement.scrollWidth") <= 320
    assert frame.query_selector(".c-reply-to:not([hidden])") is not None  # "in reply to NAME"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # A tall viewport rather than full_page: Chromium leaves cross-site frames out of those.
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 320, "height": min(height, 6000)})
    page.wait_for_timeout(200)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demo-article-320.png"))
    assert page.problems == []


def test_the_demo_article_is_only_served_on_demo_installs(app, client):
    assert client.get("/").status_code == 200
    assert client.get(ARTICLE).status_code == 200
    assert client.get("/2026/11/27/library-opens-late/").status_code == 200
    assert client.get("/2026/11/27/no-such-story/").status_code == 404


def test_a_production_install_serves_no_demo_article(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    from comments import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", "TESTING": True})
    assert app.test_client().get("/").status_code == 404
