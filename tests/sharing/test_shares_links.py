"""Tracked share links: the reader's own mail program, and the redirect that counts clicks."""

from __future__ import annotations

from urllib.parse import unquote

from tests.support.app import sql


def test_a_share_link_leads_to_the_stored_article_and_counts_the_click(client, app):
    response = client.post("/api/v1/shares/links", json={"uri": "/news/a/", "title": "A story"})
    assert response.status_code == 200
    url = response.json["url"]
    assert "/s/" in url
    mailto = unquote(response.json["mailto"])
    # The reader's title is no subject: the article's URL is, until the publisher's title is known.
    assert mailto.startswith("mailto:?subject=https://news.example/news/a/") and url in mailto
    assert "A story" not in mailto
    followed = client.get(url.split("localhost", 1)[1])
    assert followed.status_code == 302
    assert followed.headers["Location"] == "https://news.example/news/a/"
    assert sql(app, "SELECT clicks FROM shares")[0][0] == 1


def test_a_forged_or_foreign_share_token_is_404(client, app):
    from comments.services import tokens

    assert client.get("/s/not-a-token").status_code == 404
    with app.test_request_context():
        edit_token = tokens.sign("edit", {"s": 1})
    assert client.get(f"/s/{edit_token}").status_code == 404


def test_share_links_need_a_known_site_and_a_path(client):
    assert client.post("/api/v1/shares/links", json={"site": "nope", "uri": "/a/"}).status_code == 404
    assert client.post("/api/v1/shares/links", json={"uri": "https://evil.example/"}).status_code == 422
