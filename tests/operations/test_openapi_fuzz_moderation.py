"""Schemathesis, every check, over the moderation API: with a valid token and without one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from tests.support.moderation import bearer

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
EXAMPLES = int(os.environ.get("COMMENTS_FUZZ_EXAMPLES", "25"))
# Schemathesis' WSGI transport reads bodies undecoded: ask for them plain (see test_openapi_fuzz).
PLAIN = {"Accept-Encoding": "identity"}


def _moderation_operations(app):
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", app, config=SchemathesisConfig.from_path(str(CONFIG)))
    operations = [result.ok() for result in schema.get_all_operations()]
    found = [op for op in operations if op.path.startswith("/api/v1/moderation/")]
    assert len(found) >= 6, [op.path for op in operations]
    return found


def _run(operation, examples, check):
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def one(case):
        check(case)

    one()


def test_with_a_token_every_moderation_operation_keeps_its_contract(app, post, admin_token):
    post(text="a comment to approve, reject and pin")
    post(text="a reply-less second one", uri="/b/")
    token = bearer(admin_token)

    def check(case):
        case.call_and_validate(headers={**token, **PLAIN})

    for operation in _moderation_operations(app):
        _run(operation, EXAMPLES, check)


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic YTpi",
                                           "bearer  "])
def test_without_valid_credentials_every_moderation_operation_answers_401(
        app, post, admin_token, authorization):
    post(text="something a stranger would like to approve")
    seen: list[int] = []

    def check(case):
        headers = {"Authorization": authorization} if authorization else {}
        response = case.call(headers=headers)
        seen.append(response.status_code)
        assert response.status_code == 401, (case.method, case.formatted_path,
                                              response.status_code, response.text[:200])
        headers_seen = {key.lower(): value for key, value in response.headers.items()}
        challenge = headers_seen["www-authenticate"]
        assert str(challenge[0] if isinstance(challenge, list) else challenge).startswith("Bearer")
        assert response.json()["error"] == "unauthorized"
        # 401 is a documented answer of every operation, so schemathesis holds it to the schema.
        case.validate_response(response)

    for operation in _moderation_operations(app):
        _run(operation, 5, check)
    assert len(seen) >= 6
