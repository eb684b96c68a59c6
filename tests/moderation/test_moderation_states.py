"""A state machine over posting and moderating: nothing rejected or spam ever shows, counts stay exact."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.support.app import sql
from tests.support.moderation import add_rule

URIS = ("/a/", "/b/")
KINDS = ("ok", "held", "spam", "rejected")
ACTIONS = ("approve", "reject", "spam", "delete", "restore", "pin", "unpin")


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node["replies"])
    return found


def make_machine(app, client, moderator_id: int) -> type[RuleBasedStateMachine]:
    from comments.errors import DomainError
    from comments.extensions import db
    from comments.models import Moderator
    from comments.services.moderation import actions

    class Moderating(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            for table in ("moderation_events", "flags", "votes", "outbox", "comments", "threads"):
                sql(app, f"DELETE FROM {table}")
            self.ids: list[int] = []
            self.texts: dict[int, str] = {}
            self.serial = 0

        @rule(kind=st.sampled_from(KINDS), uri=st.sampled_from(URIS), reply=st.booleans(),
              pick=st.integers(min_value=0, max_value=50))
        def post(self, kind: str, uri: str, reply: bool, pick: int) -> None:
            self.serial += 1
            text = f"marker{self.serial}x" + (" forbidden" if kind == "rejected" else "")
            body: dict[str, Any] = {"uri": uri, "text": text, "author": f"a{self.serial}"}
            if kind == "held":
                body["form_token"] = "not-a-token"
            if kind == "spam":
                body["hp"] = "filled"
            if reply and self.ids:
                body["parent_id"] = self.ids[pick % len(self.ids)]
            response = client.post("/api/v1/comments", json=body,
                                   environ_base={"REMOTE_ADDR": f"192.0.2.{self.serial % 250}"})
            assert response.status_code in (201, 202, 422), response.get_data(as_text=True)
            if response.status_code == 422:
                assert "parent_id" in response.json["errors"]
                return
            if kind != "ok":
                assert response.status_code == 202 and response.json["status"] == "pending"
                assert "marker" in response.json["html"]  # the author sees their own text
            self.ids.append(response.json["id"])
            self.texts[response.json["id"]] = f"marker{self.serial}x"

        @precondition(lambda self: bool(self.ids))
        @rule(action=st.sampled_from(ACTIONS), pick=st.integers(min_value=0, max_value=50))
        def moderate(self, action: str, pick: int) -> None:
            comment_id = self.ids[pick % len(self.ids)]
            with app.app_context():
                try:
                    actions.act(comment_id, action, db.session.get(Moderator, moderator_id))
                except DomainError as error:
                    assert error.code == "conflict", error.code
                finally:
                    db.session.remove()

        @precondition(lambda self: len(self.ids) > 1)
        @rule(action=st.sampled_from(ACTIONS), data=st.data())
        def bulk(self, action: str, data: st.DataObject) -> None:
            chosen = data.draw(st.lists(st.sampled_from(self.ids), min_size=1, max_size=4))
            with app.app_context():
                result = actions.bulk(chosen, action, db.session.get(Moderator, moderator_id))
                db.session.remove()
            assert set(result.done) | {int(k) for k in result.failed} == set(chosen)
            assert set(result.failed.values()) <= {"conflict"}

        @invariant()
        def counts_equal_the_visible_comments(self) -> None:
            per_status = "(SELECT count(*) FROM comments c WHERE c.thread_id = t.id AND c.status = '{}')"
            rows = sql(app, "SELECT t.uri, t.count, t.pending_count, "
                            f"{per_status.format('approved')}, {per_status.format('pending')} "
                            "FROM threads t")
            for uri, count, pending, approved, waiting in rows:
                assert count == approved, uri
                assert pending == waiting, uri

        @invariant()
        def the_public_sees_exactly_the_approved_comments(self) -> None:
            statuses = dict(sql(app, "SELECT id, status FROM comments"))
            for uri in URIS:
                response = client.get("/api/v1/comments", query_string={"uri": uri, "limit": 100})
                body = response.get_data(as_text=True)
                shown = walk(response.json["comments"])
                with_content = {c["id"] for c in shown if c["html"]}
                approved_here = {c["id"] for c in shown if c["status"] == "approved"}
                assert with_content == approved_here
                for comment_id in with_content:
                    assert statuses[comment_id] == "approved"
                for comment_id, text in self.texts.items():
                    if statuses.get(comment_id) != "approved":
                        assert text + "<" not in body and text + " " not in body
                assert response.json["thread"]["count"] == len(approved_here)

    return Moderating


@pytest.mark.slow
def test_no_path_publishes_rejected_or_spam_and_counts_stay_exact(app, client, admin):
    add_rule(app, "block_word", "forbidden")
    machine = make_machine(app, client, admin)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=8, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    ))
