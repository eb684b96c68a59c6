"""Schemathesis over /api/openapi.json: no server errors and no answers that break the schema."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"

EXAMPLES = int(__import__("os").environ.get("COMMENTS_FUZZ_EXAMPLES", "40"))

# Schemathesis sends requests' default Accept-Encoding (gzip, br, ...) but its WSGI transport
# reads the body as it comes, undecoded; the contract is about the content, so ask for it plain
# (compression itself is tested in tests/fast_lane).
PLAIN = {"Accept-Encoding": "identity"}


def test_every_operation_keeps_its_contract(app, post):
    """Each operation, fed generated valid and invalid requests, answers within its contract."""
    post(text="a comment to vote on, flag and edit")  # so ids and threads exist
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", app, config=SchemathesisConfig.from_path(str(CONFIG))
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_contract(case):
            case.call_and_validate(headers=PLAIN)

        keeps_contract()


def test_the_document_describes_the_public_api(client):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ("/api/v1/comments", "/api/v1/comments/{comment_id}", "/api/v1/counts",
                 "/api/v1/comments/{comment_id}/votes", "/api/v1/comments/{comment_id}/flags",
                 "/api/v1/preview", "/api/v1/feeds/comments.atom", "/api/v1/feeds/recent.atom",
                 "/api/v1/shares/links"):
        assert path in paths, path
    post = paths["/api/v1/comments"]["post"]
    assert {"201", "202"} <= set(post["responses"])
    body = document["components"]["schemas"]
    assert "text" in body["CommentIn"]["required"]
