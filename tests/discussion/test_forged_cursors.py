"""Forged cursors and ids beyond the integer columns' range are a 400 or 404, never a 500."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support.moderation import bearer, sign_in

HUGE = 99999999999999999999


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [
    ["oldest", 0, "2020-01-01T00:00:00", HUGE],
    ["newest", 0, "9999-12-31T23:59:59", -HUGE],
    ["newest", 0, "0001-01-01T00:00:00+14:00", 1],
    ["oldest", 0, "9999-12-31T23:59:59-14:00", 1],
    ["top", 0, HUGE, "2020-01-01T00:00:00", 1],
    ["top", 0, 5, "2020-01-01T00:00:00", 2**31],
])
def test_a_forged_cursor_is_400(client, post, values):
    post(text="one")
    response = client.get(f"/api/v1/comments?uri=/2019/02/08/summit/&sort={values[0]}"
                          f"&after={cursor(values)}")
    assert response.status_code == 400, response.json
    assert response.json["errors"] == {"after": ["Not a valid cursor."]}


def test_the_moderation_queue_refuses_cursors_and_ids_out_of_range(client, post, admin,
                                                                   admin_token):
    post(text="one")
    for after in (str(HUGE), "-5", str(2**31)):
        api = client.get(f"/api/v1/moderation/comments?status=approved&after={after}",
                         headers=bearer(admin_token))
        assert api.status_code == 400, api.json
    for path in (f"/api/v1/moderation/comments/{2**63}", f"/api/v1/moderation/comments/{2**31}"):
        assert client.get(path, headers=bearer(admin_token)).status_code == 404
    bulk = client.post("/api/v1/moderation/bulk", json={"ids": [2**62], "action": "approve"},
                       headers=bearer(admin_token))
    assert bulk.status_code == 422
    sign_in(client, "admin@example.com")
    assert client.get(f"/moderate/?after={HUGE}").status_code == 400
    assert client.get(f"/moderate/comments/{2**63}").status_code == 404
