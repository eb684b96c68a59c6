"""Fixtures of the fast lane's tests: a Flask-only twin of the app, and who reached Flask."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def flask_only(app: Flask, config: dict[str, Any], database_url: str) -> FlaskClient:
    """A second app on the same database with the fast lane turned off."""
    from comments import create_app

    plain = create_app({**config, "DATABASE_URL": database_url, "FAST_READS": False})
    return plain.test_client()


@pytest.fixture
def flask_calls(app: Flask) -> list[str]:
    """The paths of requests that reached Flask's request handling."""
    from flask import request

    seen: list[str] = []
    app.before_request(lambda: seen.append(request.full_path) and None)
    return seen


def lane_answer(response: Any) -> tuple[int, bytes, dict[str, str]]:
    """What a test compares of two answers: status, body and every header but the request id."""
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    return response.status_code, response.data, headers
