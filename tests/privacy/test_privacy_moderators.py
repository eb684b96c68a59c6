"""Moderators answer readers' data requests through the bearer API, within their sites."""

from __future__ import annotations

from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_site, make_token

EMAIL = "reader@example.org"


def test_a_moderator_exports_then_erases_a_readers_data(app, client, post, admin_token):
    post(text="Mine", email=EMAIL, author="Reader")
    post(text="Not mine", email="other@example.org", author="Other")
    copy = client.post("/api/v1/moderation/privacy/export", json={"email": EMAIL, "site": "default"},
                       headers=bearer(admin_token))
    assert copy.status_code == 200
    assert [c["text"] for c in copy.json["comments"]] == ["Mine"]
    gone = client.post("/api/v1/moderation/privacy/erase",
                       json={"email": EMAIL, "erase_text": True}, headers=bearer(admin_token))
    assert gone.status_code == 200 and gone.json == {"comments": 1, "subscriptions": 0}
    assert sql(app, "SELECT count(*) FROM comments WHERE email = :e", e=EMAIL)[0][0] == 0
    assert sql(app, "SELECT status, text FROM comments ORDER BY id") == [
        ("deleted", ""), ("approved", "Not mine")]
    assert sql(app, "SELECT kind, requested_by FROM privacy_requests ORDER BY id") == [
        ("export", "moderator:admin@example.com"), ("erase", "moderator:admin@example.com")]


def test_moderators_act_only_within_their_sites(app, client, post):
    make_site(app, "other")
    token = make_token(app, make_moderator(app, "mod@example.com", sites=["other"]))
    post(text="Mine", email=EMAIL)
    for body in ({"email": EMAIL, "site": "default"}, {"email": EMAIL}):
        answer = client.post("/api/v1/moderation/privacy/erase", json=body, headers=bearer(token))
        assert answer.status_code == 403
    assert client.post("/api/v1/moderation/privacy/export", json={"email": EMAIL, "site": "other"},
                       headers=bearer(token)).json["comments"] == []
    assert client.post("/api/v1/moderation/privacy/export", json={"email": EMAIL}).status_code == 401
    bad = client.post("/api/v1/moderation/privacy/export", json={"email": "nope", "site": "other"},
                      headers=bearer(token))
    assert bad.status_code == 422
    assert sql(app, "SELECT email FROM comments") == [(EMAIL,)]


def test_the_moderation_ui_hands_over_and_erases_a_readers_data(app, client, post):
    from tests.support.moderation import csrf_token, sign_in

    make_site(app, "other")
    make_moderator(app, "mod@example.com", sites=["default"])
    post(text="Mine", email=EMAIL, author="Reader")
    assert sign_in(client, "mod@example.com").status_code == 303
    page = client.get("/moderate/readers-data")
    assert page.status_code == 200 and "Every site" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    token = csrf_token(client, "/moderate/readers-data")
    copy = client.post("/moderate/readers-data", data={
        "csrf_token": token, "email": EMAIL, "site": "default", "action": "export"})
    assert copy.status_code == 200 and copy.headers["Content-Disposition"].startswith("attachment")
    assert copy.json["comments"][0]["text"] == "Mine"
    refused = client.post("/moderate/readers-data", data={
        "csrf_token": token, "email": EMAIL, "site": "other", "action": "erase"})
    assert refused.status_code == 403
    forged = client.post("/moderate/readers-data", data={
        "email": EMAIL, "site": "default", "action": "erase"})
    assert forged.status_code == 400  # no CSRF token
    assert sql(app, "SELECT author FROM comments") == [("Reader",)]
    gone = client.post("/moderate/readers-data", data={
        "csrf_token": token, "email": EMAIL, "site": "default", "action": "erase",
        "erase_text": "no"})
    assert gone.status_code == 303
    assert "Erased the details of 1 comments" in client.get("/moderate/readers-data").text
    assert sql(app, "SELECT author, email, text FROM comments") == [("", None, "Mine")]
    assert sql(app, "SELECT kind, requested_by FROM privacy_requests ORDER BY id") == [
        ("export", "moderator:mod@example.com"), ("erase", "moderator:mod@example.com")]
