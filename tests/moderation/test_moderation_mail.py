"""Moderator mail: one outbox row per moderator of the site, and single-use confirmation links."""

from __future__ import annotations

import re

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tests.support.app import sql
from tests.support.moderation import csrf_token, make_moderator, make_site, set_policy

URI = "/2019/02/08/summit/"


def outbox(app) -> list[tuple]:
    return sql(app, "SELECT recipient, template, kind, context FROM outbox ORDER BY recipient")


def links_of(context) -> dict[str, str]:
    import json

    data = context if isinstance(context, dict) else json.loads(context)
    return data["links"]


def test_a_held_comment_mails_each_moderator_of_its_site(app, post):
    make_site(app, "other")
    make_moderator(app, "all@example.com", role="admin", all_sites=True)
    make_moderator(app, "mine@example.com", sites=["default"])
    make_moderator(app, "elsewhere@example.com", sites=["other"])
    make_moderator(app, "gone@example.com", sites=["default"])
    sql(app, "UPDATE moderators SET disabled = :yes WHERE email = 'gone@example.com'", yes=True)
    post(text="published")
    assert outbox(app) == []
    set_policy(app, moderation="hold_all")
    post(text="held <b>bold</b>", author="<script>x</script>")
    rows = outbox(app)
    assert [row[0] for row in rows] == ["all@example.com", "mine@example.com"]
    assert {row[1] for row in rows} == {"moderation_held"}
    assert {row[2] for row in rows} == {"moderation"}
    assert set(links_of(rows[0][3])) == {"approve", "reject", "spam", "queue"}


def test_receivers_are_wired_once_however_many_apps_are_built(app, config, database_url, post):
    from comments import create_app, receivers

    make_moderator(app, "all@example.com", role="admin", all_sites=True)
    set_policy(app, moderation="hold_all")
    receivers.init_app(app)  # again, for the same app
    create_app({**config, "DATABASE_URL": database_url})  # and another app in this process
    post(text="held once")
    assert [row[0] for row in outbox(app)] == ["all@example.com"]


def test_moderator_and_reader_links_start_from_one_base(app, client):
    from comments.services import public_links
    from tests.support.app import post_comment

    make_moderator(app, "all@example.com", role="admin", all_sites=True)
    set_policy(app, moderation="hold_all")
    host = "https://comments.example.org"
    # With PUBLIC_URL set, every link starts from it, whatever host the request reached.
    app.config["PUBLIC_URL"] = "https://talk.news.example/"
    post_comment(client, text="held again")
    assert client.post("/api/v1/shares/links", base_url=host,
                       json={"uri": URI}).json["url"].startswith("https://talk.news.example/s/")
    latest = sql(app, "SELECT context FROM outbox ORDER BY id DESC LIMIT 1")[0][0]
    assert {link.split("/moderate/")[0] for link in links_of(latest).values()} == {
        "https://talk.news.example"}
    with app.app_context():
        assert public_links.mail_domain() == "talk.news.example"
        app.config["PUBLIC_URL"] = "http://127.0.0.1:5123"
        assert public_links.mail_domain() == "localhost"  # an IP is not a mail domain


def test_spam_and_rejected_comments_mail_nobody(app, post):
    make_moderator(app, "all@example.com", role="admin", all_sites=True)
    post(text="bot", hp="filled")
    assert outbox(app) == []


def test_flags_sending_a_comment_back_mail_the_moderators(app, client, post):
    make_moderator(app, "all@example.com", role="admin", all_sites=True)
    set_policy(app, flag_threshold=1)
    comment_id = post(text="hmm").json["id"]
    client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "abuse"},
                environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert len(outbox(app)) == 1


def test_a_link_confirms_on_get_acts_on_post_and_only_once(app, client, post):
    make_moderator(app, "mine@example.com", sites=["default"])
    set_policy(app, moderation="hold_all")
    post(text="please approve")
    approve = links_of(outbox(app)[0][3])["approve"]
    path = re.sub(r"^https?://[^/]+", "", approve)
    page = client.get(path)
    assert page.status_code == 200
    assert "please approve" in page.get_data(as_text=True)
    assert sql(app, "SELECT status FROM comments")[0][0] == "pending"  # GET changed nothing
    token = csrf_token(client, path)
    first = client.post(path, data={"csrf_token": token})
    assert first.status_code == 200
    assert sql(app, "SELECT status FROM comments")[0][0] == "approved"
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 1
    second = client.post(path, data={"csrf_token": token})
    assert second.status_code == 403
    assert "used already" in second.get_data(as_text=True)
    actor = sql(app, "SELECT actor, note FROM moderation_events WHERE action = 'approved'")
    assert actor == [("moderator:mine@example.com", "from a mail link")]


def test_a_link_for_a_comment_already_decided_does_nothing(app, client, post):
    make_moderator(app, "mine@example.com", sites=["default"])
    set_policy(app, moderation="hold_all")
    post(text="decide me")
    links = links_of(outbox(app)[0][3])
    reject = re.sub(r"^https?://[^/]+", "", links["reject"])
    approve = re.sub(r"^https?://[^/]+", "", links["approve"])
    token = csrf_token(client, approve)
    client.post(approve, data={"csrf_token": token})
    response = client.post(reject, data={"csrf_token": token})
    assert response.status_code == 409
    assert sql(app, "SELECT status FROM comments")[0][0] == "approved"


def test_tampered_or_foreign_links_are_refused(app, client, post):
    make_moderator(app, "mine@example.com", sites=["default"])
    set_policy(app, moderation="hold_all")
    post(text="x")
    path = re.sub(r"^https?://[^/]+", "", links_of(outbox(app)[0][3])["spam"])
    assert client.get(path[:-3] + "abc").status_code == 403
    assert client.get("/moderate/mail/" + "A" * 3000).status_code in (403, 404)
    sql(app, "UPDATE moderators SET disabled = :yes", yes=True)
    assert client.get(path).status_code == 403


def test_the_mail_templates_escape_what_readers_typed(app):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "comments" / "templates" / "mail"
    env = Environment(loader=FileSystemLoader(str(folder)),
                      autoescape=select_autoescape(["html"]))
    context = {
        "moderator_name": "Mo", "expires_hours": 72,
        "comment": {"id": 1, "author": "<script>alert(1)</script>", "email": "a@example.com",
                    "text": "<img src=x onerror=alert(1)>", "truncated": False,
                    "reasons": ["held word: <b>"]},
        "article": {"uri": "/a/", "title": "Title & co", "url": "https://news.example/a/"},
        "links": {"approve": "https://c.example/moderate/mail/A", "reject": "R", "spam": "S",
                  "queue": "Q"},
    }
    html = env.get_template("moderation_held.html").render(**context)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    text = env.get_template("moderation_held.txt").render(**context)
    assert "https://c.example/moderate/mail/A" in text
    subject = env.get_template("moderation_held.subject.txt").render(
        **context, site={"name": "The Example Times", "key": "default"})
    assert subject.strip() == "Comment #1 held for review on The Example Times"
    # Nothing a reader typed reaches a header: not the author's name, not the article's title.
    assert "script" not in subject and "Title" not in subject
