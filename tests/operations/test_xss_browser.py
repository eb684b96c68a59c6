"""Hostile input in every field never runs in Chromium: embed, moderator UI and mail HTML.

The vectors (tests/xss_corpus.txt plus overlong and deeply nested ones made here) go in as
comment text, author, website, article path and title, share note and sender name. Each page is
then loaded in Chromium: no dialog, no console error (a CSP refusal is one), `window.pwned`
unset, and no element with an event handler, a script of ours missing its source, or a
`javascript:` URL.
"""

from __future__ import annotations

import secrets
import shutil
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.app import sql
from tests.support.mailing import run_once

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parent / "xss_corpus.txt"
PROBE = """() => {
  const bad = [];
  const urls = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc',
                'background', 'poster', 'content'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} ${name}`);
      if (urls.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value))
        bad.push(`${el.tagName} ${name}=${attr.value}`);
    }
    const tag = el.tagName.toLowerCase();
    if (tag === 'script' && !(el.src && el.src.startsWith(location.origin + '/'))
        && el.type !== 'application/json') bad.push('script ' + el.outerHTML.slice(0, 80));
    if (['iframe', 'object', 'embed', 'frameset', 'frame'].includes(tag)) bad.push(tag);
    if (tag === 'base' && el.hasAttribute('href')) bad.push('base href');
    if (tag === 'meta' && (el.httpEquiv || '').toLowerCase() === 'refresh') bad.push('refresh');
  }
  return {bad, pwned: window.pwned === 1 || window.pwned === true};
}"""


def vectors() -> list[str]:
    """The corpus, then overlong and deeply nested input."""
    lines = [line.replace("\\n", "\n") for line in CORPUS.read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    lines += [
        "> " * 400 + "<script>alert(1)</script>",
        "* " * 300 + "[x](javascript:alert(1))",
        "[" * 2000 + "x](javascript:alert(1))" + "]" * 10,
        "<div>" * 2000 + "<img src=x onerror=alert(1)>" + "</div>" * 2000,
        "*_" * 3000 + "<svg onload=alert(1)>",
        "`" * 1000 + "<script>alert(1)</script>" + "`" * 1000,
        "x" * 20_000 + "<img src=x onerror=alert(1)>",
        "\u0000<script>alert(1)</script>\u202e" + "\u0301" * 500,
    ]
    return lines


VECTORS = vectors()


@pytest.fixture
def database_url(tmp_path, sqlite_template):
    """Escaping does not depend on the database: one backend keeps the browser run short."""
    path = tmp_path / "comments.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def config(config, tmp_path):
    return {**config, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024,
            "MAIL_FOLDER": str(tmp_path / "mail"), "PUBLIC_URL": "http://127.0.0.1:9"}


def assert_clean(page, where: str) -> None:
    found = page.evaluate(PROBE)
    assert not found["pwned"], where
    assert found["bad"] == [], (where, found["bad"][:5])
    assert page.problems == [], (where, page.problems[:5])


def post_everything(app, client) -> dict[str, list]:
    """Every vector as text and author (thread A, B), as website, path and title; what took."""
    from comments.services.sites import update_site
    from tests.support.moderation import make_moderator

    make_moderator(app, "admin@example.com", role="admin", all_sites=True)
    # A subscribed reader: replies approved later mail them the replier's name and text.
    parent = client.post("/api/v1/comments", json={
        "uri": "/a/", "title": VECTORS[0], "text": "Tell me about replies.", "author": "Sub",
        "email": "subscriber@example.org", "notify_replies": True}).json["id"]
    sql(app, "UPDATE subscriptions SET confirmed_at = CURRENT_TIMESTAMP")
    with app.app_context():
        update_site("default", settings={
            "moderation": "hold_all", "share_by_email": True, "min_submit_seconds": 0,
            "share_limit_per_client": 10_000, "share_limit_per_sender": 10_000,
            "share_limit_per_recipient": 10_000, "share_limit_per_site": 10_000,
            "hold_links": None, "duplicate_min_length": 0, "text_max_length": 100_000})
    taken: dict[str, list] = {"text": [], "website": [], "uri": []}
    for n, vector in enumerate(VECTORS):
        uri = "/a/" if n < len(VECTORS) // 2 else "/b/"
        response = client.post("/api/v1/comments", json={
            "uri": uri, "title": VECTORS[0] if uri == "/a/" else VECTORS[-9], "text": vector,
            "author": vector[:100], "parent_id": parent if n % 3 == 0 and uri == "/a/" else None},
            environ_base={"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250}"})
        if response.status_code in (201, 202):
            taken["text"].append(response.json["id"])
        website = client.post("/api/v1/comments", json={
            "uri": "/w/", "text": f"site {n}", "website": "https://ok.example/" + vector[:200]})
        if website.status_code in (201, 202):
            taken["website"].append(website.json["id"])
        path = client.post("/api/v1/comments", json={
            "uri": "/p/" + vector[:300], "title": vector[:500], "text": f"path {n}"})
        if path.status_code in (201, 202):
            taken["uri"].append("/p/" + vector[:300])
    assert len(taken["text"]) >= 100, len(taken["text"])  # the text field takes nearly all
    return taken


def share_everything(app, client) -> int:
    """Every vector as the note and the sender's name of a share by mail; how many took."""
    from comments.services import tokens

    def form() -> str:  # a token is spent by its first submission: one per request
        with app.test_request_context():
            return tokens.sign("form", {"t": time.time() - 60, "j": secrets.token_hex(12)})

    accepted = 0
    for n, vector in enumerate(VECTORS):
        response = client.post("/api/v1/shares", json={
            "uri": "/a/", "to": f"friend{n}@example.org", "from_name": vector[:80],
            "note": vector[:200], "form_token": form(), "hp": ""})
        accepted += response.status_code == 202
        if response.status_code != 202:  # the note refused: try the name alone, and vice versa
            for fields in ({"from_name": vector[:80], "note": ""},
                           {"from_name": "Ann", "note": vector[:200]}):
                again = client.post("/api/v1/shares", json={
                    "uri": "/a/", "to": f"friend{n}x@example.org", "form_token": form(), "hp": "",
                    **fields})
                accepted += again.status_code == 202
    return accepted


def sign_in(page, live_server) -> None:
    from tests.support.moderation import PASSWORD

    page.goto(f"{live_server.url}/moderate/signin")
    page.fill('input[name="email"]', "admin@example.com")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button:has-text("Sign in")')
    page.wait_for_url(f"{live_server.url}/moderate/")


def test_hostile_input_runs_nowhere(app, client, live_server, page):
    # Chromium asks the comments host for a favicon whenever a page of it is the top page.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    taken = post_everything(app, client)
    shared = share_everything(app, client)
    assert shared >= 30, shared

    # The moderator UI: every page of the queue, comment pages, a thread page, the audit log.
    sign_in(page, live_server)
    url: str | None = f"{live_server.url}/moderate/?status=pending"
    pages = 0
    while url:
        page.goto(url)
        assert_clean(page, url)
        pages += 1
        more = page.locator('a.more')
        url = more.first.get_attribute("href") if more.count() else None
        url = f"{live_server.url}{url}" if url and url.startswith("/") else url
    assert pages >= 2
    for comment_id in taken["text"][::25] + taken["website"][:2]:
        page.goto(f"{live_server.url}/moderate/comments/{comment_id}")
        assert_clean(page, f"comment {comment_id}")
    page.goto(f"{live_server.url}/moderate/thread?site=default&uri=/a/")
    assert_clean(page, "thread page")

    # Publish everything through the API (the audit log then lists each), with hostile notes.
    from tests.support.moderation import bearer, make_token

    token = make_token(app, sql(app, "SELECT id FROM moderators")[0][0])
    ids = [row[0] for row in sql(app, "SELECT id FROM comments WHERE status = 'pending'")]
    for start in range(0, len(ids), 100):
        done = client.post("/api/v1/moderation/bulk", json={
            "ids": ids[start:start + 100], "action": "approve"}, headers=bearer(token))
        assert done.status_code == 200, done.json
    for comment_id, vector in zip(taken["text"][:20], VECTORS, strict=False):
        client.patch(f"/api/v1/moderation/comments/{comment_id}",
                     json={"text": vector, "note": vector[:200]}, headers=bearer(token))
    page.goto(f"{live_server.url}/moderate/audit")
    assert_clean(page, "audit log")
    page.goto(f"{live_server.url}/moderate/dashboard")
    assert_clean(page, "dashboard")

    # The embed's iframe page: both threads, the website thread, hostile paths and titles.
    embeds = [f"/embed/thread?site=default&uri={uri}&limit=100" for uri in ("/a/", "/b/", "/w/")]
    embeds += [f"/embed/thread?uri={quote(uri, safe='/')}" for uri in taken["uri"][::6]]
    embeds += [f"/embed/thread?uri=/a/&title={quote(vector[:500])}" for vector in VECTORS[::8]]
    for path in embeds:
        page.goto(f"{live_server.url}{path}")
        assert_clean(page, path)
    page.goto(f"{live_server.url}/embed/thread?site=default&uri=/a/&limit=100")
    assert page.locator("article.c-comment").count() >= 50  # the vectors really are on the page

    # The HTML part of every mail queued on the way: moderator mail, shares, notifications.
    result = run_once(app)
    mails = sorted(Path(app.config["MAIL_FOLDER"]).rglob("*.eml"))
    assert len(mails) >= shared and result.sent >= shared
    kinds = set()
    page.goto("about:blank")  # no CSP at all here: only escaping stands between a mail and script
    for mail in mails:
        message = message_from_bytes(mail.read_bytes(), policy=policy.default)
        kinds.add(str(message["Subject"]).split(":")[0])
        html = message.get_body(preferencelist=("html",))
        assert html is not None, mail.name
        page.set_content(html.get_content(), wait_until="domcontentloaded")
        assert_clean(page, mail.name)
    assert len(kinds) >= 3, kinds  # held-for-review, shared articles and reply notifications


def test_the_probe_sees_script_that_runs_or_could(page):
    """The checks above are not vacuous: each kind of injection is caught."""
    for html in ('<img src=x onerror="window.pwned=1">', '<a href=" javascript:x">x</a>',
                 "<script>window.pwned=1</script>", '<iframe srcdoc="x"></iframe>'):
        page.problems.clear()
        page.set_content(html)
        with pytest.raises(AssertionError):
            assert_clean(page, html)
