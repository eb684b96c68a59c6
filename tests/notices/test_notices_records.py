"""Records: the audit trail, data copies and erasures, and retention that outlasts appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.notices.support import notice_body, public_comment
from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_token


@pytest.fixture
def config(config, tmp_path):
    config.update(MAIL_FOLDER=str(tmp_path / "mail"), PUBLIC_URL="https://comments.news.example")
    return config


@pytest.fixture
def decided(app, client):
    """A comment, a notice, a removal, an appeal by the author and its reversal."""
    from comments.services import tokens

    first = make_token(app, make_moderator(app, "first@example.com", sites=["default"]))
    second = make_token(app, make_moderator(app, "second@example.com", sites=["default"]))
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id))
    client.post("/api/v1/moderation/notices/1/decision", headers=bearer(first),
                json={"outcome": "reject", "ground": "illegal", "law_or_rule": "§ 130",
                      "facts": "Incitement."})
    with app.test_request_context():
        token = tokens.sign("appeal", {"d": 1, "n": None})
    client.post("/api/v1/appeals", json={"token": token, "explanation": "Quoted a law."})
    client.post("/api/v1/moderation/appeals/1/decision", headers=bearer(second),
                json={"reverse": False, "reasons": "Not a quote."})
    return comment_id, first


def test_every_step_is_in_the_audit_log_with_who_and_when(app, decided):
    rows = sql(app, "SELECT action, actor, CASE WHEN created_at IS NOT NULL THEN 1 ELSE 0 END "
                    "FROM moderation_events "
                    "WHERE action LIKE 'notice%' OR action LIKE 'appeal%' "
                    "OR action LIKE 'statement%' ORDER BY id")
    assert rows == [
        ("notice_filed", "reporter", 1),
        ("notice_decided", "moderator:first@example.com", 1),
        ("statement_sent", "system", 1),
        ("notice_answered", "system", 1),
        ("appeal_filed", "author", 1),
        ("appeal_decided", "moderator:second@example.com", 1),
        ("appeal_answered", "system", 1),
    ]


def test_a_data_copy_holds_the_reporters_notices_and_the_authors_statements(
        app, client, decided, admin_token):
    reporter = client.post("/api/v1/moderation/privacy/export", headers=bearer(admin_token),
                           json={"email": "rita@example.net", "site": "default"}).json
    assert [n["law"] for n in reporter["notices"]] == ["StGB § 130 (incitement)"]
    assert reporter["statements_of_reasons"] == [] and reporter["appeals"] == []
    author = client.post("/api/v1/moderation/privacy/export", headers=bearer(admin_token),
                         json={"email": "author@example.org", "site": "default"}).json
    assert author["notices"] == []
    [statement] = author["statements_of_reasons"]
    assert statement["ground"] == "illegal" and statement["facts"] == "Incitement."
    assert [a["explanation"] for a in author["appeals"]] == ["Quoted a law."]


def test_erasure_removes_who_they_are_and_keeps_what_was_decided(app, client, decided,
                                                                 admin_token):
    for email in ("rita@example.net", "author@example.org"):
        erased = client.post("/api/v1/moderation/privacy/erase", headers=bearer(admin_token),
                             json={"email": email, "site": "default"})
        assert erased.status_code == 200
    assert sql(app, "SELECT reporter_name, reporter_email, reporter_email_hash, law FROM notices") \
        == [("", None, None, "StGB § 130 (incitement)")]
    assert sql(app, "SELECT author_email_hash, ground FROM decisions") == [(None, "illegal")]
    assert sql(app, "SELECT email, email_hash, outcome FROM appeals") == [(None, None, "upheld")]
    again = client.post("/api/v1/moderation/privacy/export", headers=bearer(admin_token),
                        json={"email": "rita@example.net", "site": "default"}).json
    assert again["notices"] == []


def test_retention_keeps_removed_comments_and_records_while_an_appeal_can_come(
        app, client, decided):
    from comments.models.types import utcnow
    from comments.services.privacy.retention import prune

    comment_id, _first = decided
    sql(app, "UPDATE comments SET status = 'rejected'")
    other = public_comment(client, text="Junk, never decided.")
    sql(app, "UPDATE comments SET status = 'rejected' WHERE id = :id", id=other)
    old = utcnow() - timedelta(days=100)
    sql(app, "UPDATE comments SET status_changed_at = :t, created_at = :t", t=old)
    sql(app, "UPDATE decisions SET created_at = :t", t=old)
    with app.app_context():
        report = prune()
    assert report.comments_removed == 1 and report.notice_records == 0
    assert sql(app, "SELECT id FROM comments") == [(comment_id,)]
    assert sql(app, "SELECT COUNT(*) FROM notices") == [(1,)]

    app.config["NOTICES_KEEP_DAYS"] = 10  # below the appeal window: the window wins
    ancient = utcnow() - timedelta(days=190)
    for table in ("decisions", "notices", "appeals"):
        sql(app, f"UPDATE {table} SET created_at = :t", t=ancient)
    with app.app_context():
        assert prune().notice_records == 3
    assert sql(app, "SELECT COUNT(*) FROM decisions") == [(0,)]
    # The transparency figures come from the audit log, which keeps its own record.
    assert sql(app, "SELECT COUNT(*) FROM moderation_events WHERE action = 'notice_filed'") \
        == [(1,)]
