"""Every signed token purpose is refused after its age, for another purpose, and on reuse."""

from __future__ import annotations

import re
import secrets
import time
import types
from collections.abc import Callable
from typing import Any

import pytest

from tests.support.app import sql
from tests.support.moderation import csrf_token, make_moderator, make_site, set_policy

URI = "/2019/02/08/summit/"
OTHER = {"edit": "share-link", "moderation-link": "edit", "unsubscribe": "confirm-email",
         "share-link": "unsubscribe", "confirm-email": "privacy", "form": "moderation-link",
         "privacy": "form", "reader": "privacy"}


def sign(app, purpose: str, payload: Any, age: float = 0) -> str:
    """A token for `purpose`, as if signed `age` seconds ago."""
    import itsdangerous.timed

    from comments.services import tokens

    real = itsdangerous.timed.time
    if age:
        itsdangerous.timed.time = types.SimpleNamespace(time=lambda: real.time() - age)
    try:
        with app.test_request_context():
            return tokens.sign(purpose, payload)
    finally:
        itsdangerous.timed.time = real


class World:
    """One valid payload per purpose and a request that says whether a token is accepted."""

    def __init__(self, app, client, post):
        self.app, self.client = app, client
        mine = post(text="my own comment", email="reader@example.org", notify_replies=True)
        self.edit_id = mine.json["id"]
        version = sql(app, "SELECT version FROM comments WHERE id = :i", i=self.edit_id)[0][0]
        self.moderator = make_moderator(app, "mod@example.com", role="admin", all_sites=True)
        set_policy(app, moderation="hold_all", share_by_email=True, min_submit_seconds=0)
        self.held_id = post(text="held for a moderator").json["id"]
        sub = sql(app, "SELECT id FROM subscriptions ORDER BY id")[0][0]
        share = client.post("/api/v1/shares/links", json={"uri": URI}).json["url"]
        self.share_token = share.rsplit("/", 1)[1]
        from comments.services.privacy import requests as privacy

        with app.test_request_context():
            privacy.request_by_reader("default", "reader@example.org", "export")
        request_id = sql(app, "SELECT id FROM privacy_requests ORDER BY id DESC")[0][0]
        from comments.services.hashing import email_hash

        with app.app_context():
            hashed = email_hash("reader@example.org")
        self.payloads: dict[str, Any] = {
            "edit": {"c": self.edit_id, "v": version},
            "moderation-link": {"c": self.held_id, "a": "approve", "m": self.moderator,
                                "j": secrets.token_hex(16)},
            "unsubscribe": {"e": hashed, "scope": "all"},
            "share-link": None,  # read back from the real link below
            "confirm-email": {"sub": sub},
            "form": {"t": time.time() - 60, "j": secrets.token_hex(12)},
            "privacy": {"r": request_id},
        }
        from comments.services import tokens

        with app.app_context():
            self.payloads["share-link"] = tokens.unsign("share-link", self.share_token)
        from comments.database.engine import write_transaction
        from comments.services.identity.readers import reader_by_email
        from comments.services.sites import get_site

        with app.app_context(), write_transaction():
            reader = reader_by_email(get_site("default"), "reader@example.org")
            self.payloads["reader"] = {"r": reader.id, "s": reader.site_id, "g": 1}

    def accepted(self, purpose: str, token: str) -> bool:
        """Use the token where the product uses it; True if it was honoured."""
        check: dict[str, Callable[[str], bool]] = {
            "edit": lambda t: self.client.patch(
                f"/api/v1/comments/{self.edit_id}", json={"text": "edited"},
                headers={"X-Edit-Token": t}).status_code == 200,
            "moderation-link": lambda t: self.client.get(f"/moderate/mail/{t}").status_code == 200,
            "unsubscribe": lambda t: self.client.get(f"/mail/unsubscribe/{t}").status_code == 200,
            "share-link": lambda t: self.client.get(f"/s/{t}").status_code == 302,
            "confirm-email": lambda t: self.client.get(f"/mail/confirm/{t}").status_code == 200,
            "form": lambda t: self.client.post("/api/v1/shares", json={
                "uri": URI, "to": "friend@example.org", "from_name": "Ann", "note": "",
                "form_token": t, "hp": ""}).status_code == 202,
            "privacy": lambda t: self.client.get(f"/privacy/confirm/{t}").status_code == 200,
            "reader": lambda t: self.client.get(
                "/api/v1/readers/me", headers={"X-Reader-Token": t}).status_code == 200,
        }
        return check[purpose](token)


@pytest.fixture
def world(app, client, post):
    return World(app, client, post)


@pytest.mark.parametrize("purpose", sorted(OTHER))
def test_a_fresh_token_works_an_old_one_or_one_for_another_purpose_does_not(world, app, purpose):
    from comments.services.tokens import PURPOSES

    payload = world.payloads[purpose]
    max_age = 900 if purpose == "edit" else PURPOSES[purpose]
    assert not world.accepted(purpose, sign(app, purpose, payload, age=max_age + 60)), "too old"
    assert not world.accepted(purpose, sign(app, OTHER[purpose], payload)), "another purpose"
    forged = sign(app, purpose, payload)
    assert not world.accepted(purpose, forged[:-3] + ("AAA" if forged[-3:] != "AAA" else "BBB"))
    # Just inside its age it is still good: the refusals above are about age and purpose.
    assert world.accepted(purpose, sign(app, purpose, payload, age=max_age - 60))


def test_tokens_signed_with_a_retired_key_work_only_while_it_is_a_fallback(world, app):
    payload = world.payloads["share-link"]
    old = sign(app, "share-link", payload)
    app.config.update(SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]], SECRET_KEY="rotated-key")
    assert world.accepted("share-link", old)
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not world.accepted("share-link", old)


def test_single_use_tokens_are_refused_the_second_time(world, app, client):
    edit = sign(app, "edit", world.payloads["edit"])
    assert world.accepted("edit", edit)
    assert not world.accepted("edit", edit)  # the edit moved the comment's version on

    link = f"/moderate/mail/{sign(app, 'moderation-link', world.payloads['moderation-link'])}"
    csrf = csrf_token(client, link)
    assert client.post(link, data={"csrf_token": csrf}).status_code == 200
    assert client.post(link, data={"csrf_token": csrf}).status_code == 403

    sql(app, "UPDATE privacy_requests SET kind = 'erase'")
    erase = f"/privacy/confirm/{sign(app, 'privacy', world.payloads['privacy'])}"
    page = client.get(erase).get_data(as_text=True)
    form = {name: value for name, value in re.findall(
        r'name="([^"]+)" value="([^"]*)"', page)}
    assert client.post(erase, data=form).status_code == 200
    assert client.post(erase, data=form).status_code == 409


def test_an_expired_token_is_told_apart_from_a_forged_one_by_its_type(app):
    from comments.services import tokens

    old = sign(app, "share-link", {"s": 1}, age=tokens.PURPOSES["share-link"] + 60)
    with app.app_context():
        with pytest.raises(tokens.ExpiredToken):
            tokens.unsign("share-link", old)
        with pytest.raises(tokens.InvalidToken) as forged:
            tokens.unsign("share-link", old[:-3] + ("AAA" if old[-3:] != "AAA" else "BBB"))
        assert not isinstance(forged.value, tokens.ExpiredToken)
        with pytest.raises(tokens.InvalidToken) as other:
            tokens.unsign("edit", sign(app, "share-link", {"s": 1}))
        assert not isinstance(other.value, tokens.ExpiredToken)


def test_an_edit_token_past_the_window_answers_window_over_and_a_forged_one_bad_token(
        app, client, post):
    posted = post(text="mine").json
    payload = {"c": posted["id"], "v": 1}
    late = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "late"},
                        headers={"X-Edit-Token": sign(app, "edit", payload, age=960)})
    assert late.status_code == 403 and late.json["error"] == "edit_window_over"
    forged = sign(app, "edit", payload)
    forged = forged[:-3] + ("AAA" if forged[-3:] != "AAA" else "BBB")
    wrong = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "forged"},
                         headers={"X-Edit-Token": forged})
    assert wrong.status_code == 403 and wrong.json["error"] == "bad_token"


def test_a_form_token_serves_only_the_kind_of_form_it_was_issued_for(app, client, post):
    privacy_token = sign(app, "form", {"s": "default", "p": "privacy"})
    comment_token = sign(app, "form", {"t": time.time() - 60, "j": secrets.token_hex(12)})
    held = post(text="from the privacy page's token", form_token=privacy_token)
    assert held.status_code == 202
    assert "form token invalid" in str(sql(app, "SELECT reasons FROM comments")[0][0])
    page = client.post("/privacy/", data={"site": "default", "email": "a@example.org",
                                          "kind": "export", "form_token": comment_token})
    assert page.status_code == 400 and "expired" in page.text
    make_site(app, "other")
    other_site = client.post("/privacy/", data={"site": "other", "email": "a@example.org",
                                                "kind": "export", "form_token": privacy_token})
    assert other_site.status_code == 400 and "expired" in other_site.text
