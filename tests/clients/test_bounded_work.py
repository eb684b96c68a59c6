"""Bounded work (issue 13, finding 7): previews are limited in size and rate."""

from __future__ import annotations

import time
import uuid

import pytest

# Markdown-it scans to the end of the text for every unclosed autolink: quadratic. 60 KB of it
# took 8.3 s of CPU to preview before the bound (measured on this machine, noisy).
AUTOLINKS = "<http://" * 7500


def test_a_preview_is_no_longer_than_a_comment_may_be(client):
    started = time.process_time()
    answer = client.post("/api/v1/preview", json={"text": AUTOLINKS})
    assert answer.status_code == 422 and "text" in answer.json["errors"]
    assert time.process_time() - started < 1.0
    fits = client.post("/api/v1/preview", json={"text": "x" * 10_000})
    assert fits.status_code == 200


def test_the_bound_is_the_sites_own(app, client):
    from comments.services.sites import create_site

    with app.app_context():
        create_site("short", "https://short.example", settings={"text_max_length": 50})
    assert client.post("/api/v1/preview", json={"site": "short", "text": "x" * 51}
                       ).status_code == 422
    assert client.post("/api/v1/preview", json={"site": "short", "text": "*hi*"}
                       ).json == {"html": "<p><em>hi</em></p>"}


class TestRate:
    @pytest.fixture
    def config(self, config):
        return {**config, "RATELIMIT_ENABLED": True, "PREVIEW_LIMIT": "3 per minute",
                "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}

    def test_previews_are_limited_per_network(self, client):
        statuses = [client.post("/api/v1/preview", json={"text": "hi"},
                                environ_base={"REMOTE_ADDR": f"2001:db8:9:9::{n}"}).status_code
                    for n in range(1, 5)]
        assert statuses == [200, 200, 200, 429]
        other = client.post("/api/v1/preview", json={"text": "hi"},
                            environ_base={"REMOTE_ADDR": "198.51.100.50"})
        assert other.status_code == 200
