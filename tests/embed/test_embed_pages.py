"""The iframe page as served: readable with no script, locked down by CSP, never a 500."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests.support.app import sql

URI = "/2019/02/08/summit/"
ORIGIN = "https://www.news.example"


def thread(client, uri=URI, **params):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in {"uri": uri, **params}.items())
    return client.get(f"/embed/thread?{query}")


class Scripts(HTMLParser):
    """Collects the page's script tags and inline event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def test_the_first_page_is_rendered_on_the_server(client, post):
    first = post(text="The *first* word", author="Ann").json["id"]
    post(text="A reply", author="Bob", parent_id=first)
    post(text="Held back", author="Eve", email="eve@example.org")
    page = thread(client, origin=ORIGIN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<em>first</em>" in html and "A reply" in html
    assert f'id="comment-{first}"' in html
    assert ">3 comments<" in html
    assert "eve@example.org" not in html
    assert "Leave a Reply" in html and "Notify me of replies by email" in html
    assert 'href="/privacy/?site=default"' in html
    config = json.loads(re.search(r'<script type="application/json" id="c-config">(.*?)</script>',
                                  html, re.S).group(1))
    assert config["origin"] == ORIGIN and config["count"] == 3 and config["strings"]["post"]


def test_the_page_carries_a_signed_form_token_and_a_honeypot(app, client):
    html = thread(client).get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert 'name="hp"' in html
    from comments.services import tokens

    with app.app_context():
        issued = tokens.unsign("form", token)["t"]
    assert abs(issued - time.time()) < 60
    fresh = client.get("/embed/token")
    assert fresh.headers["Cache-Control"] == "no-store"
    with app.app_context():
        assert tokens.unsign("form", fresh.json["form_token"])["t"] >= issued


def test_the_content_security_policy_allows_only_our_script_and_the_sites_origins(client):
    page = thread(client, origin=ORIGIN)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert policy.endswith("frame-ancestors https://news.example https://www.news.example")
    parser = Scripts()
    parser.feed(page.get_data(as_text=True))
    assert parser.handlers == []
    for script in parser.scripts:  # no inline script: data blocks or our own files only
        assert script.get("type") == "application/json" or script["src"].startswith("/embed/")
    assert "http" not in re.sub(r'(href|datetime|src)="[^"]*"|"url": "[^"]*"|[a-z]+://[^ "<]*', "",
                                re.search(r"<head>(.*?)</head>", page.get_data(as_text=True), re.S).group(1))


@pytest.mark.parametrize("params, status", [
    ({"origin": "https://evil.example"}, 403),
    ({"site": "nope"}, 404),
    ({"site": "NOT A KEY"}, 400),
    ({"uri": "https://evil.example/x"}, 400),
    ({"uri": "/a/\x00b"}, 400),
    ({"theme": "hotpink"}, 400),
    ({"limit": "0"}, 400),
    ({"limit": "lots"}, 400),
    ({"lang": "x" * 200}, 400),
    ({"title": "t" * 600}, 400),
    ({"lang": "zz-ZZ"}, 200),
    ({"title": "</script><script>alert(1)</script>"}, 200),
])
def test_hostile_parameters_get_an_html_answer_never_a_500(client, params, status):
    page = thread(client, **params)
    assert page.status_code == status
    assert page.mimetype == "text/html"
    assert "frame-ancestors" in page.headers["Content-Security-Policy"]
    assert "<script>alert(1)" not in page.get_data(as_text=True)


def test_missing_uri_is_a_400(client):
    assert client.get("/embed/thread").status_code == 400


@pytest.mark.parametrize("lang, accept, heading", [
    ("fr", None, "Laisser un commentaire"),
    ("de-AT", None, "Kommentar schreiben"),
    ("", "ko-KR,ko;q=0.9", "댓글 남기기"),
    ("", "ja", "コメントを書く"),
    ("es_MX", None, "Deja un comentario"),
    ("zz", "xx", "Leave a Reply"),
])
def test_the_language_comes_from_the_embed_or_the_browser(client, lang, accept, heading):
    headers = {"Accept-Language": accept} if accept else {}
    page = client.get(f"/embed/thread?uri={URI}&lang={lang}", headers=headers)
    assert heading in page.get_data(as_text=True)


def test_counts_are_plural_in_each_language(client, post):
    post(text="one")
    assert ">1 commentaire<" in thread(client, lang="fr").get_data(as_text=True)
    assert ">1 Kommentar<" in thread(client, lang="de").get_data(as_text=True)
    post(text="two")
    assert ">2 Kommentare<" in thread(client, lang="de").get_data(as_text=True)
    assert ">コメント2件<" in thread(client, lang="ja").get_data(as_text=True)


def test_every_language_has_every_string():
    from comments.web.embed.languages import LANGUAGES, strings

    english = strings("en")
    for language in LANGUAGES:
        table = strings(language)
        assert set(table) == set(english), language
        for key, value in table.items():
            if isinstance(value, dict):
                assert "other" in value, (language, key)
            placeholders = set(re.findall(r"\{\w+\}", json.dumps(english[key])))
            assert set(re.findall(r"\{\w+\}", json.dumps(value))) == placeholders, (language, key)


def test_replies_deeper_than_the_site_allows_are_shown_flat_with_whom_they_answer(app, client, post):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"max_depth": 2})
    parent = post(text="top", author="Ann").json["id"]
    names = ["Bob", "Cleo", "Dan"]
    for name in names:
        parent = post(text=f"by {name}", author=name, parent_id=parent).json["id"]
    html = thread(client).get_data(as_text=True)
    levels = {author: int(level)
              for level, author in re.findall(r'data-level="(\d+)" data-author="([^"]*)"', html)}
    assert levels == {"Ann": 0, "Bob": 1, "Cleo": 2, "Dan": 2}
    assert "in reply to Cleo" in html and "in reply to Bob" not in html


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(app, client, post):
    first = post(text="soon gone", author="Ann").json["id"]
    post(text="still here", author="Bob", parent_id=first)
    sql(app, "UPDATE comments SET status = 'deleted' WHERE id = :id", id=first)
    html = thread(client).get_data(as_text=True)
    assert "soon gone" not in html and "still here" in html
    assert "This comment was deleted." in html


def test_a_closed_thread_shows_the_notice_and_no_form(app, client, post):
    post(text="before closing")
    sql(app, "UPDATE threads SET closed = :yes", yes=True)
    html = thread(client).get_data(as_text=True)
    assert "Comments are closed on this article." in html
    assert 'id="c-form"' not in html


def test_the_site_sending_form_is_rendered_only_when_the_site_turns_it_on(app, client):
    assert 'id="c-share-form"' not in thread(client).get_data(as_text=True)
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"share_by_email": True})
    html = thread(client).get_data(as_text=True)
    form = html[html.index('id="c-share-form"'):html.index("</form>", html.index('id="c-share-form"'))]
    for name in ("to", "from_name", "note", "hp", "form_token"):
        assert f'name="{name}"' in form
    assert 'name="from_email"' not in form  # unverified, it could go nowhere (see docs/api.md)


def test_the_page_costs_the_same_queries_for_a_short_and_a_long_thread(client, post, count_queries):
    thread(client, uri="/warm-up/")
    post(text="one")
    with count_queries() as short:  # the first view since the change: the list is drawn
        thread(client)
    for n in range(25):
        parent = post(text=f"top {n}").json["id"]
        post(text="reply", parent_id=parent)
    with count_queries() as long:
        thread(client)
    assert long.count == short.count <= 5


def test_the_loader_and_assets_are_served_with_cache_headers(client):
    loader = client.get("/embed.js")
    assert loader.status_code == 200 and loader.mimetype == "text/javascript"
    assert "max-age=600" in loader.headers["Cache-Control"]
    html = thread(client).get_data(as_text=True)
    script = re.search(r'src="(/embed/thread\.js\?v=[0-9a-f]+)"', html).group(1)
    style = re.search(r'href="(/embed/thread\.css\?v=[0-9a-f]+)"', html).group(1)
    for url in (script, style):
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/embed/thread.js?v=old").headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/embed/en.json").status_code == 404
    assert client.get("/embed/..%2Fpyproject.toml").status_code == 404
    etag = loader.headers["ETag"]
    assert client.get("/embed.js", headers={"If-None-Match": etag}).status_code == 304


def test_avatars_are_drawn_from_the_opaque_seed_the_same_way_as_the_script():
    from comments.web.embed.thread_view import avatar

    drawn = avatar("a3f0c2d9e81b7c44")
    assert drawn["hue"] == int("e81", 16) % 360
    assert all(0 <= x <= 4 and 0 <= y <= 4 for x, y in drawn["cells"])
    assert (0, 0) not in drawn["cells"] or (4, 0) in drawn["cells"]  # mirrored
    assert avatar("")["blank"] and avatar("not-hex")["blank"]


def test_avatars_are_css_classes_naming_the_hue_and_each_rows_left_cells():
    from comments.web.embed.thread_view import avatar, avatar_classes

    seed = "a3f0c2d9e81b7c44"
    assert avatar_classes(seed) == "c-avatar h11 b6 c7 d1 e2"  # 0xe81 % 360 = 113; row a empty
    drawn = avatar(seed)
    rows = {name[0]: int(name[1:]) for name in avatar_classes(seed).split()[2:]}
    for col, row in drawn["cells"]:
        assert rows["abcde"[row]] >> min(col, 4 - col) & 1  # every cell drawn, mirrored
    assert avatar_classes("") == avatar_classes("not-hex") == "c-avatar c-avatar-blank"


def test_a_comment_carries_only_the_parts_it_shows(client, post):
    post(text="plain", author="Ann")
    html = thread(client).get_data(as_text=True)
    start = html.index('<li class="c-item" id=')
    item = html[start:html.index("</li>", start)]
    for absent in ("c-edit", "c-delete", "c-reply-to", "c-edited", "c-pick", "c-badges", "c-notice",
                   "c-inline", "hidden", "<svg", 'type="button"'):
        assert absent not in item, absent
    skeleton = html[html.index('<template id="c-template">'):]
    skeleton = skeleton[:skeleton.index("</template>")]
    for part in ("c-edit", "c-delete", "c-reply-to", "c-edited", "c-pick", "c-badges", "c-notice",
                 "c-inline"):
        assert f'class="{part}"' in skeleton, part


def test_the_page_of_a_hundred_short_comments_stays_under_100_kb(client, post):
    for n in range(100):  # as bench/embed_budget.py seeds it
        post(text=f"Short comment {n}.", author=f"Reader {n % 9}",
             environ={"REMOTE_ADDR": f"10.2.{n}.1"})
    page = thread(client, limit=100)
    assert page.get_data(as_text=True).count('<li class="c-item" id=') == 100
    assert len(page.data) <= 100 * 1024


def test_the_script_finds_every_string_it_writes_in_the_page():
    from comments.web.embed.assets import asset_source
    from comments.web.embed.languages import SCRIPT_STRINGS

    source = asset_source("thread.js")
    used = set(re.findall(r'\bt\("(\w+)"', source)) | set(re.findall(r'"(err_\w+)"', source))
    assert used <= set(SCRIPT_STRINGS)


def test_a_stored_website_that_is_not_a_web_link_is_not_linked(app, client, post):
    post(text="old row", author="Mallory")
    sql(app, "UPDATE comments SET website = 'javascript:alert(1)'")
    html = thread(client).get_data(as_text=True)
    assert "javascript:" not in html and ">Mallory<" in html
