"""An article's title and existence are the publisher's (issue 13, finding 2), on real HTTP."""

from __future__ import annotations

import time

import pytest

from tests.support.app import sql
from tests.support.publisher import ArticleSite

FORGED = "URGENT: verify your account at https://evil.example/login"


@pytest.fixture
def paper(app, article_site: ArticleSite) -> ArticleSite:
    """A site created with today's defaults, its pages served by a real local web server."""
    from comments.extensions import db
    from comments.services.sites import create_site

    with app.app_context():
        site = create_site("paper", article_site.base_url, name="The Paper")
        assert site.settings.article_facts == "fetch"  # the default for new sites
        db.session.remove()
    article_site.page("/story/", "The Paper | A real story", og_title="A real story")
    return article_site


def write(client, uri: str, site: str = "paper", **fields):
    body = {"site": site, "uri": uri, "text": "A thoughtful comment.", "author": "Ann",
            "title": FORGED, **fields}
    return client.post("/api/v1/comments", json=body)


def threads(app) -> list[tuple]:
    return sql(app, "SELECT uri, title, title_source, title_hint, facts_status FROM threads "
                    "ORDER BY id")


def test_a_post_takes_the_title_from_the_sites_own_page(app, client, paper):
    response = write(client, "/story/")
    assert response.status_code == 201, response.json
    assert threads(app) == [("/story/", "A real story", "page", "", 200)]
    shown = client.get("/api/v1/comments?site=paper&uri=/story/").json["thread"]
    assert shown["title"] == "A real story"
    link = client.post("/api/v1/shares/links", json={"site": "paper", "uri": "/story/", "title": FORGED})
    assert link.status_code == 200 and "URGENT" not in link.json["mailto"]
    assert "A%20real%20story" in link.json["mailto"]
    assert paper.served("/story/") == 1  # the reading is kept on the thread


def test_invented_paths_get_no_thread_however_many(app, client, paper):
    for n in range(40):
        uri = f"/invented/{n}/"
        answer = write(client, uri)
        assert answer.status_code == 404 and answer.json["error"] == "unknown_article"
        shared = client.post("/api/v1/shares/links", json={"site": "paper", "uri": uri})
        assert shared.status_code == 404 and shared.json["error"] == "unknown_article"
        read = client.get(f"/api/v1/comments?site=paper&uri={uri}")
        assert read.status_code == 200 and read.json["comments"] == []
        assert read.json["thread"]["count"] == 0 and read.json["thread"]["title"] == ""
    assert threads(app) == [] and sql(app, "SELECT count(*) FROM shares") == [(0,)]
    assert paper.served("/invented/0/") == 2  # the two writes asked; reading never fetches


def test_a_redirect_within_the_site_is_followed_and_one_away_refused(app, client, paper, other_host):
    other_host.page("/landing/", FORGED)
    paper.redirect("/moved/", "/story/")
    paper.redirect("/away/", f"{other_host.base_url}/landing/")
    assert write(client, "/moved/").status_code == 201
    assert write(client, "/away/").json["error"] == "unknown_article"
    assert other_host.hits == []
    assert [row[:2] for row in threads(app)] == [("/moved/", "A real story")]


def test_a_title_with_markup_is_stored_as_plain_text(app, client, paper):
    paper.page("/markup/", "Mayor &lt;b&gt;resigns&lt;/b&gt; <script>x</script> today")
    assert write(client, "/markup/").status_code == 201
    assert threads(app)[0][1] == "Mayor resigns today"


def test_a_site_that_does_not_answer_is_a_503_and_no_thread(app, client, paper):
    app.config["ARTICLE_FETCH_TIMEOUT"] = 1.0
    paper.slow_seconds = 4
    started = time.monotonic()
    answer = write(client, "/slow/")
    assert answer.status_code == 503 and answer.json["error"] == "article_unreachable"
    assert answer.headers["Retry-After"]
    assert time.monotonic() - started < 3
    assert threads(app) == []


def test_the_reading_is_refreshed_when_stale(app, client, paper):
    assert write(client, "/story/").status_code == 201
    paper.page("/story/", "Updated headline")
    assert write(client, "/story/").status_code == 201
    assert threads(app)[0][1] == "A real story" and paper.served("/story/") == 1
    sql(app, "UPDATE threads SET facts_checked_at = :old", old="2000-01-01 00:00:00+00:00")
    assert write(client, "/story/").status_code == 201
    assert threads(app)[0][1] == "Updated headline"
    # The publisher takes the article down: no more comments, the thread stays readable.
    paper.pages.pop("/story/")
    sql(app, "UPDATE threads SET facts_checked_at = :old", old="2000-01-01 00:00:00+00:00")
    assert write(client, "/story/").json["error"] == "unknown_article"
    assert client.get("/api/v1/comments?site=paper&uri=/story/").json["thread"]["count"] == 3


def test_an_article_the_publisher_announced_exists_on_their_word(app, client, paper, admin_token):
    from tests.support.moderation import bearer

    put = client.put("/api/v1/moderation/articles", headers=bearer(admin_token),
                     json={"site": "paper", "uri": "/print-only/", "title": "In print only"})
    assert put.status_code == 200
    assert write(client, "/print-only/").status_code == 201  # its page answers 404
    assert threads(app) == [("/print-only/", "In print only", "publisher", "", 404)]
