""""Send this to a friend" by email: the relay endpoint and every guard around it."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.support.app import sql
from tests.support.mailing import outbox, run_once

URI = "/2019/02/08/summit/"


@pytest.fixture
def config(config, tmp_path):
    config.update(PUBLIC_URL="https://comments.news.example", MAIL_FOLDER=str(tmp_path / "mail"))
    return config


@pytest.fixture
def sharing(app):
    """The default site sends articles by email; its article has a stored title."""
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"share_by_email": True, "min_submit_seconds": 2})
    sql(app, "INSERT INTO threads (site_id, uri, title, created_at, count, pending_count, "
             "version, closed) VALUES (1, :uri, 'Summit talks end early', CURRENT_TIMESTAMP, "
             "0, 0, 1, :closed)", uri=URI, closed=False)
    return app


def form_token(app, age: float = 10.0) -> str:
    from comments.services import tokens

    with app.test_request_context():
        return tokens.sign("form", {"t": time.time() - age, "j": secrets.token_hex(12)})


def body(app, **fields):
    data = {"uri": URI, "to": "friend@example.org", "from_name": "Ann",
            "from_email": "ann@example.com", "note": "Thought of you.",
            "form_token": form_token(app), "hp": ""}
    data.update(fields)
    return data


def test_a_share_is_accepted_and_mails_the_stored_title_and_a_tracked_link(client, sharing):
    from comments.services.mail import eml_files

    response = client.post("/api/v1/shares", json=body(sharing, title="Forged title"))
    assert response.status_code == 202
    assert set(response.json) == {"id"} and len(response.json["id"]) == 20
    assert run_once(sharing).sent == 1
    with sharing.app_context():
        [listed] = eml_files.list_files()
        mail = eml_files.read_file(listed.name)
    assert listed.to == "friend@example.org"
    text = mail.get_body(("plain",)).get_content()
    assert "Summit talks end early" in text and "Forged title" not in text
    assert "Ann thinks you would like" in text and "Thought of you." in text
    link = next(line for line in text.splitlines() if "/s/" in line).strip()
    assert link.startswith("https://comments.news.example/s/")
    followed = client.get(link.removeprefix("https://comments.news.example"))
    assert followed.headers["Location"] == "https://news.example" + URI
    assert sql(sharing, "SELECT kind, clicks, sender_hash IS NOT NULL, recipient_hash IS NOT NULL "
                        "FROM shares") == [("email", 1, True, True)]


def test_shares_and_clicks_per_article_are_counted_for_the_dashboard(client, sharing):
    from comments.services.sharing.stats import shares_by_article, shares_per_day

    client.post("/api/v1/shares", json=body(sharing))
    client.post("/api/v1/shares/links", json={"uri": URI})
    client.post("/api/v1/shares/links", json={"uri": "/other/"})
    sql(sharing, "UPDATE shares SET clicks = 3 WHERE kind = 'link'")
    with sharing.app_context():
        top = shares_by_article(1)
        days = shares_per_day(1, days=7)
    assert [(a.site_key, a.uri, a.shares, a.email_shares, a.clicks) for a in top] == [
        ("default", URI, 2, 1, 3), ("default", "/other/", 1, 0, 3)]
    with sharing.app_context():
        assert shares_by_article([999]) == [] and len(shares_by_article(None)) == 2
    assert len(days) == 7 and days[-1][1:] == (3, 1)


def test_sharing_by_email_is_off_unless_the_site_turns_it_on(client, app):
    response = client.post("/api/v1/shares", json=body(app))
    assert response.status_code == 403 and response.json["error"] == "share_by_email_off"
    assert outbox(app) == []


@pytest.mark.parametrize("switch", [False, "off", "no", "0"])
def test_the_kill_switch_stops_every_site(client, sharing, switch):
    # Text values are what an environment variable that is not JSON leaves in the config.
    sharing.config["SHARES_BY_EMAIL_ENABLED"] = switch
    response = client.post("/api/v1/shares", json=body(sharing))
    assert response.status_code == 403
    assert outbox(sharing) == [] and sql(sharing, "SELECT id FROM shares") == []


@pytest.mark.parametrize("note", [
    "see http://evil.example/win", "www.evil.example", "visit evil.com now",
    "mail me at ann@evil.example", "HTTPS://EVIL.EXAMPLE", "x" * 201,
])
def test_a_note_with_a_link_or_too_long_is_422(client, sharing, note):
    response = client.post("/api/v1/shares", json=body(sharing, note=note))
    assert response.status_code == 422 and "note" in response.json["errors"]
    assert outbox(sharing) == []


@pytest.mark.parametrize("fields", [
    {"to": "a@example.org, b@example.org"},
    {"to": "friend@example.org\r\nBcc: everyone@example.org"},
    {"to": ["a@example.org", "b@example.org"]},
    {"from_email": "ann@example.com\nBcc: x@example.org"},
    {"from_name": "Ann https://evil.example"},
    {"from_name": ""},
    {"uri": "/a/\r\nBcc: x@example.org"},
    {"uri": "https://evil.example/"},
])
def test_malformed_recipients_senders_and_paths_are_refused(client, sharing, fields):
    response = client.post("/api/v1/shares", json=body(sharing, **fields))
    assert response.status_code == 422
    assert outbox(sharing) == []


def test_a_bad_address_is_named_in_the_forms_words(client, sharing):
    response = client.post("/api/v1/shares", json=body(sharing, to="friend at example.org",
                                                         from_email="ann@"))
    assert response.status_code == 422
    assert response.json["errors"] == {"to": ["One valid email address."],
                                       "from_email": ["One valid email address."]}


def test_a_reader_typed_line_break_never_reaches_a_header(client, sharing, smtp_server):
    sharing.config["SMTP_URL"] = smtp_server.url
    sql(sharing, "UPDATE threads SET title = :t", t="Title\r\nBcc: all@example.org")
    response = client.post("/api/v1/shares", json=body(
        sharing, from_name="Ann\r\nSubject: Win\r\nBcc: x",
        note="Hi\r\nBcc: everyone\r\n\r\n<b>x</b>"))
    assert response.status_code == 202
    run_once(sharing)
    [mail] = smtp_server.mailbox.messages
    assert smtp_server.mailbox.envelopes[0][1] == ["friend@example.org"]
    assert "Bcc" not in mail and mail["Subject"].startswith("An article from")
    assert "Ann Subject: Win Bcc: x thinks" in mail.get_body(("plain",)).get_content()
    assert sorted(mail.keys()) == sorted([
        "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
        "X-Auto-Response-Suppress", "List-Unsubscribe", "List-Unsubscribe-Post",
        "MIME-Version", "Content-Type"])


def test_the_mail_is_in_the_pages_language_else_the_browsers(client, sharing):
    from comments.services.mail import eml_files

    client.post("/api/v1/shares", json=body(sharing, language="de"))
    client.post("/api/v1/shares", json=body(sharing, to="b@example.org"),
                headers={"Accept-Language": "de-AT,de;q=0.8"})
    client.post("/api/v1/shares", json=body(sharing, to="c@example.org", language="fr"))
    run_once(sharing)
    with sharing.app_context():
        subjects = sorted(item.subject for item in eml_files.list_files())
    assert subjects == ["An article from The Example Times, sent by a reader"] + [
        "Ein Artikel von The Example Times, empfohlen von einem Leser"] * 2


def test_a_filled_honeypot_gets_a_202_and_sends_nothing(client, sharing):
    response = client.post("/api/v1/shares", json=body(sharing, hp="http://spam.example"))
    assert response.status_code == 202 and len(response.json["id"]) == 20
    assert outbox(sharing) == [] and sql(sharing, "SELECT id FROM shares") == []


def test_a_form_sent_faster_than_a_human_is_refused(client, sharing):
    response = client.post("/api/v1/shares", json=body(sharing, form_token=form_token(sharing, 0)))
    assert response.status_code == 422 and "form_token" in response.json["errors"]


@pytest.mark.parametrize("token", ["", "forged", None])
def test_a_missing_or_forged_form_token_is_403(client, sharing, token):
    response = client.post("/api/v1/shares", json=body(sharing, form_token=token))
    assert response.status_code == 403 and response.json["error"] == "bad_form_token"


def test_a_suppressed_recipient_gets_the_same_202_and_no_mail(client, sharing):
    from comments.database.engine import write_transaction
    from comments.services.mail.suppression import suppress

    with sharing.app_context(), write_transaction():
        suppress("friend@example.org", "unsubscribed")
    suppressed = client.post("/api/v1/shares", json=body(sharing))
    other = client.post("/api/v1/shares", json=body(sharing, to="other@example.org"))
    assert suppressed.status_code == other.status_code == 202
    assert suppressed.headers["Content-Type"] == other.headers["Content-Type"]
    assert len(suppressed.json["id"]) == len(other.json["id"])
    assert [row[3] for row in outbox(sharing)] == ["other@example.org"]


def test_quotas_per_recipient_and_sender_answer_429_with_retry_after(client, sharing):
    limits = [client.post("/api/v1/shares", json=body(sharing)).status_code for _ in range(3)]
    assert limits == [202, 202, 429]  # two a day to one recipient by default
    response = client.post("/api/v1/shares", json=body(sharing))
    assert response.json["error"] == "quota_exceeded"
    assert 0 < int(response.headers["Retry-After"]) <= 86400
    for n in range(3):
        client.post("/api/v1/shares", json=body(sharing, to=f"r{n}@example.org"))
    # The sender's five a day are used up, whoever the recipient.
    refused = client.post("/api/v1/shares", json=body(sharing, to="new@example.org"))
    assert refused.status_code == 429
    assert len(outbox(sharing)) == 5


def test_twenty_parallel_shares_cannot_exceed_a_quota_of_five(sharing, live_server):
    from comments.services.sites import update_site

    with sharing.app_context():
        update_site("default", settings={"share_limit_per_client": 5,
                                         "share_limit_per_recipient": 100,
                                         "share_limit_per_sender": 100})
    statuses: list[int] = []
    start = threading.Barrier(20)

    def share(n: int) -> None:
        data = json.dumps(body(sharing, to=f"friend{n}@example.org",
                               from_email=f"s{n}@example.com")).encode()
        request = urllib.request.Request(live_server.url + "/api/v1/shares", data=data,
                                         headers={"Content-Type": "application/json"})
        start.wait(timeout=10)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    threads = [threading.Thread(target=share, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [202] * 5 + [429] * 15
    assert len(outbox(sharing)) == 5
    assert sql(sharing, "SELECT SUM(used) FROM quota_claims WHERE bucket LIKE 'share:client:%'") \
        == [(5,)]


def test_the_share_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "202" in paths["/api/v1/shares"]["post"]["responses"]
