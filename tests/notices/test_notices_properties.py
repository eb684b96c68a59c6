"""Properties: every decision gets one statement to its author and one answer to each reporter,
and the transparency figures equal what was done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notices.support import notice_body, public_comment
from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_token

PLANS = st.lists(st.tuples(
    st.booleans(),  # the author left an address
    st.integers(min_value=0, max_value=3),  # reporters filing a notice about it
    st.sampled_from(["keep", "reject", "delete", "moderator:reject", "moderator:delete",
                     "moderator:spam", "nothing"]),
    st.booleans(),  # the decision is marked automated
), min_size=1, max_size=5)
TABLES = ("appeals", "notices", "decisions", "moderation_events", "outbox", "flags", "votes",
          "comments", "threads")


def mail_rows(app):
    from comments.extensions import db
    from comments.models import OutboxMessage

    with app.app_context():
        rows = [(m.recipient, m.template, dict(m.context or {}))
                for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id)]
        db.session.remove()
    return rows


@pytest.mark.slow
def test_one_statement_and_one_answer_per_decision_and_figures_that_match(app, client):
    moderator = make_moderator(app, "mod@example.com", sites=["default"])
    token = make_token(app, moderator)

    @settings(max_examples=12, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(PLANS)
    def check(plans):
        for table in TABLES:
            sql(app, f"DELETE FROM {table}")
        done = {"notices": 0, "with_notice": 0, "without_notice": 0, "automated": 0,
                "human": 0, "by_key": {}}
        for index, (has_email, reporters, plan, automated) in enumerate(plans):
            email = f"author{index}@example.org" if has_email else None
            comment_id = public_comment(client, email=email, text=f"Comment number {index}.")
            notice_ids = []
            for reporter in range(reporters):
                response = client.post("/api/v1/notices", json=notice_body(
                    comment_id, reporter_email=f"r{index}-{reporter}@example.net"))
                assert response.status_code == 202
                notice_ids.append(response.json)
            done["notices"] += reporters
            if plan.startswith("moderator:"):
                action = plan.split(":")[1]
                answer = client.post(f"/api/v1/moderation/comments/{comment_id}/{action}",
                                     headers=bearer(token))
                assert answer.status_code == 200
                done["without_notice"] += 1
                done["human"] += 1
            elif plan != "nothing" and reporters:
                [first] = sql(app, "SELECT id FROM notices WHERE comment_id = :c ORDER BY id "
                                   "LIMIT 1", c=comment_id)
                ground = None if plan == "keep" else "terms"
                answer = client.post(
                    f"/api/v1/moderation/notices/{first[0]}/decision", headers=bearer(token),
                    json={"outcome": plan, "ground": ground, "law_or_rule": "Rule 1",
                          "facts": "Checked.", "automated": automated})
                assert answer.status_code == 200, answer.json
                done["with_notice"] += 1
                done["automated" if automated else "human"] += 1
                key = f"{ground or 'none'}/{plan}"
                done["by_key"][key] = done["by_key"].get(key, 0) + reporters

        mails = mail_rows(app)
        decisions = sql(app, "SELECT d.id, c.email FROM decisions d "
                             "JOIN comments c ON c.id = d.comment_id ORDER BY d.id")
        assert len(decisions) == done["with_notice"] + done["without_notice"]
        for decision_id, email in decisions:
            statements = [m for m in mails if m[1] == "statement"
                          and m[2]["reference"] == f"D-{decision_id}"]
            assert [m[0] for m in statements] == ([email] if email else [])
        for reference, reporter, decision_id in sql(
                app, "SELECT reference, reporter_email, decision_id FROM notices"):
            answers = [m for m in mails if m[1] == "notice_outcome" and m[2]["reference"] == reference]
            receipts = [m for m in mails if m[1] == "notice_receipt" and m[2]["reference"] == reference]
            assert len(receipts) == 1 and receipts[0][0] == reporter
            assert [m[0] for m in answers] == ([reporter] if decision_id else [])

        today = datetime.now(UTC).date()
        figures = client.get(
            f"/api/v1/moderation/transparency?site=default&from={today - timedelta(days=1)}"
            f"&to={today + timedelta(days=1)}", headers=bearer(token)).json
        assert figures["notices_received"] == done["notices"]
        assert figures["actions_without_notice"] == done["without_notice"]
        assert figures["decisions_automated"] == done["automated"]
        assert figures["decisions_human"] == done["human"]
        assert figures["notices_by_ground_and_outcome"] == done["by_key"]
        assert (figures["median_hours_to_decision"] is None) == (not done["by_key"])

    check()
