"""Readers' data rights over HTTP and the CLI: ask, confirm by mail, get a copy or be erased."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import inspect, text

from tests.support.app import sql

URI = "/2019/02/08/summit/"
EMAIL = "Reader.One@Example.org"


def form_token(client, site="default"):
    page = client.get(f"/privacy/?site={site}")
    assert page.status_code == 200
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def ask(client, kind, email=EMAIL, **extra):
    data = {"site": "default", "email": email, "kind": kind, "form_token": form_token(client)}
    data.update(extra)
    return client.post("/privacy/", data=data)


def confirm_path(app):
    rows = sql(app, "SELECT recipient, context, template FROM outbox WHERE kind = 'privacy'")
    assert len(rows) == 1, rows
    recipient, context, template = rows[0]
    context = json.loads(context) if isinstance(context, str) else context
    assert recipient.lower() == EMAIL.lower() and template == "privacy_confirm"
    return context["confirm_url"].split("://", 1)[-1].split("/", 1)[1]


@pytest.fixture
def history(app, post):
    """The reader's two comments (one replied to by someone else) and a subscription."""
    mine = post(text="My first words", author="Reader One", email=EMAIL,
                website="https://reader.example").json
    post(text="A reply to the reader", author="Other", email="other@example.org",
         parent_id=mine["id"])
    post(uri="/other/", text="My second words", author="Reader One", email=EMAIL.lower())
    thread_id = sql(app, "SELECT id FROM threads WHERE uri = :u", u=URI)[0][0]
    with app.app_context():
        from comments.services.hashing import email_hash

        hashed = email_hash(EMAIL)
    sql(app, "INSERT INTO subscriptions (site_id, thread_id, comment_id, email, email_hash, mode,"
             " language, created_at) VALUES (1, :t, :c, :e, :h, 'instant', 'en', '2024-01-01')",
        t=thread_id, c=mine["id"], e=EMAIL, h=hashed)
    return {"id": mine["id"], "hash": hashed}


def test_the_page_is_strict_html_without_script(client):
    page = client.get("/privacy/?site=default")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script" not in csp and "<script" not in page.text
    assert 'type="email"' in page.text and page.headers["Cache-Control"] == "no-store"
    assert client.get("/privacy/style.css").mimetype == "text/css"
    assert client.get("/privacy/?site=nope").status_code == 404
    assert client.get("/privacy/?site=<x>").status_code == 404


def test_asking_for_erasure_mails_a_link_that_erases_everything_about_the_address(
        app, client, history):
    sql(app, "UPDATE sites SET settings = :s", s=json.dumps({"erase_text": True}))
    answer = ask(client, "erase")
    assert answer.status_code == 200 and "Check your mail" in answer.text
    path = confirm_path(app)
    page = client.get(path)
    assert page.status_code == 200 and "Erase my data" in page.text and "<form" in page.text
    assert sql(app, "SELECT count(*) FROM comments WHERE email IS NOT NULL")[0][0] == 3  # GET did nothing
    done = client.post(path)
    assert done.status_code == 200 and "erased your details from 2 comments" in done.text
    # No table keeps the address or its hash, in any case.
    with app.app_context():
        from comments.extensions import db

        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
                flat = " ".join(str(value) for value in row).lower()
                assert EMAIL.lower() not in flat, table
                assert history["hash"] not in flat, table
    # The thread keeps its shape: the replied-to comment is a placeholder, the reply stays.
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    top = thread["comments"][0]
    assert top["status"] == "deleted" and top["html"] == "" and top["author"] == ""
    assert top["replies"][0]["html"] == "<p>A reply to the reader</p>"
    assert thread["thread"]["count"] == 1
    assert sql(app, "SELECT kind, status, requested_by FROM privacy_requests") == [
        ("erase", "completed", "reader")]
    assert client.post(path).status_code == 409


def test_erasure_without_the_text_policy_keeps_the_words_without_the_name(app, client, history):
    ask(client, "erase")
    client.post(confirm_path(app))
    row = sql(app, "SELECT author, email, website, ip_hash, email_hash, status, text FROM comments"
                   " WHERE id = :i", i=history["id"])[0]
    assert row == ("", None, None, None, None, "approved", "My first words")


def test_asking_for_a_copy_hands_over_a_json_file(app, client, history):
    ask(client, "export")
    response = client.post(confirm_path(app))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.json
    assert [c["text"] for c in data["comments"]] == ["My first words", "My second words"]
    assert data["comments"][0]["website"] == "https://reader.example"
    assert data["subscriptions"][0]["comment_id"] == history["id"]
    assert "A reply to the reader" not in response.text
    assert sql(app, "SELECT kind, status FROM privacy_requests") == [("export", "completed")]


def test_the_answer_does_not_tell_whether_an_address_commented(app, client, history):
    known = ask(client, "export")
    unknown = ask(client, "export", email="stranger@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    assert sql(app, "SELECT count(*) FROM outbox")[0][0] == 1  # no mail to strangers
    assert sql(app, "SELECT count(*) FROM privacy_requests")[0][0] == 2


def test_bad_forms_and_bad_links_are_refused(app, client, history):
    not_an_address = ask(client, "erase", email="not an address")
    assert not_an_address.status_code == 422 and "Not a valid email address." in not_an_address.text
    assert ask(client, "shred").status_code == 422
    forged = client.post("/privacy/", data={"site": "default", "email": EMAIL, "kind": "erase",
                                            "form_token": "forged"})
    assert forged.status_code == 400 and "expired" in forged.text
    bot = ask(client, "erase", website="http://spam.example")
    assert bot.status_code == 200 and sql(app, "SELECT count(*) FROM outbox")[0][0] == 0
    assert client.get("/privacy/confirm/forged").status_code == 403
    assert client.post("/privacy/confirm/forged").status_code == 403
    for _ in range(4):
        ask(client, "erase")
    assert sql(app, "SELECT count(*) FROM outbox")[0][0] == 3  # three requests a day per address


def test_the_confirmation_mail_renders_through_the_mail_composer(app):
    from comments.services.mail.compose import render

    context = {"kind": "erase", "site_name": "<b>Times</b>", "valid_hours": 48,
               "confirm_url": "https://c.example/privacy/confirm/T", "public_url": "https://c.example",
               "site": {"key": "default", "name": "Times", "base_url": "https://news.example"},
               "unsubscribe_url": "https://c.example/u/X"}
    with app.app_context():
        mail = render("privacy_confirm", context)
    assert mail.subject == "Confirm: erase your comments data on <b>Times</b>"
    assert "https://c.example/privacy/confirm/T" in mail.text
    assert "&lt;b&gt;" in mail.html and 'href="https://c.example/privacy/confirm/T"' in mail.html


@pytest.mark.parametrize("template", ["reply", "reply_digest", "share", "confirm_subscription"])
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_mail_to_a_reader_links_to_their_data(app, template, language):
    from comments.services.mail.compose import render

    context = {"public_url": "https://c.example", "unsubscribe_url": "https://c.example/u/X",
               "site": {"key": "default", "name": "Times", "base_url": "https://news.example"},
               "article_url": "https://news.example/a/", "title": "A", "items": [], "replies": [],
               "confirm_url": "https://c.example/c/Y", "mode": "instant", "reply_excerpt": "Hi",
               "reply_author": "Bo", "note": "", "from_name": "Al"}
    with app.app_context():
        mail = render(template, context, language)
    assert "https://c.example/privacy/?site=default" in mail.text
    assert 'href="https://c.example/privacy/?site=default"' in mail.html
    assert ("Ihre Daten" if language == "de" else "Your data") in mail.html


def test_the_cli_exports_and_erases_and_records_both(app, runner, history, tmp_path):
    out = tmp_path / "data.json"
    result = runner.invoke(["privacy", "export", EMAIL.upper(), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["comments"]) == 2
    result = runner.invoke(["privacy", "erase", EMAIL, "--site", "default", "--yes",
                                  "--erase-text"])
    assert result.exit_code == 0 and "Erased 2 comments and 1 subscriptions" in result.output
    assert sql(app, "SELECT count(*) FROM comments WHERE status = 'deleted'")[0][0] == 2
    assert sql(app, "SELECT kind, requested_by, email_hash FROM privacy_requests ORDER BY id") == [
        ("export", "cli", ""), ("erase", "cli", "")]
    assert runner.invoke(["privacy", "erase", "nonsense", "--yes"]).exit_code == 1


def test_a_re_import_does_not_bring_erased_data_back(app, runner, tmp_path):
    from tests.support.porting_files import wxr, wxr_comment

    path = tmp_path / "blog.xml"
    path.write_text(wxr([{"link": "https://old.example/a/", "post_id": 1,
                          "comments": [wxr_comment(1, "Old words", email=EMAIL)]}]))
    runner.invoke(["import", "wordpress", str(path)])
    runner.invoke(["privacy", "erase", EMAIL, "--yes"])
    result = runner.invoke(["import", "wordpress", str(path)])
    assert "erased at the reader's request" in result.output
    assert sql(app, "SELECT email, author FROM comments") == [(None, "")]
    assert "import_digest" not in sql(app, "SELECT extra FROM comments")[0][0]


def test_erasure_keeps_the_suppression_list(app, history):
    """An address that bounced or asked never to be mailed stays unmailable after erasure."""
    from comments.services.hashing import email_hash
    from comments.services.privacy.requests import erase_for

    with app.app_context():
        hashed = email_hash(EMAIL)
    sql(app, "INSERT INTO suppressions (email_hash, reason, created_at) VALUES (:h, 'unsubscribed', :t)",
        h=hashed, t="2026-01-01 00:00:00")
    with app.app_context():
        erase_for(EMAIL, "default", "test")
    assert sql(app, "SELECT reason FROM suppressions WHERE email_hash = :h", h=hashed) == [("unsubscribed",)]
