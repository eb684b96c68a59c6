"""Restrictions made without a notice (a moderator, a word rule, flags) produce a statement too."""

from __future__ import annotations

import pytest

from tests.notices.support import PUBLIC, appeal_token, deliver, public_comment, text_of
from tests.support.app import sql
from tests.support.moderation import add_rule, bearer, make_moderator, make_token, set_policy


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, PUBLIC_URL=PUBLIC, SMTP_TIMEOUT=2)
    return config


@pytest.fixture
def token(app):
    return make_token(app, make_moderator(app, "mod@example.com", sites=["default"]))


def statements(app):
    return sql(app, "SELECT outcome, ground, automated, with_notice, decided_by FROM decisions "
                    "ORDER BY id")


def test_a_moderator_removing_a_public_comment_sends_a_human_statement(app, client, token,
                                                                       smtp_server):
    comment_id = public_comment(client)
    assert client.post(f"/api/v1/moderation/comments/{comment_id}/delete",
                       headers=bearer(token)).status_code == 200
    assert statements(app) == [("delete", "terms", False, False, "moderator:mod@example.com")]
    [mail] = deliver(app, smtp_server)
    assert mail["To"] == "author@example.org"
    assert "against the site's rules" in text_of(mail) and "a person" in text_of(mail)
    assert appeal_token(mail)
    restored = client.post(f"/api/v1/moderation/comments/{comment_id}/restore",
                           headers=bearer(token))
    assert restored.status_code == 200 and len(statements(app)) == 1


def test_an_edit_caught_by_a_word_rule_sends_an_automated_statement(app, client, smtp_server):
    add_rule(app, "block_word", "forbidden")
    response = client.post("/api/v1/comments", json={
        "uri": "/2019/02/08/summit/", "text": "Fine at first.", "author": "Bert",
        "email": "author@example.org"})
    edit = client.patch(f"/api/v1/comments/{response.json['id']}",
                        json={"text": "Now forbidden words."},
                        headers={"X-Edit-Token": response.json["edit_token"]})
    assert edit.status_code == 200, edit.json
    assert statements(app) == [("reject", "terms", True, False, "system")]
    [mail] = deliver(app, smtp_server)
    assert "blocked word: forbidden" in text_of(mail) and "an automated rule" in text_of(mail)


def test_a_comment_flagged_back_to_the_queue_then_rejected_gets_a_statement(app, client, token):
    set_policy(app, flag_threshold=1)
    comment_id = public_comment(client)
    flagged = client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "abuse"})
    assert flagged.status_code == 202, flagged.json
    assert sql(app, "SELECT status FROM comments") == [("pending",)]
    assert statements(app) == []
    client.post(f"/api/v1/moderation/comments/{comment_id}/reject", headers=bearer(token))
    assert statements(app) == [("reject", "terms", False, False, "moderator:mod@example.com")]


def test_held_comments_rejected_and_authors_deleting_their_own_get_no_statement(app, client,
                                                                                token):
    set_policy(app, moderation="hold_all")
    held = client.post("/api/v1/comments", json={"uri": "/a/", "text": "Held.",
                                                 "email": "x@example.org"}).json
    client.post(f"/api/v1/moderation/comments/{held['id']}/reject", headers=bearer(token))
    set_policy(app, moderation="publish")
    own = client.post("/api/v1/comments", json={"uri": "/a/", "text": "Mine.",
                                                "email": "y@example.org"}).json
    deleted = client.delete(f"/api/v1/comments/{own['id']}",
                            headers={"X-Edit-Token": own["edit_token"]})
    assert deleted.status_code == 204, deleted.data
    assert statements(app) == []


@pytest.mark.parametrize("reason,delivered", [("unsubscribed", True), ("bounced", False)])
def test_a_statement_reaches_an_author_who_unsubscribed_but_not_a_dead_address(
        app, client, token, smtp_server, reason, delivered):
    # The law requires the statement: "stop all email" cannot stop it, and it carries no
    # unsubscribe link; an address that bounced gets nothing, as for every mail.
    from comments.services.mail import suppression

    comment_id = public_comment(client)
    with app.app_context():
        suppression.suppress("author@example.org", reason)
        from comments.extensions import db

        db.session.commit()
    assert client.post(f"/api/v1/moderation/comments/{comment_id}/delete",
                       headers=bearer(token)).status_code == 200
    mails = deliver(app, smtp_server)
    assert len(mails) == (1 if delivered else 0)
    if delivered:
        assert mails[0]["To"] == "author@example.org"
        assert "List-Unsubscribe" not in mails[0]
        assert "unsubscribe" not in text_of(mails[0]).lower()
