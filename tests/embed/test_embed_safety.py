"""Hostile comments posted through the embed's form never run, and the frame is accessible."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.app import sql
from tests.support.embed_host import allow_host, open_article, script_tag

pytestmark = pytest.mark.browser

# Each one would raise a dialog, or (if markup got through) a CSP console error, if it ran.
XSS_CORPUS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<svg/onload=alert('svg')>",
    "\"><script>alert('quote')</script>",
    "<a href=\"javascript:alert('href')\">click</a>",
    "[markdown link](javascript:alert('md'))",
    "[mixed case](JaVaScRiPt:alert('case'))",
    "![image](javascript:alert('image'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"javascript:alert('frame')\"></iframe>",
    "<details open ontoggle=alert('details')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "`<script>alert('code')</script>`",
    "<style>@import 'http://127.0.0.2/x.css';</style><b style=\"x:expression(alert(1))\">s</b>",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    "<form action=\"javascript:alert('form')\"><button>go</button></form>",
]
HOSTILE_NAME = "<img src=x onerror=alert('name')>"


def _assert_inert(frame) -> None:
    bodies = frame.query_selector_all(".c-body")
    assert bodies
    assert frame.query_selector_all(".c-body script, .c-body iframe, .c-body img, .c-body svg, "
                                    ".c-body style, .c-body form, .c-author img") == []
    attributes = frame.eval_on_selector_all(
        ".c-body *, .c-author *",
        "nodes => nodes.flatMap(n => Array.from(n.attributes).map(a => a.name + '=' + a.value))",
    )
    assert not [a for a in attributes if a.lower().startswith("on") or "javascript:" in a.lower()
                or "data:" in a.lower()]


def test_an_xss_corpus_posted_through_the_form_never_runs(app, live_server, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(page, live_server, publisher)
    for n, payload in enumerate(XSS_CORPUS, start=1):
        frame.fill("#c-text", payload)
        frame.fill("#c-author", HOSTILE_NAME)
        frame.click(".c-submit")
        frame.wait_for_selector(f"#c-count >> text={n} comment")
    assert sql(app, "SELECT count(*) FROM comments WHERE status = 'approved'")[0][0] == len(XSS_CORPUS)
    assert frame.inner_text("#c-list .c-author").strip() == HOSTILE_NAME  # shown as text
    _assert_inert(frame)

    # The same comments as the server renders them on the next visit.
    frame = open_article(page, live_server, publisher)
    assert len(frame.query_selector_all("#c-list > .c-item")) == len(XSS_CORPUS)
    _assert_inert(frame)
    assert page.problems == []


def test_a_hostile_title_and_uri_from_the_publisher_page_stay_text(app, live_server, page, publisher):
    allow_host(app, publisher.url)
    body = ('<div id="comments"></div>'
            + script_tag(live_server, title="</script><script>alert('title')</script>",
                         uri="/a/\"><img src=x onerror=alert('uri')>/"))
    frame = open_article(page, live_server, publisher, body=body)
    assert "</script><script>alert('title')</script>" in frame.title()
    assert frame.query_selector("img") is None
    assert page.problems == []


def _serious(results) -> list[str]:
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_core_finds_no_serious_violations_in_the_thread(app, live_server, page, post, publisher,
                                                            theme):
    allow_host(app, publisher.url, share_by_email=True)
    first = post(text="A **first** comment with a [link](https://example.org)", author="Ann",
                 website="https://ann.example", environ={"REMOTE_ADDR": "10.9.0.1"}).json["id"]
    post(text="A reply", author="Bob", parent_id=first, environ={"REMOTE_ADDR": "10.9.0.2"})
    frame = open_article(page, live_server, publisher,
                         body='<div id="comments"></div>' + script_tag(live_server, theme=theme))
    frame.fill("#c-text", "My own comment")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    frame.click(f"#comment-{first} .c-flag")  # the report choices open
    frame.click("#c-share-toggle")
    frame.wait_for_selector("#c-share:not([hidden])")
    frame.click("#c-share-form [type=submit]")  # and its inline errors show
    results = Axe().run(frame)
    assert _serious(results) == []


def test_everything_is_reachable_by_keyboard(app, live_server, page, post, publisher):
    allow_host(app, publisher.url)
    post(text="Someone else's comment", author="Ann", environ={"REMOTE_ADDR": "10.9.0.1"})
    frame = open_article(page, live_server, publisher)
    frame.focus("#c-share-toggle")
    focused = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(frame.evaluate(
            "() => { const a = document.activeElement; return a.id || a.className || a.tagName; }"))
    for wanted in ("c-text", "c-author", "c-email", "c-website", "c-notify", "c-sort"):
        assert wanted in focused, focused
    assert any("c-reply" in name for name in focused)
    assert "c-hp" not in focused  # the honeypot is never reached
    # Keyboard only: reply to the comment and post it.
    frame.focus(".c-item .c-reply")
    page.keyboard.press("Enter")
    assert frame.evaluate("document.activeElement.id") == "c-text"
    page.keyboard.type("Typed without a mouse")
    frame.focus(".c-submit")
    page.keyboard.press("Enter")
    frame.wait_for_selector(".c-replies .c-item.c-mine >> text=Typed without a mouse")
    outline = frame.eval_on_selector(
        ".c-submit", "b => { b.focus(); return getComputedStyle(b).outlineStyle; }")
    assert outline != "none"
    assert page.problems == []
