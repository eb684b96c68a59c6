# Type stub for the part of flask-smorest that comments/ uses.
#
# flask-smorest ships no type information (no py.typed), and the one stub package on PyPI,
# types-smorest, was last released in 2022 and mistypes this version (Blueprint.doc rejects
# lists, Api.ERROR_SCHEMA cannot be replaced). Signatures follow flask-smorest 0.47; the
# decorators return the view unchanged as far as callers can tell, as Flask's own route does.
# A name missing here is an error in mypy, not Any: add it, with its real signature, when used.

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

import flask
from marshmallow import Schema
from werkzeug.exceptions import HTTPException

_View = TypeVar("_View", bound=Callable[..., Any])
_SchemaRef = type[Schema] | Schema | str | dict[str, Any]

class Api:
    ERROR_SCHEMA: type[Schema]

    def __init__(
        self,
        app: flask.Flask | None = None,
        *,
        spec_kwargs: dict[str, Any] | None = None,
        config_prefix: str = "",
    ) -> None: ...
    def init_app(self, app: flask.Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None: ...
    def register_blueprint(
        self, blp: Blueprint, *, parameters: list[dict[str, Any]] | None = None, **options: Any
    ) -> None: ...
    def handle_http_exception(self, error: HTTPException) -> flask.typing.ResponseReturnValue: ...

class Blueprint(flask.Blueprint):
    def __init__(self, *args: Any, description: str | None = None, **kwargs: Any) -> None: ...
    def route(
        self,
        rule: str,
        *,
        parameters: list[dict[str, Any] | str] | None = None,
        tags: list[str] | None = None,
        **options: Any,
    ) -> Callable[[_View], _View]: ...
    def arguments(
        self,
        schema: type[Schema] | Schema,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Mapping[str, Any] | None = None,
        examples: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[_View], _View]: ...
    def response(
        self,
        status_code: int | str | HTTPStatus,
        schema: _SchemaRef | None = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Mapping[str, Any] | None = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> Callable[[_View], _View]: ...
    def alt_response(
        self,
        status_code: int | str | HTTPStatus,
        response: str | None = None,
        *,
        schema: _SchemaRef | None = None,
        content_type: str | None = None,
        description: str | None = None,
        example: Mapping[str, Any] | None = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[_View], _View]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_View], _View]: ...
