"""No moderation page or action answers without the credentials it needs."""

from __future__ import annotations

import re

from tests.support.moderation import make_moderator, sign_in

OPEN = {"/moderate/signin", "/moderate/static/<path:filename>", "/moderate/mail/<token>"}


def _concrete(rule: str) -> str:
    """A URL for the rule: every variable filled with something plausible."""
    rule = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule)
    rule = re.sub(r"<int[^>]*>", "1", rule)
    return re.sub(r"<[^>]+>", "default", rule)


def test_without_a_session_every_moderation_page_and_action_sends_to_sign_in(app, client, post):
    post(text="something to act on")
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/moderate/") and rule.rule not in OPEN]
    assert len(rules) >= 20
    for rule in rules:
        url = _concrete(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": "x"})
            assert response.status_code in (303, 400, 401, 403), (method, url,
                                                                  response.status_code)
            if response.status_code == 303:
                assert response.headers["Location"].startswith("/moderate/signin"), url
    assert client.get("/api/v1/comments?uri=/2019/02/08/summit/").json["thread"]["count"] == 1


def test_a_moderator_of_one_site_cannot_act_on_another(app, client, post):
    from tests.support.moderation import csrf_token, make_site

    make_site(app, "other")
    make_moderator(app, "mine@example.com", sites=["other"])
    comment = post(text="on the default site").json["id"]
    sign_in(client, "mine@example.com")
    token = csrf_token(client, "/moderate/")
    assert client.get(f"/moderate/comments/{comment}").status_code in (403, 404)
    acted = client.post(f"/moderate/comments/{comment}/reject", data={"csrf_token": token})
    assert acted.status_code in (403, 404)
    assert client.get("/api/v1/comments?uri=/2019/02/08/summit/").json["thread"]["count"] == 1
