"""The flask-smorest Api that publishes the OpenAPI document and speaks our error format."""

from __future__ import annotations

from typing import Any

import flask_smorest
from werkzeug.exceptions import HTTPException

from comments.errors import error_payload
from comments.schemas.common import ErrorSchema


class Api(flask_smorest.Api):
    """Api whose HTTP errors follow the contract's `{"error", "message", "errors"}` shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Turn any HTTP error, including webargs validation errors, into our JSON error."""
        return error_payload(error)
