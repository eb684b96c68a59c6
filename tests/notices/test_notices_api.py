"""Notices through the API and real SMTP: filing, deciding, statements, appeals, both sides told."""

from __future__ import annotations

import secrets
import time

import pytest

from tests.notices.support import (
    PUBLIC,
    appeal_token,
    deliver,
    html_of,
    notice_body,
    public_comment,
    status_of,
    text_of,
    to,
)
from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_token

FAST = {"MAIL_RETRY_BASE_SECONDS": 0.2, "MAIL_RETRY_MAX_SECONDS": 0.4, "SMTP_TIMEOUT": 2}


@pytest.fixture
def config(config, smtp_server):
    config.update(FAST, SMTP_URL=smtp_server.url, PUBLIC_URL=PUBLIC)
    return config


@pytest.fixture
def tokens(app):
    """Two moderators of the default site: the first decides, the second hears appeals."""
    first = make_moderator(app, "first@example.com", sites=["default"])
    second = make_moderator(app, "second@example.com", sites=["default"])
    return make_token(app, first), make_token(app, second)


def test_a_notice_is_acknowledged_by_mail_at_once_and_hides_nothing(app, client, smtp_server):
    comment_id = public_comment(client)
    response = client.post("/api/v1/notices", json=notice_body(comment_id))
    assert response.status_code == 202
    reference = response.json["reference"]
    assert set(response.json) == {"reference"} and reference.startswith("N-")
    assert status_of(app, comment_id) == "approved"
    page = client.get("/api/v1/comments?uri=/2019/02/08/summit/").json
    assert [c["status"] for c in page["comments"]] == ["approved"]
    [receipt] = deliver(app, smtp_server)
    assert receipt["To"] == "rita@example.net" and reference in receipt["Subject"]
    assert reference in text_of(receipt) and "StGB § 130" in text_of(receipt)
    assert sql(app, "SELECT action, actor FROM moderation_events WHERE action = 'notice_filed'") \
        == [("notice_filed", "reporter")]


def test_deciding_removes_the_comment_tells_the_author_why_and_the_reporter_what(
        app, client, smtp_server, tokens):
    comment_id = public_comment(client)
    reference = client.post("/api/v1/notices", json=notice_body(comment_id)).json["reference"]
    deliver(app, smtp_server)
    response = client.post(
        "/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
        json={"outcome": "delete", "ground": "illegal", "law_or_rule": "StGB § 130",
              "facts": "The comment calls for violence against refugees."})
    assert response.status_code == 200, response.json
    assert response.json["outcome"] == "delete" and response.json["automated"] is False
    assert status_of(app, comment_id) == "deleted"
    mail = deliver(app, smtp_server)
    [statement] = to(mail, "author@example.org")
    [answer] = to(mail, "rita@example.net")
    assert len(mail) == 2
    body = text_of(statement)
    assert "the comment was removed" in body and "illegal content" in body
    assert "StGB § 130" in body and "calls for violence" in body and "a person" in body
    assert reference in text_of(answer) and "the comment was removed" in text_of(answer)
    assert appeal_token(statement) != appeal_token(answer)
    again = client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                        json={"outcome": "keep", "facts": "x"})
    assert again.status_code == 409


def test_an_appeal_goes_to_another_moderator_who_may_reverse_and_both_are_told(
        app, client, smtp_server, tokens):
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id))
    deliver(app, smtp_server)
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                json={"outcome": "reject", "ground": "terms", "law_or_rule": "Rule 3: no insults",
                      "facts": "Insults another reader."})
    mail = deliver(app, smtp_server)
    token = appeal_token(to(mail, "author@example.org")[0])
    filed = client.post("/api/v1/appeals", json={"token": token,
                                                 "explanation": "It was irony."})
    assert filed.status_code == 202 and isinstance(filed.json["appeal"], int)
    twice = client.post("/api/v1/appeals", json={"token": token, "explanation": "Again."})
    assert twice.status_code == 409
    listed = client.get("/api/v1/moderation/appeals", headers=bearer(tokens[1])).json
    assert [a["explanation"] for a in listed["appeals"]] == ["It was irony."]
    appeal_id = filed.json["appeal"]
    same = client.post(f"/api/v1/moderation/appeals/{appeal_id}/decision",
                       headers=bearer(tokens[0]), json={"reverse": True, "reasons": "Mine."})
    assert same.status_code == 403
    ruled = client.post(f"/api/v1/moderation/appeals/{appeal_id}/decision",
                        headers=bearer(tokens[1]),
                        json={"reverse": True, "reasons": "Irony, read in context."})
    assert ruled.status_code == 200, ruled.json
    assert ruled.json["appeals"][0]["outcome"] == "reversed"
    assert status_of(app, comment_id) == "approved"
    told = deliver(app, smtp_server)
    assert sorted(m["To"].addresses[0].addr_spec for m in told) == [
        "author@example.org", "rita@example.net"]
    assert all("the comment is published again" in text_of(m) for m in told)


def test_an_appeal_link_is_signed_and_expires_after_six_months(app, client, smtp_server, tokens):
    from comments.services import tokens as signing

    assert signing.PURPOSES["appeal"] >= 182 * 24 * 3600
    forged = client.post("/api/v1/appeals", json={"token": "abc.def", "explanation": "x"})
    assert forged.status_code == 403 and forged.json["error"] == "bad_link"
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id))
    deliver(app, smtp_server)
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                json={"outcome": "keep", "facts": "Sharp but lawful criticism."})
    token = appeal_token(to(deliver(app, smtp_server), "rita@example.net")[0])
    with app.test_request_context(), pytest.raises(signing.ExpiredToken):
        signing.unsign("appeal", token, max_age=-1)
    ok = client.post("/api/v1/appeals", json={"token": token, "explanation": "It is illegal."})
    assert ok.status_code == 202
    ruled = client.post(f"/api/v1/moderation/appeals/{ok.json['appeal']}/decision",
                        headers=bearer(tokens[1]),
                        json={"reverse": True, "reasons": "On a second reading: incitement.",
                              "ground": "illegal", "law_or_rule": "StGB § 130"})
    assert ruled.status_code == 200, ruled.json
    assert status_of(app, comment_id) == "rejected"


@pytest.mark.parametrize(("change", "field"), [
    ({"good_faith": False}, "good_faith"),
    ({"law": ""}, "law"),
    ({"law": "x" * 301}, "law"),
    ({"explanation": "y" * 4001}, "explanation"),
    ({"reporter_email": "not-an-address"}, "reporter_email"),
    ({"reporter_name": "Rita\x07"}, "reporter_name"),
])
def test_bad_fields_are_refused_with_the_contracts_error(app, client, change, field):
    comment_id = public_comment(client)
    response = client.post("/api/v1/notices", json=notice_body(comment_id, **change))
    assert response.status_code == 422, response.json
    assert response.json["error"] in ("invalid", "validation_error") or response.json["errors"]
    assert field in response.json["errors"]
    assert sql(app, "SELECT COUNT(*) FROM notices") == [(0,)]


def test_no_notice_on_a_hidden_or_unknown_comment_nor_with_a_forged_form(app, client):
    comment_id = public_comment(client)
    assert client.post("/api/v1/notices", json=notice_body(999)).status_code == 404
    forged = client.post("/api/v1/notices", json=notice_body(comment_id, form_token="forged"))
    assert forged.status_code == 403 and forged.json["error"] == "bad_form_token"
    assert client.post("/api/v1/notices", json={"comment_id": "1"}).status_code == 422


def test_a_filled_honeypot_gets_a_reference_and_nothing_is_kept(app, client, smtp_server):
    from comments.services import tokens as signing

    comment_id = public_comment(client)
    with app.test_request_context():
        form = signing.sign("form", {"t": time.time() - 10, "j": secrets.token_hex(12)})
    response = client.post("/api/v1/notices", json=notice_body(comment_id, hp="http://spam",
                                                               form_token=form))
    assert response.status_code == 202 and response.json["reference"].startswith("N-")
    assert sql(app, "SELECT COUNT(*) FROM notices") == [(0,)]
    assert deliver(app, smtp_server) == []


def test_hostile_text_is_escaped_in_the_mail(app, client, smtp_server, tokens):
    comment_id = public_comment(client)
    hostile = '<img src=x onerror="alert(1)">'
    client.post("/api/v1/notices", json=notice_body(
        comment_id, law=hostile, explanation=f"</blockquote>{hostile}", reporter_name=hostile))
    [receipt] = deliver(app, smtp_server)
    html = html_of(receipt)
    assert "<img" not in html and "&lt;img src=x" in html
    assert hostile in text_of(receipt)  # plain text is shown as text
    assert "<" not in str(receipt["Subject"])



def test_the_mailed_link_opens_a_page_without_script_that_files_the_appeal(
        app, client, smtp_server, tokens):
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id))
    deliver(app, smtp_server)
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                json={"outcome": "delete", "ground": "terms", "law_or_rule": "Rule <b>2</b>",
                      "facts": "<script>alert(1)</script> insults"})
    mail = to(deliver(app, smtp_server), "author@example.org")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_of(mail)
    assert "<script>" not in html_of(mail)
    token = appeal_token(mail)
    page = client.get(f"/appeal/?token={token}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; insults" in body and "<script>" not in body
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    empty = client.post("/appeal/", data={"token": token, "explanation": "  "})
    assert empty.status_code == 422 and "Required." in empty.get_data(as_text=True)
    sent = client.post("/appeal/", data={"token": token, "explanation": "I was quoting."})
    assert sent.status_code == 202 and "Appeal 1" in sent.get_data(as_text=True)
    assert sql(app, "SELECT appellant, explanation FROM appeals") == [("author", "I was quoting.")]
    forged = client.get("/appeal/?token=nope")
    assert forged.status_code == 403 and "cannot be used" in forged.get_data(as_text=True)


def test_a_removed_comments_placeholder_says_on_what_ground(app, client, tokens):
    from tests.support.app import post_comment

    comment_id = public_comment(client)
    reply = post_comment(client, uri="/2019/02/08/summit/", text="A reply.", parent_id=comment_id)
    assert reply.status_code == 201
    before = client.get("/api/v1/comments?uri=/2019/02/08/summit/").json["comments"]
    assert "removal_ground" not in before[0]
    client.post("/api/v1/notices", json=notice_body(comment_id))
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                json={"outcome": "reject", "ground": "illegal", "law_or_rule": "§ 130",
                      "facts": "Incitement."})
    [placeholder] = client.get("/api/v1/comments?uri=/2019/02/08/summit/").json["comments"]
    assert placeholder["status"] == "deleted" and placeholder["html"] == ""
    assert placeholder["removal_ground"] == "illegal"
    assert "removal_ground" not in placeholder["replies"][0]
    page = client.get("/embed/thread?site=default&uri=/2019/02/08/summit/&lang=de")
    assert "Dieser Kommentar wurde als rechtswidriger Inhalt entfernt." in page.get_data(as_text=True)
    client.post(f"/api/v1/moderation/comments/{comment_id}/approve", headers=bearer(tokens[0]))
    client.post(f"/api/v1/moderation/comments/{comment_id}/delete", headers=bearer(tokens[0]))
    [again] = client.get("/api/v1/comments?uri=/2019/02/08/summit/").json["comments"]
    assert again["removal_ground"] == "terms"  # the moderator's own removal: its statement


def test_filing_sends_the_notice_filed_signal_inside_the_transaction(app, client):
    from comments.signals import notice_filed

    seen = []

    def receiver(notice, *, site, comment):
        seen.append((notice.reference, notice.id is not None, site.key, comment.id))

    comment_id = public_comment(client)
    notice_filed.connect(receiver)
    try:
        reference = client.post("/api/v1/notices", json=notice_body(comment_id)).json["reference"]
        client.post("/api/v1/notices", json=notice_body(comment_id, good_faith=False))
    finally:
        notice_filed.disconnect(receiver)
    assert seen == [(reference, True, "default", comment_id)]


def test_a_reporter_writing_in_german_gets_german_mail(app, client, smtp_server, tokens):
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id, language="de"))
    [receipt] = deliver(app, smtp_server)
    assert "ist eingegangen" in str(receipt["Subject"]) and "Aktenzeichen" in text_of(receipt)
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(tokens[0]),
                json={"outcome": "delete", "ground": "illegal", "law_or_rule": "§ 130",
                      "facts": "Volksverhetzung."})
    [answer] = to(deliver(app, smtp_server), "rita@example.net")
    assert "rechtswidriger Inhalt" in text_of(answer) and "Beschwerde" in text_of(answer)
    assert appeal_token(answer)


def test_grounds_cost_a_read_one_query_and_only_when_it_shows_a_placeholder(
        app, client, tokens, count_queries):
    from tests.support.app import post_comment

    def measure() -> int:
        with count_queries() as counter:
            answer = client.get("/api/v1/comments?uri=/2019/02/08/summit/&limit=20")
            assert answer.status_code == 200
        return counter.count

    comment_id = public_comment(client)
    post_comment(client, uri="/2019/02/08/summit/", text="A reply.", parent_id=comment_id)
    without = measure()
    client.post(f"/api/v1/moderation/comments/{comment_id}/delete", headers=bearer(tokens[0]))
    with_placeholder = measure()
    assert without <= 3 and with_placeholder == without + 1, (without, with_placeholder)


def test_a_site_that_is_no_site_key_is_a_400_never_a_500(client, tokens):
    # Found by the moderation fuzz test on PostgreSQL: a NUL byte in `site` was a 500.
    answer = client.get("/api/v1/moderation/notices?site=k%28%F2%85%9A%93%00",
                        headers=bearer(tokens[0]))
    assert answer.status_code == 400 and "site" in str(answer.json)
