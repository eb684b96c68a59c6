"""The record shows a moderator their own sites' people, never other sites' moderators."""

from __future__ import annotations

from tests.support.moderation import make_moderator, make_site, sign_in


def test_the_audit_page_names_only_the_moderators_of_ones_own_sites(app, client):
    make_site(app, "other")
    make_moderator(app, "mine@news.example", sites=["default"])
    make_moderator(app, "colleague@news.example", sites=["default", "other"])
    make_moderator(app, "hidden@other.example", sites=["other"])
    make_moderator(app, "boss@news.example", role="admin", all_sites=True)
    assert sign_in(client, "mine@news.example").status_code == 303
    page = client.get("/moderate/audit")
    assert page.status_code == 200
    assert "hidden@other.example" not in page.text
    for shown in ("mine@news.example", "colleague@news.example", "boss@news.example"):
        assert shown in page.text


def test_an_admin_sees_everyone(app, client):
    make_site(app, "other")
    make_moderator(app, "hidden@other.example", sites=["other"])
    make_moderator(app, "boss@news.example", role="admin", all_sites=True)
    sign_in(client, "boss@news.example")
    assert "hidden@other.example" in client.get("/moderate/audit").text
