"""A form token stands for one showing of a form: its first submission spends it."""

from __future__ import annotations

import re
import secrets
import time

from tests.sharing.test_share_mail import body, sharing  # noqa: F401 - the fixture
from tests.support.app import sql

URI = "/2019/02/08/summit/"


def shown_a_minute_ago(app) -> str:
    from comments.services import tokens

    with app.test_request_context():
        return tokens.sign("form", {"t": time.time() - 60, "j": secrets.token_hex(12)})


def test_a_reused_comment_form_token_no_longer_vouches_for_the_time_to_submit(app, post):
    token = shown_a_minute_ago(app)
    first = post(text="Typed by a person.", form_token=token, hp="")
    assert first.status_code == 201
    again = post(text="Posted by a script with the same token.", form_token=token, hp="")
    assert again.status_code == 202
    assert sql(app, "SELECT reasons FROM comments WHERE id = :i", i=again.json["id"]
               )[0][0] in (["bot: form token used already"], '["bot: form token used already"]')


def test_a_reused_share_form_token_is_refused(client, sharing):  # noqa: F811
    token = shown_a_minute_ago(sharing)
    assert client.post("/api/v1/shares", json=body(sharing, form_token=token)).status_code == 202
    again = client.post("/api/v1/shares", json=body(sharing, form_token=token,
                                                     to="another@example.org"))
    assert (again.status_code, again.json["error"]) == (403, "bad_form_token")


def test_a_share_sent_too_soon_keeps_its_token_for_the_retry(client, sharing):  # noqa: F811
    from comments.services import tokens

    with sharing.test_request_context():
        token = tokens.sign("form", {"t": time.time(), "j": secrets.token_hex(12)})
    assert client.post("/api/v1/shares", json=body(sharing, form_token=token)).status_code == 422
    time.sleep(2.1)  # the site's minimum time to submit in this fixture is 2 s
    assert client.post("/api/v1/shares", json=body(sharing, form_token=token)).status_code == 202


def test_the_thread_page_gives_each_form_its_own_token(app, client):
    from tests.support.moderation import set_policy

    set_policy(app, share_by_email=True)
    page = client.get(f"/embed/thread?site=default&uri={URI}")
    found = re.findall(r'name="form_token" value="([^"]+)"', page.text)
    # The comment form, the share form and the legal notice's form (issue 17, a template the
    # report choices clone): three forms, three tokens.
    assert len(found) == 3 and len(set(found)) == 3


def test_spent_tokens_are_forgotten_once_they_have_expired(app, post):
    from datetime import timedelta

    from comments.models.types import utcnow
    from comments.services.privacy.retention import prune

    post(text="Typed by a person.", form_token=shown_a_minute_ago(app), hp="")
    assert sql(app, "SELECT count(*) FROM used_tokens WHERE purpose = 'form'")[0][0] == 1
    with app.app_context():
        assert prune(now=utcnow() + timedelta(hours=2)).spent_form_tokens == 0
        assert prune(now=utcnow() + timedelta(days=2)).spent_form_tokens == 1
