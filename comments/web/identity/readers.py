"""`/api/v1/readers/...`: sign in with SSO or an emailed code, sign out everywhere, see or erase me."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from comments.extensions import limiter
from comments.schemas.identity import MeOut, ReaderTokenHeader, SessionIn, SignedInOut
from comments.services.identity import codes, readers
from comments.web.client import client_of_request
from comments.web.limits import site_and_address

bp = Blueprint("readers", __name__, url_prefix="/api/v1/readers",
               description="Readers' identity: single sign-on and email codes")


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_LIMIT_READERS"])


def _signed_in(done: readers.SignedIn) -> Response:
    return jsonify({"reader_token": done.token, "reader": readers.reader_json(done.reader)})


@bp.route("/session")
class Session(MethodView):
    @bp.arguments(SessionIn)
    @bp.response(200, SignedInOut)
    @bp.alt_response(202, description="A code was mailed if the address may receive one; "
                     "the answer is the same whether it was or not.")
    @limiter.limit(_sign_in_limit, key_func=site_and_address)
    def post(self, data: dict[str, Any]) -> Response:
        """Sign in with the publisher's SSO token, or ask for a code by mail, or give that code."""
        site = data.get("site", "default")
        if "sso_token" in data:
            return _signed_in(readers.sign_in_with_sso(site, data["sso_token"]))
        if "code" in data:
            return _signed_in(codes.sign_in_with_code(site, data["email"], data["code"]))
        codes.request_code(site, data["email"], client_of_request(), data["language"])
        response = jsonify({"status": "code_sent"})
        response.status_code = 202
        return response

    @bp.arguments(ReaderTokenHeader, location="headers")
    @bp.response(204)
    def delete(self, headers: dict[str, Any]) -> Response:
        """Sign out everywhere: every reader token issued so far stops working."""
        readers.sign_out(headers["x_reader_token"])
        return Response(status=204)


@bp.route("/me")
class Me(MethodView):
    @bp.arguments(ReaderTokenHeader, location="headers")
    @bp.response(200, MeOut)
    def get(self, headers: dict[str, Any]) -> Response:
        """The signed-in reader, their comments, subscriptions and data requests."""
        response = jsonify(readers.my_data(headers["x_reader_token"]))
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @bp.arguments(ReaderTokenHeader, location="headers")
    @bp.response(204)
    def delete(self, headers: dict[str, Any]) -> Response:
        """Erase the reader and their data (through the privacy service) and sign them out."""
        readers.erase_me(headers["x_reader_token"])
        return Response(status=204)
