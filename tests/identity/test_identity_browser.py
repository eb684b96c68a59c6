"""Signing in from the embed in Chromium, cross-site (publisher 127.0.0.1, comments localhost),
where the browser denies the frame its storage: SSO and emailed codes both survive a reload."""

from __future__ import annotations

import re

import jwt
import pytest

from tests.identity.support import claims, hs256_secret
from tests.support.app import sql
from tests.support.embed_host import allow_host, open_article
from tests.support.mailing import run_once

pytestmark = pytest.mark.browser

FRAME_STORAGE = """() => { try { localStorage.setItem('probe', '1'); return 'allowed'; }
                         catch (e) { return 'denied'; } }"""


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, SMTP_TIMEOUT=5)
    return config


def sessions_asked(page):
    asked = []
    page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/v1/readers/session")
            and asked.append(r.post_data_json))
    return asked


def test_an_sso_reader_stays_signed_in_across_reloads_and_the_page_signs_them_out(
        app, live_server, page, publisher, runner):
    allow_host(app, publisher.url)
    secret = hs256_secret(runner)
    token = jwt.encode(claims(user={"id": "u-1", "username": "Jane Reader",
                                    "email": "jane@example.org", "badges": ["subscriber"]}),
                       secret, algorithm="HS256")
    asked = sessions_asked(page)
    frame = open_article(page, live_server, publisher, sso_token=token)
    assert frame.evaluate(FRAME_STORAGE) == "denied"  # third-party storage is blocked here
    frame.wait_for_selector(".c-signed-in-as >> text=Signed in as Jane Reader")
    assert frame.is_hidden("#c-author") and frame.is_hidden("#c-sign-out")
    frame.fill("#c-text", "Signed in through the publisher.")
    frame.click(".c-submit")
    item = frame.wait_for_selector(".c-item.c-mine")
    assert item.inner_text().count("Verified") == 1 and "subscriber" in item.inner_text()
    assert sql(app, "SELECT author, verified FROM comments") == [("Jane Reader", True)]

    frame = open_article(page, live_server, publisher, sso_token=token)  # a reload
    frame.wait_for_selector(".c-signed-in-as >> text=Signed in as Jane Reader")
    assert len(asked) == 1  # the loader kept the reader token: no second exchange
    frame.fill("#c-text", "Still me after a reload.")
    frame.click(".c-submit")
    frame.wait_for_selector("text=Still me after a reload.")
    assert sql(app, "SELECT COUNT(*) FROM comments WHERE verified") == [(2,)]

    page.evaluate("window.comments.logout()")
    frame.wait_for_selector(".c-signed-in", state="hidden")
    assert frame.is_visible("#c-author")
    other = jwt.encode(claims(user_id="u-2", name="Kim Other", email="kim@example.org"), secret,
                       algorithm="HS256")
    page.evaluate("token => window.comments.login(token)", other)
    frame.wait_for_selector(".c-signed-in-as >> text=Signed in as Kim Other")
    assert page.problems == []


def test_a_reader_signs_in_with_a_mailed_code_and_stays_signed_in_after_a_reload(
        app, live_server, page, publisher, smtp_server):
    allow_host(app, publisher.url, identity="signed_in")
    frame = open_article(page, live_server, publisher)
    assert frame.evaluate(FRAME_STORAGE) == "denied"
    assert frame.is_hidden("#c-form")  # this site lets only signed-in readers write
    frame.click("#c-sign-in-toggle")
    frame.fill("#c-sign-in-email", "reader@example.org")
    frame.click(".c-sign-in-submit")
    frame.wait_for_selector("#c-sign-in-code")
    run_once(app)
    [mail] = smtp_server.mailbox.messages
    code = re.search(r"Your code: (\d{6})", mail.get_body(("plain",)).get_content()).group(1)
    frame.fill("#c-sign-in-code", "000000" if code != "000000" else "111111")
    frame.click(".c-sign-in-submit")
    frame.wait_for_selector(".c-form-error >> text=This code is wrong or has expired.")
    frame.fill("#c-sign-in-code", code)
    frame.click(".c-sign-in-submit")
    frame.wait_for_selector(".c-signed-in-as >> text=Signed in as reader")
    assert frame.is_visible("#c-form")

    frame = open_article(page, live_server, publisher)  # a reload
    frame.wait_for_selector(".c-signed-in-as >> text=Signed in as reader")
    frame.fill("#c-text", "Posted after a reload, signed in by code.")
    frame.click(".c-submit")
    frame.wait_for_selector("text=Posted after a reload, signed in by code.")
    assert sql(app, "SELECT verified, email FROM comments") == [(True, "reader@example.org")]

    frame.click("#c-sign-out")
    frame.wait_for_selector("#c-form", state="hidden")
    frame = open_article(page, live_server, publisher)
    assert frame.is_hidden(".c-signed-in") and frame.is_hidden("#c-form")
    # The one refusal was the wrong code, answered 403 on purpose.
    assert [p for p in page.problems if "status of 403" not in p] == []


def test_the_loader_keeps_one_browser_key_that_votes_carry(app, live_server, page, publisher, post):
    allow_host(app, publisher.url)
    target = post(text="Vote on me", author="Ann", environ={"REMOTE_ADDR": "10.9.0.1"}).json["id"]
    keys = []
    page.on("request", lambda r: "/votes" in r.url and keys.append(r.headers.get("x-browser-key")))
    frame = open_article(page, live_server, publisher)
    frame.click(f"#comment-{target} .c-vote[data-value='1']")
    frame.wait_for_selector(f"#comment-{target} .c-vote[aria-pressed='true']")
    frame = open_article(page, live_server, publisher)
    frame.click(f"#comment-{target} .c-vote[data-value='-1']")
    frame.wait_for_selector(f"#comment-{target} .c-vote[data-value='-1'][aria-pressed='true']")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert re.fullmatch(r"[0-9a-f]{36}", keys[0])
    # The same browser's second vote replaced its first: one reader, one vote.
    assert sql(app, f"SELECT likes, dislikes FROM comments WHERE id = {target}") == [(0, 1)]
    reads = []
    page.on("request", lambda r: r.method == "GET" and "/api/v1/comments" in r.url
            and reads.append(r.headers))
    with page.expect_response(lambda r: "/api/v1/comments?" in r.url):
        frame.select_option("#c-sort", "newest")
    assert reads and all("x-browser-key" not in h and "x-reader-token" not in h for h in reads)


def test_the_editors_picks_view_shows_its_count_and_the_picks(app, live_server, page, publisher,
                                                             post, admin_token):
    from tests.support.moderation import bearer

    allow_host(app, publisher.url)
    picked = post(text="The best comment here", author="Bea").json["id"]
    post(text="Another comment", author="Cy", environ={"REMOTE_ADDR": "10.9.0.2"})
    client = app.test_client()
    client.post(f"/api/v1/moderation/comments/{picked}/feature", headers=bearer(admin_token))
    frame = open_article(page, live_server, publisher)
    assert frame.inner_text("#c-sort option[value='featured']") == "Editors' picks (1)"
    assert frame.is_visible(f"#comment-{picked} .c-pick")
    with page.expect_response(lambda r: "sort=featured" in r.url):
        frame.select_option("#c-sort", "featured")
    frame.wait_for_selector("text=Another comment", state="detached")
    listed = frame.eval_on_selector_all("#c-list > .c-item", "items => items.map(i => i.id)")
    assert listed == [f"comment-{picked}"]
    assert frame.is_visible(f"#comment-{picked} .c-pick")
    assert page.problems == []
