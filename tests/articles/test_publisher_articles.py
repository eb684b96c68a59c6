"""`publisher` sites: articles and titles come from the publisher's API or CLI; `open` sites'
readers' titles wait for a moderator, and one network starts only so many threads a day."""

from __future__ import annotations

import pytest

from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_site, make_token, set_policy

API = "/api/v1/moderation/articles"
FORGED = "URGENT: verify your account at https://evil.example/login"


def write(client, uri: str, site: str = "default", address: str = "127.0.0.1", **fields):
    body = {"site": site, "uri": uri, "text": "A thoughtful comment.", "author": "Ann",
            "title": FORGED, **fields}
    return client.post("/api/v1/comments", json=body, environ_base={"REMOTE_ADDR": address})


def test_a_publisher_site_has_only_the_articles_it_announced(app, client, admin_token):
    set_policy(app, article_facts="publisher")
    refused = write(client, "/not-announced/")
    assert refused.status_code == 404 and refused.json["error"] == "unknown_article"
    shared = client.post("/api/v1/shares/links", json={"uri": "/not-announced/"})
    assert shared.status_code == 404
    assert sql(app, "SELECT count(*) FROM threads") == [(0,)]

    put = client.put(API, json={"uri": "/story/", "title": "Budget <b>passes</b>"},
                     headers=bearer(admin_token))
    assert put.status_code == 200, put.json
    assert put.json == {"site": "default", "uri": "/story/", "url": "https://news.example/story/",
                        "title": "Budget passes", "title_source": "publisher", "title_hint": "",
                        "checked_at": None, "page_status": None}
    assert write(client, "/story/").status_code == 201
    assert client.get("/api/v1/comments?uri=/story/").json["thread"]["title"] == "Budget passes"
    assert sql(app, "SELECT title_hint FROM threads") == [("",)]
    listed = client.get(API + "?site=default", headers=bearer(admin_token)).json
    assert [a["uri"] for a in listed["articles"]] == ["/story/"] and listed["next"] is None


def test_only_the_sites_moderators_may_name_its_articles(app, client):
    make_site(app, "other")
    outsider = make_token(app, make_moderator(app, "out@example.com", sites=["other"]))
    answer = client.put(API, json={"uri": "/story/", "title": "Mine now"}, headers=bearer(outsider))
    assert answer.status_code == 403
    assert client.put(API, json={"uri": "/story/", "title": "x"}).status_code == 401
    assert sql(app, "SELECT count(*) FROM threads") == [(0,)]


def test_a_readers_title_is_shown_only_once_a_moderator_confirms_it(app, client, admin_token):
    assert write(client, "/a/", title="Summit <i>talks</i>").status_code == 201
    assert client.get("/api/v1/comments?uri=/a/").json["thread"]["title"] == ""
    waiting = client.get(API + "?waiting=true", headers=bearer(admin_token)).json["articles"]
    assert [(a["uri"], a["title"], a["title_hint"]) for a in waiting] == [("/a/", "", "Summit talks")]
    confirmed = client.post(API + "/confirm", json={"uri": "/a/"}, headers=bearer(admin_token))
    assert confirmed.status_code == 200
    assert (confirmed.json["title"], confirmed.json["title_source"]) == ("Summit talks", "moderator")
    assert client.get("/api/v1/comments?uri=/a/").json["thread"]["title"] == "Summit talks"
    again = client.post(API + "/confirm", json={"uri": "/a/"}, headers=bearer(admin_token))
    assert again.status_code == 409
    assert sql(app, "SELECT action FROM moderation_events WHERE action LIKE 'article%'") == [
        ("article_title_confirmed",)]


def test_one_network_starts_only_so_many_threads_a_day_on_an_open_site(app, client):
    set_policy(app, new_threads_per_network=3)
    for n in range(3):
        assert write(client, f"/p/{n}/", address=f"203.0.113.{n + 1}").status_code == 201
    refused = write(client, "/p/3/", address="203.0.113.9")
    assert refused.status_code == 429 and refused.json["error"] == "too_many_threads"
    assert int(refused.headers["Retry-After"]) > 0
    # Replies on existing threads, and other networks, are not held back.
    assert write(client, "/p/0/", address="203.0.113.9").status_code == 201
    assert write(client, "/p/3/", address="198.51.100.7").status_code == 201
    assert sql(app, "SELECT count(*) FROM threads") == [(4,)]


def test_the_cli_adds_retitles_and_confirms(app, runner):
    set_policy(app, article_facts="publisher")
    added = runner.invoke(["articles", "add", "default", "/cli/", "--title", "From the CLI"])
    assert added.exit_code == 0, added.output
    assert "From the CLI" in added.output
    assert runner.invoke(["articles", "set-title", "default", "/cli/", "Better"]).exit_code == 0
    missing = runner.invoke(["articles", "set-title", "default", "/nope/", "x"])
    assert missing.exit_code != 0 and "add it first" in missing.output
    assert sql(app, "SELECT uri, title, title_source FROM threads") == [("/cli/", "Better", "publisher")]
    sql(app, "UPDATE threads SET title_hint = 'Hinted'")
    confirmed = runner.invoke(["articles", "confirm", "default", "--all"])
    assert confirmed.exit_code == 0 and "Confirmed 1" in confirmed.output
    assert sql(app, "SELECT title, title_source FROM threads") == [("Hinted", "moderator")]
    listed = runner.invoke(["articles", "list", "default"])
    assert "/cli/" in listed.output


def test_the_cli_reads_a_page_on_demand(app, runner, article_site):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", base_url=article_site.base_url, settings={"article_facts": "fetch"})
    article_site.page("/fresh/", "Fresh from the page")
    done = runner.invoke(["articles", "refresh", "default", "/fresh/"])
    assert done.exit_code == 0, done.output
    assert sql(app, "SELECT title, title_source, facts_status FROM threads") == [
        ("Fresh from the page", "page", 200)]
    gone = runner.invoke(["articles", "refresh", "default", "/gone/"])
    assert gone.exit_code != 0 and "404" in gone.output


def test_a_sites_article_facts_are_chosen_from_three(app, runner):
    added = runner.invoke(["sites", "add", "intranet", "--base-url", "https://intranet.example",
                           "--article-facts", "publisher"])
    assert added.exit_code == 0, added.output
    wrong = runner.invoke(["sites", "update", "intranet", "--article-facts", "readers"])
    assert wrong.exit_code != 0 and "fetch, publisher, open" in wrong.output
    assert runner.invoke(["sites", "add", "fresh", "--base-url", "https://fresh.example"]).exit_code == 0
    from comments.services.sites import get_site

    with app.app_context():
        assert get_site("intranet").settings.article_facts == "publisher"
        assert get_site("fresh").settings.article_facts == "fetch"


@pytest.mark.parametrize("cursor", ["2147483648", "127640188290321", "99999999999"])
def test_a_cursor_past_any_thread_id_is_a_400_never_a_500(client, admin_token, cursor):
    # Found by the moderation API fuzz test on PostgreSQL: a 15-digit cursor overflowed the
    # integer column there and answered 500.
    answer = client.get(API + f"?site=default&after={cursor}", headers=bearer(admin_token))
    assert answer.status_code == 400 and "after" in str(answer.json)
    assert client.get(API + "?site=default&after=2147483647",
                      headers=bearer(admin_token)).status_code == 200
