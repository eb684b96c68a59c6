"""The moderation UI over HTTP: sign-in, CSRF, throttling, sessions that end, pages and actions."""

from __future__ import annotations

import re

import pytest

from tests.support.app import sql
from tests.support.moderation import PASSWORD, csrf_token, make_moderator, make_site, set_policy, sign_in

URI = "/2019/02/08/summit/"


def test_the_queue_needs_a_signed_in_moderator(client):
    response = client.get("/moderate/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/moderate/signin?next=/moderate/")


def test_sign_in_sets_a_hardened_cookie_and_shows_the_queue(client, admin):
    response = sign_in(client, "admin@example.com")
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/moderate/")
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


class TestBehindHttps:
    @pytest.fixture
    def config(self, config):
        return {**config, "PUBLIC_URL": "https://comments.news.example"}

    def test_the_cookie_is_secure(self, client, admin):
        base = "https://comments.news.example"
        form = client.get("/moderate/signin", base_url=base).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        response = client.post(
            "/moderate/signin", base_url=base,
            data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token},
            headers={"Referer": "https://comments.news.example/moderate/signin"})
        assert response.status_code == 303
        assert "Secure" in response.headers["Set-Cookie"]


def test_a_wrong_password_is_refused_without_saying_which_part(client, admin):
    response = sign_in(client, "admin@example.com", "wrong password!")
    assert response.status_code == 401
    assert "Wrong email or password" in response.get_data(as_text=True)
    assert sign_in(client, "nobody@example.com").status_code == 401


def test_a_post_without_the_csrf_token_fails(client, admin):
    response = client.post("/moderate/signin", data={"email": "admin@example.com",
                                                     "password": PASSWORD})
    assert response.status_code == 400
    sign_in(client, "admin@example.com")
    forged = client.post("/moderate/signout-everywhere", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert client.get("/moderate/").status_code == 200  # still signed in: nothing happened


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, client, admin):
    sign_in(client, "admin@example.com")
    copy = app.test_client()
    cookie = client.get_cookie("session")
    copy.set_cookie("session", cookie.value)
    assert copy.get("/moderate/").status_code == 200
    client.post("/moderate/signout", data={"csrf_token": csrf_token(client, "/moderate/")})
    assert client.get("/moderate/").status_code == 303
    assert copy.get("/moderate/").status_code == 303


def test_a_password_change_signs_out_every_device(app, client, admin):
    other_device = app.test_client()
    sign_in(client, "admin@example.com")
    sign_in(other_device, "admin@example.com")
    token = csrf_token(client, "/moderate/account")
    response = client.post("/moderate/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "a brand new passphrase",
        "repeat": "a brand new passphrase"})
    assert response.status_code == 303
    assert other_device.get("/moderate/").status_code == 303
    assert sign_in(client, "admin@example.com").status_code == 401
    assert sign_in(client, "admin@example.com", "a brand new passphrase").status_code == 303


class TestThrottling:
    @pytest.fixture
    def config(self, config):
        return {**config, "RATELIMIT_ENABLED": True, "SIGNIN_LIMIT": "3 per minute"}

    def test_failed_sign_ins_are_throttled(self, client, admin):
        for _ in range(3):
            assert sign_in(client, "admin@example.com", "wrong password!").status_code == 401
        blocked = sign_in(client, "admin@example.com")
        assert blocked.status_code == 429
        assert blocked.headers.get("Retry-After")

    def test_successful_sign_ins_do_not_use_up_the_budget(self, app, admin):
        for _ in range(5):
            assert sign_in(app.test_client(), "admin@example.com").status_code == 303


def test_moderators_cannot_open_admin_pages(app, client):
    make_moderator(app, "mod@example.com", sites=["default"])
    sign_in(client, "mod@example.com")
    assert client.get("/moderate/people").status_code == 403
    assert client.get("/moderate/sites/default").status_code == 403
    assert client.get("/moderate/").status_code == 200


def test_approving_from_the_queue_publishes(app, client, post, admin):
    set_policy(app, moderation="hold_all")
    comment_id = post(text="please publish me").json["id"]
    sign_in(client, "admin@example.com")
    page = client.get("/moderate/").get_data(as_text=True)
    assert "please publish me" in page and "every comment is reviewed" in page
    token = csrf_token(client, "/moderate/")
    response = client.post(f"/moderate/comments/{comment_id}/approve",
                           data={"csrf_token": token, "next": "/moderate/?status=pending"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderate/?status=pending"
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 1


def test_next_never_leaves_the_moderation_ui(app, client, post, admin):
    comment_id = post(text="hello").json["id"]
    sign_in(client, "admin@example.com")
    token = csrf_token(client, "/moderate/")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/moderate/comments/{comment_id}/pin",
                               data={"csrf_token": token, "next": target})
        assert response.headers["Location"] == "/moderate/"


def test_bulk_reject_from_the_queue(app, client, post, admin):
    set_policy(app, moderation="hold_all")
    ids = [post(text=f"junk {n}").json["id"] for n in range(3)]
    sign_in(client, "admin@example.com")
    token = csrf_token(client, "/moderate/")
    response = client.post("/moderate/bulk", data={"csrf_token": token, "action": "reject",
                                                    "ids": [str(i) for i in ids] + ["x", "²"]})
    assert response.status_code == 303
    assert {row[0] for row in sql(app, "SELECT status FROM comments")} == {"rejected"}


def test_rules_policy_people_audit_and_dashboard_pages(app, client, post, admin):
    sign_in(client, "admin@example.com")
    token = csrf_token(client, "/moderate/rules")
    assert client.post("/moderate/rules", data={"csrf_token": token, "kind": "hold_word",
                                                "pattern": "idiot*", "site": "default",
                                                "expires": "7d"}).status_code == 303
    assert "idiot*" in client.get("/moderate/rules").get_data(as_text=True)
    assert post(text="idiots!").status_code == 202
    bad = client.post("/moderate/rules", data={"csrf_token": token, "kind": "ban_network",
                                               "pattern": "999.1.1.1", "site": "default"})
    assert bad.status_code == 422
    saved = client.post("/moderate/sites/default", data={
        "csrf_token": token, "moderation": "hold_first", "hold_until_approved": "1",
        "hold_links": "", "close_after_days": "30", "flag_threshold": "2",
        "min_submit_seconds": "4", "edit_window": "600", "duplicate_min_length": "48",
        "akismet": "on"})
    assert saved.status_code == 303
    from comments.extensions import db
    from comments.services.sites import get_site

    with app.app_context():
        settings = get_site("default").settings
        db.session.remove()
    assert settings.moderation == "hold_first" and settings.hold_links is None
    assert settings.close_after_days == 30 and settings.flag_threshold == 2
    added = client.post("/moderate/people", data={
        "csrf_token": token, "email": "new@example.com", "name": "New", "role": "moderator",
        "password": "long enough password", "sites": ["default"]})
    assert added.status_code == 303
    assert sign_in(app.test_client(), "new@example.com", "long enough password").status_code == 303
    audit = client.get("/moderate/audit?action=rule_added").get_data(as_text=True)
    assert "idiot*" in audit
    dashboard = client.get("/moderate/dashboard?days=7")
    assert dashboard.status_code == 200
    assert dashboard.get_data(as_text=True).count("<svg") == 3


def test_tokens_are_shown_once(app, client, admin):
    sign_in(client, "admin@example.com")
    token = csrf_token(client, "/moderate/account")
    page = client.post("/moderate/tokens", data={"csrf_token": token, "name": "bot"})
    secret = re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/moderation/comments",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret not in client.get("/moderate/account").get_data(as_text=True)


def test_a_moderator_sees_only_their_sites(app, client, post):
    make_site(app, "other")
    make_moderator(app, "mod@example.com", sites=["other"])
    comment_id = post(text="default site comment").json["id"]
    sign_in(client, "mod@example.com")
    assert "default site comment" not in client.get("/moderate/?status=approved").get_data(as_text=True)
    assert client.get(f"/moderate/comments/{comment_id}").status_code == 403
    assert client.get("/moderate/?site=default").status_code == 403


def test_hostile_parameters_never_cause_a_500(client, admin):
    sign_in(client, "admin@example.com")
    for path in ["/moderate/?status=%00", "/moderate/?after=1e9", "/moderate/?site=NOPE",
                 "/moderate/?uri=" + "x" * 5000, "/moderate/audit?moderator=abc&before=-1",
                 "/moderate/dashboard?days=99999", "/moderate/thread?site=default&uri=/none/",
                 "/moderate/comments/99999", "/moderate/mail/garbage"]:
        assert client.get(path).status_code < 500, path
