"""The avatar is no oracle (issue 13, finding 5): a guessed email does not reproduce anyone's
avatar, and one address's anonymous comments do not share an avatar across threads."""

from __future__ import annotations

from typing import Any

VICTIM = {"REMOTE_ADDR": "198.51.100.20"}
STRANGER = {"REMOTE_ADDR": "203.0.113.66"}


def avatar(client: Any, where: dict[str, str], uri: str, **fields: Any) -> str:
    answer = client.post("/api/v1/comments", json={"uri": uri, "text": "hello", **fields},
                         environ_base=where)
    assert answer.status_code == 201, answer.json
    return str(answer.json["avatar"])


def test_a_guessed_email_does_not_reproduce_the_avatar(client):
    target = avatar(client, VICTIM, "/a/", author="Vic", email="vic@example.org")
    for name in ("Vic", "", "Someone"):
        guess = avatar(client, STRANGER, "/a/", author=name, email="vic@example.org")
        assert guess != target
    # Nor does a wrong guess look any different from a right one from the victim's side.
    wrong = avatar(client, VICTIM, "/a/", author="Vic", email="nobody@example.org")
    assert wrong == target


def test_anonymous_comments_from_one_address_do_not_match_across_threads(client):
    seeds = {avatar(client, VICTIM, f"/story-{n}/") for n in range(4)}
    assert len(seeds) == 4


def test_one_author_keeps_one_avatar_within_a_thread(client):
    first = avatar(client, {"REMOTE_ADDR": "2001:db8:5:6::1"}, "/a/", author="Ana")
    again = avatar(client, {"REMOTE_ADDR": "2001:db8:5:6::77"}, "/a/", author=" ana ")
    assert first == again
    impostor = avatar(client, STRANGER, "/a/", author="Ana")
    assert impostor != first


def test_the_moderation_api_serves_the_same_opaque_value(app, client, admin_token):
    from tests.support.moderation import bearer

    seed = avatar(client, VICTIM, "/a/", author="Vic", email="vic@example.org")
    listed = client.get("/api/v1/moderation/comments?status=approved",
                        headers=bearer(admin_token)).json
    values = {item["avatar"] for item in listed["comments"]}
    assert values == {seed}
    assert "vic@example.org" not in seed
