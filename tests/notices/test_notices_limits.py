"""Notices are limited like posting: the site's post limit, per site and client address."""

from __future__ import annotations

import uuid

import pytest

from tests.notices.support import notice_body, public_comment
from tests.support.moderation import set_policy


@pytest.fixture
def config(config):
    return {**config, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}


def test_the_sites_post_limit_applies_to_notices(app, client):
    set_policy(app, post_limit="2 per minute")
    comment_id = public_comment(client)
    codes = [client.post("/api/v1/notices", json=notice_body(comment_id)).status_code
             for _ in range(3)]
    assert codes == [202, 202, 429]
