"""Bad input gets a clear error with the right status, never a 500 and never lost data."""

from __future__ import annotations

import pytest

from tests.support.app import sql


def test_non_json_writes_are_415(client):
    response = client.post("/api/v1/comments", data="uri=/a/&text=hi",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json["error"] == "unsupported_media_type"


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/comments", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"] == "malformed"


def test_bodies_over_64_kb_are_413(client):
    response = client.post("/api/v1/comments", data='{"text": "' + "x" * 70_000 + '"}',
                           content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize("body, field", [
    ({"uri": "/a/"}, "text"),
    ({"uri": "/a/", "text": "   "}, "text"),
    ({"uri": "https://evil.example/a/", "text": "x"}, "uri"),
    ({"uri": "//evil.example/a/", "text": "x"}, "uri"),
    ({"uri": "/a/\n", "text": "x"}, "uri"),
    ({"uri": "/a/", "text": "x", "author": "a" * 101}, "author"),
    ({"uri": "/a/", "text": "x", "email": "not-an-email"}, "email"),
    ({"uri": "/a/", "text": "x", "website": "javascript:alert(1)"}, "website"),
    ({"uri": "/a/", "text": "x", "website": "ftp://example.org"}, "website"),
    ({"uri": "/a/", "text": "x", "parent_id": "1"}, "parent_id"),
    ({"uri": "/a/", "text": "x", "parent_id": -5}, "parent_id"),
    ({"uri": "/a/", "text": ["x"]}, "text"),
    ({"uri": "/a/", "text": "x", "site": "../etc"}, "site"),
])
def test_invalid_fields_are_422_with_the_field_named(client, body, field):
    response = client.post("/api/v1/comments", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


@pytest.mark.parametrize("query", [
    "uri=/a/&limit=0", "uri=/a/&limit=101", "uri=/a/&limit=x", "uri=/a/&sort=random",
    "uri=/a/&after=%%%", "uri=/a/&after=eyJ4IjoxfQ", "limit=5", "uri=nopath",
])
def test_malformed_parameters_are_400(client, query):
    response = client.get(f"/api/v1/comments?{query}")
    assert response.status_code == 400, response.json
    assert response.json["error"] == "bad_parameters"


@pytest.mark.parametrize("body", [[], "text", 1, None, {"uri": None, "text": None}])
def test_json_that_is_not_an_object_is_refused_cleanly(client, body):
    response = client.post("/api/v1/comments", json=body)
    assert response.status_code in (400, 415, 422)


def test_huge_and_odd_unicode_is_stored_exactly(app, client):
    # Combining marks, bidi overrides, a ZWJ family, astral letters, a BOM: as long as a site allows.
    unit = "Zalgo z̷̧̛a̶l̵g̸o̶ \u202eRTL\u202c emoji 👩‍👩‍👧 𝔘𝔫𝔦 é\u0301\ufeff 名前 "
    text = (unit * (10_000 // len(unit)))
    text += "x" * (10_000 - len(text))
    response = client.post("/api/v1/comments", json={"uri": "/a/", "text": text, "author": "名前"})
    assert response.status_code == 201, response.json
    assert sql(app, "SELECT text, author FROM comments") == [(text, "名前")]
    [served] = client.get("/api/v1/comments?uri=/a/").json["comments"]
    assert served["html"] == f"<p>{text}</p>" and served["author"] == "名前"
    # One character more is refused whole, and so is a NUL, which no database keeps reliably.
    longer = client.post("/api/v1/comments", json={"uri": "/a/", "text": text + "x"})
    assert longer.status_code == 422 and set(longer.json["errors"]) == {"text"}
    nul = client.post("/api/v1/comments", json={"uri": "/a/", "text": "before\x00after"})
    assert nul.status_code == 422
    assert sql(app, "SELECT count(*) FROM comments") == [(1,)]


def test_author_and_website_cannot_break_out_anywhere(client):
    from defusedxml.ElementTree import fromstring

    hostile = '"><script>alert(1)</script>&amp;]]><![CDATA[x'
    website = 'https://example.org/?q="><script>alert(2)</script>'
    response = client.post("/api/v1/comments", json={"uri": "/a/", "text": "x", "author": hostile,
                                                     "website": website, "title": hostile})
    assert response.status_code == 201
    # The website in its normal form: quotes and brackets percent-encoded (yarl), never raw.
    assert (response.json["author"], response.json["website"]) == (
        hostile, "https://example.org/?q=%22%3E%3Cscript%3Ealert(2)%3C/script%3E")
    for path in ("/api/v1/feeds/comments.atom?uri=/a/", "/api/v1/feeds/recent.atom"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
        body = answer.get_data(as_text=True)
        feed = fromstring(answer.data)  # still well-formed XML
        atom = "{http://www.w3.org/2005/Atom}"
        # Parsed back, the name is exactly what was typed: it was escaped, not mangled.
        assert [name.text for name in feed.iter(f"{atom}name")] == [hostile]
        # The article by its path: a reader's title is an unconfirmed hint (issue 13).
        assert [entry.find(f"{atom}title").text for entry in feed.iter(f"{atom}entry")] == [
            f"{hostile} on /a/"]
        assert "<script>" not in body and "<![CDATA[" not in body
        assert '&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;]]&gt;' in body
    page = client.get("/embed/thread?uri=/a/").get_data(as_text=True)
    assert "<script>alert" not in page and '"><script>' not in page


def test_unknown_comment_ids_are_404(client):
    assert client.patch("/api/v1/comments/99999", json={"text": "x"},
                        headers={"X-Edit-Token": "t"}).status_code == 404
    assert client.post("/api/v1/comments/99999/flags", json={"reason": "spam"}).status_code == 404


def test_a_missing_edit_token_is_a_clear_error(client, post):
    comment = post(text="x").json["id"]
    response = client.patch(f"/api/v1/comments/{comment}", json={"text": "y"})
    assert response.status_code == 400
    assert "X-Edit-Token" in response.json["errors"]
