"""Identity by network (issue 13, finding 4): an IPv6 client is its /64 for limits, votes and
flags, and flags from one operator's network cannot hide a comment alone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.app import sql

URI = "/2026/12/03/networks/"
HOME = "2001:db8:1:2::"  # one subscriber's /64
PROVIDER = "2001:db8:1:"  # one provider's /48: many subscribers' /64s


def addr(base: str, n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"{base}{n:x}"}


def test_votes_from_one_ipv6_64_count_once(client, post):
    comment = post(text="a comment to vote on", uri=URI).json["id"]
    for n in range(1, 6):
        answer = client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1},
                             environ_base=addr(HOME, n))
        assert answer.status_code == 200
    assert answer.json == {"likes": 1, "dislikes": 0}
    other = client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1},
                        environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert other.json == {"likes": 2, "dislikes": 0}


def test_an_author_cannot_vote_from_another_address_of_the_same_64(client):
    posted = client.post("/api/v1/comments", json={"uri": URI, "text": "mine"},
                         environ_base=addr(HOME, 1))
    answer = client.post(f"/api/v1/comments/{posted.json['id']}/votes", json={"value": 1},
                         environ_base=addr(HOME, 0xBEEF))
    assert answer.status_code == 403 and answer.json["error"] == "own_comment"


def test_ipv4_mapped_addresses_are_their_ipv4_address(client, post):
    comment = post(text="mapped", uri=URI).json["id"]
    for remote in ("198.51.100.9", "::ffff:198.51.100.9"):
        client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1},
                    environ_base={"REMOTE_ADDR": remote})
    assert sql(client.application, "SELECT likes FROM comments") == [(1,)]


def flag(client: Any, comment: int, remote: str) -> None:
    answer = client.post(f"/api/v1/comments/{comment}/flags", json={"reason": "spam"},
                         environ_base={"REMOTE_ADDR": remote})
    assert answer.status_code == 202


def visible(client: Any) -> int:
    return int(client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"])


def test_three_addresses_in_one_64_cannot_unpublish_a_comment(app, client, post):
    comment = post(text="an unpopular opinion", uri=URI).json["id"]
    for n in range(1, 4):
        flag(client, comment, f"{HOME}{n}")
    assert sql(app, "SELECT flag_count, status FROM comments") == [(1, "approved")]
    assert visible(client) == 1


def test_many_64s_of_one_provider_cannot_unpublish_a_comment_alone(app, client, post):
    comment = post(text="an unpopular opinion", uri=URI).json["id"]
    for n in range(1, 6):  # five subscribers' /64s in one /48: five readers, one network
        flag(client, comment, f"{PROVIDER}{n}::1")
    for n in range(1, 6):  # and five addresses of one IPv4 /24
        flag(client, comment, f"203.0.113.{n}")
    assert sql(app, "SELECT flag_count, status FROM comments") == [(10, "approved")]
    assert visible(client) == 1
    flag(client, comment, "198.51.100.1")  # a third network
    assert sql(app, "SELECT status FROM comments") == [("pending",)]
    assert visible(client) == 0


class TestAnotherPrefix:
    @pytest.fixture
    def config(self, config):
        return {**config, "IPV6_PREFIX": 128, "NETWORK_PREFIXES": "32,128"}

    def test_the_prefix_is_a_setting(self, app, client, post):
        comment = post(text="counted per address", uri=URI).json["id"]
        for n in range(1, 4):
            client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1},
                        environ_base=addr(HOME, n))
            flag(client, comment, f"{HOME}{n}")
        assert sql(app, "SELECT likes, flag_count, status FROM comments") == [
            (3, 3, "pending")]


class TestLimits:
    @pytest.fixture
    def config(self, config):
        return {**config, "RATELIMIT_ENABLED": True,
                "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}

    def test_posting_limits_count_a_64_as_one_client(self, app, client):
        from comments.services.sites import update_site

        with app.app_context():
            update_site("default", settings={"post_limit": "2 per minute"})
        statuses = [client.post("/api/v1/comments", json={"uri": URI, "text": f"post {n}"},
                                environ_base=addr(HOME, n + 1)).status_code for n in range(3)]
        assert statuses == [201, 201, 429]
        elsewhere = client.post("/api/v1/comments", json={"uri": URI, "text": "other"},
                                environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
        assert elsewhere.status_code == 201
