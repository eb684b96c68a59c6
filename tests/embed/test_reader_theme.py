"""Issue 14, item 4: theme "auto" follows the host page's background, and every text reaches
WCAG AA (4.5:1) in both themes whatever accent the site gives (axe's colour-contrast rule)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.app import sql
from tests.support.embed_host import allow_host, open_article, script_tag

pytestmark = pytest.mark.browser

LIGHT_PAGE, DARK_PAGE = "#fbfaf7", "#121417"
# The demo's red, a pale yellow, the default blue and a light blue: each fails somewhere as given.
ACCENTS = ["#a4161a", "#ffd400", "#0b5cad", "#7ab7ff"]


def _page(live_server, background: str, accent: str | None = None, **attrs: str) -> str:
    style = f"body {{ background: {background}; }}"
    if accent:
        style += f" #comments {{ --comments-accent: {accent}; }}"
    return f'<style>{style}</style><div id="comments"></div>{script_tag(live_server, **attrs)}'


@pytest.fixture
def dark_os_page(chromium):
    """A page in a browser whose operating system prefers dark."""
    context = chromium.new_context(color_scheme="dark", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"pageerror: {error}"))
    yield page
    context.close()


def test_auto_follows_the_host_page_not_the_operating_system(app, live_server, dark_os_page, page, publisher):
    allow_host(app, publisher.url)
    frame = open_article(dark_os_page, live_server, publisher, body=_page(live_server, LIGHT_PAGE))
    assert frame.get_attribute("html", "data-theme") == "light"
    assert frame.eval_on_selector("body", "b => getComputedStyle(b).color") == "rgb(29, 31, 35)"

    frame = open_article(page, live_server, publisher, body=_page(live_server, DARK_PAGE))
    assert frame.get_attribute("html", "data-theme") == "dark"
    assert frame.eval_on_selector("body", "b => getComputedStyle(b).color") == "rgb(232, 234, 237)"

    # The container's own background counts first: a dark box on a light page.
    body = ('<style>body { background: #fff; } .box { background: rgb(20, 22, 30); }</style>'
            f'<div class="box"><div id="comments"></div></div>{script_tag(live_server)}')
    frame = open_article(page, live_server, publisher, body=body)
    assert frame.get_attribute("html", "data-theme") == "dark"
    # An explicit theme is the site's choice and is kept.
    frame = open_article(page, live_server, publisher, body=_page(live_server, DARK_PAGE, theme="light"))
    assert frame.get_attribute("html", "data-theme") == "light"
    assert page.problems == [] and dark_os_page.problems == []


def _contrast_problems(frame) -> list[str]:
    results = Axe().run(frame, options={"runOnly": ["color-contrast"], "resultTypes": ["violations"]})
    return [f"{node['target']}: {node['any'][0]['message']}"
            for v in results.response["violations"] for node in v["nodes"]]


@pytest.mark.parametrize("accent", ACCENTS)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_reaches_aa_contrast_with_any_accent(app, live_server, page, post, publisher,
                                                        admin_token, theme, accent):
    from tests.support.moderation import bearer

    # The sign-in line shows where readers may sign in (issue 15).
    allow_host(app, publisher.url, share_by_email=True, identity="signed_in_or_anyone")
    first = post(text="A [link](https://example.org) and > a quote", author="Ann",
                 environ={"REMOTE_ADDR": "10.9.0.1"}).json["id"]
    # Its badges ("Verified", staff drawn in the accent, a site's own) and the editors' pick.
    sql(app, "UPDATE comments SET verified = :yes, badges = 'staff,subscriber' WHERE id = :id",
        yes=True, id=first)
    app.test_client().post(f"/api/v1/moderation/comments/{first}/feature", headers=bearer(admin_token))
    background = DARK_PAGE if theme == "dark" else LIGHT_PAGE
    frame = open_article(page, live_server, publisher, body=_page(live_server, background, accent))
    assert frame.get_attribute("html", "data-theme") == theme
    frame.wait_for_selector(f"html[data-accent-fitted='{accent}']", state="attached")
    frame.fill("#c-text", "My own comment")
    frame.click(".c-submit")
    frame.wait_for_selector(".c-item.c-mine")
    frame.click(f"#comment-{first} .c-vote")  # a pressed vote is drawn in the accent
    frame.click(f"#comment-{first} .c-flag")
    frame.click(".c-item.c-mine .c-flag")
    frame.click(".c-item.c-mine .c-illegal")  # the "Illegal content" notice form (issue 17)
    frame.click(".c-dsa [type=submit]")  # its inline errors show
    frame.click("#c-share-toggle")
    frame.wait_for_selector("#c-share:not([hidden])")  # its tracked link waits for a use (i14)
    frame.click("#c-share-form [type=submit]")  # its inline errors show
    for shown in (f"#comment-{first} .c-verified", f"#comment-{first} [data-badge=staff]",
                  f"#comment-{first} .c-pick", ".c-sign-in-prompt", ".c-dsa .c-error"):
        assert frame.is_visible(shown), shown
    assert _contrast_problems(frame) == []
    assert page.problems == []
