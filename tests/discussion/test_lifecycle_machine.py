"""A Hypothesis state machine over the public comment lifecycle: post, reply, edit, delete, vote, flag."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

URI = "/machine/"


def _walk(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out, stack = [], list(comments)
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node["replies"])
    return out


class CommentLifecycle(RuleBasedStateMachine):
    """Readers act at random; the public thread must always agree with what they were told."""

    comments = Bundle("comments")

    def __init__(self) -> None:
        super().__init__()
        self.visible: dict[int, str] = {}  # id -> html the author was shown
        self.tokens: dict[int, str] = {}
        self.stale_tokens: dict[int, str] = {}
        self.deleted: set[int] = set()
        self.voters = 0

    @initialize()
    def reset(self) -> None:
        from tests.support.app import sql

        sql(self.app, "DELETE FROM comments")
        sql(self.app, "DELETE FROM threads")

    @rule(target=comments,
          text=st.text(min_size=1, max_size=40).filter(lambda t: t.strip() and "\x00" not in t))
    def post_top_level(self, text: str) -> int:
        response = self.client.post("/api/v1/comments", json={"uri": URI, "text": text})
        assert response.status_code == 201, response.json
        self.visible[response.json["id"]] = response.json["html"]
        self.tokens[response.json["id"]] = response.json["edit_token"]
        return int(response.json["id"])

    @rule(target=comments, parent=comments, text=st.sampled_from(["yes", "no", "**why**"]))
    def reply(self, parent: int, text: str) -> int:
        response = self.client.post("/api/v1/comments",
                                    json={"uri": URI, "text": text, "parent_id": parent})
        if parent in self.deleted:
            assert response.status_code == 422
            return parent
        assert response.status_code == 201, response.json
        self.visible[response.json["id"]] = response.json["html"]
        self.tokens[response.json["id"]] = response.json["edit_token"]
        return int(response.json["id"])

    @rule(comment=comments, text=st.sampled_from(["edited", "_edited again_"]))
    def edit(self, comment: int, text: str) -> None:
        token = self.tokens.get(comment, "")
        response = self.client.patch(f"/api/v1/comments/{comment}", json={"text": text},
                                     headers={"X-Edit-Token": token or "none"})
        if comment in self.deleted:
            assert response.status_code == 403
            return
        assert response.status_code == 200, response.json
        self.stale_tokens[comment] = token
        self.tokens[comment] = response.json["edit_token"]
        self.visible[comment] = response.json["html"]

    @rule(comment=comments)
    def edit_with_a_stale_token(self, comment: int) -> None:
        stale = self.stale_tokens.get(comment)
        if stale is None:
            return
        response = self.client.patch(f"/api/v1/comments/{comment}", json={"text": "sneaky"},
                                     headers={"X-Edit-Token": stale})
        assert response.status_code == 403

    @rule(comment=comments)
    def delete(self, comment: int) -> None:
        response = self.client.delete(f"/api/v1/comments/{comment}",
                                      headers={"X-Edit-Token": self.tokens.get(comment, "none")})
        if comment in self.deleted:
            assert response.status_code == 403
            return
        assert response.status_code == 204
        self.deleted.add(comment)
        self.visible.pop(comment, None)

    @rule(comment=comments, value=st.sampled_from([1, -1]))
    def vote(self, comment: int, value: int) -> None:
        self.voters += 1
        address = f"10.1.{self.voters // 250}.{self.voters % 250}"
        response = self.client.post(f"/api/v1/comments/{comment}/votes", json={"value": value},
                                    environ_base={"REMOTE_ADDR": address})
        assert response.status_code == (404 if comment in self.deleted else 200)

    @invariant()
    def the_thread_shows_exactly_the_visible_comments(self) -> None:
        body = self.client.get(f"/api/v1/comments?uri={URI}&limit=100").json
        nodes = _walk(body["comments"])
        shown = {n["id"]: n["html"] for n in nodes if n["status"] == "approved"}
        assert shown == self.visible
        assert body["thread"]["count"] == len(self.visible)
        for node in nodes:
            if node["status"] == "deleted":
                assert node["html"] == "" and node["author"] == ""
                assert node["reply_count"] > 0
            assert node["reply_count"] == sum(
                1 for n in _walk(node["replies"]) if n["status"] == "approved"
            )


@pytest.mark.slow
def test_the_comment_lifecycle_keeps_the_public_thread_consistent(app):
    from tests.support.moderation import set_policy

    # Every example starts the thread anew, all from one address: lift the daily new-thread quota.
    set_policy(app, new_threads_per_network=100_000)
    CommentLifecycle.app = app
    CommentLifecycle.client = app.test_client()
    CommentLifecycle.TestCase.settings = settings(
        max_examples=25, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    )
    CommentLifecycle.TestCase().runTest()
