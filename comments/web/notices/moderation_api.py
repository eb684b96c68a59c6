"""Notices, appeals, trusted flaggers and transparency for integrations (bearer tokens)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Response, g, jsonify
from flask_smorest import Blueprint

from comments.errors import BadParameters, Forbidden
from comments.models import Appeal, Decision, Moderator, Notice, Site
from comments.schemas.notices import (
    AppealList,
    AppealRulingIn,
    DecisionIn,
    DecisionOut,
    NoticeList,
    NoticeQuery,
    TransparencyOut,
    TransparencyQuery,
    TrustedFlaggerIn,
    TrustedFlaggerList,
    TrustedFlaggerQuery,
)
from comments.services.notices import appeals, deciding, transparency, trusted
from comments.services.sites import get_site
from comments.web.discussion.present import iso
from comments.web.moderate import api as moderation_api

bp = Blueprint("notices_moderation_api", __name__, url_prefix="/api/v1/moderation",
               description="Notices, appeals, trusted flaggers and transparency "
                           "(Authorization: Bearer <api token>)")


# The same bearer-token check as every moderation API blueprint.
bp.before_request(moderation_api._authenticate)


def _guarded(view: Any) -> Any:
    view = bp.doc(security=[{"moderatorToken": []}])(view)
    view = bp.alt_response(401, description="No valid API token.")(view)
    return bp.alt_response(403, description="Not a moderator (or admin) of this site.")(view)


def me() -> Moderator:
    """The moderator of this request's token."""
    moderator: Moderator = g.api_moderator
    return moderator


def notice_json(notice: Notice, site: Site) -> dict[str, Any]:
    """A notice as moderators see it."""
    return {"id": notice.id, "reference": notice.reference, "site": site.key,
            "comment_id": notice.comment_id, "law": notice.law,
            "explanation": notice.explanation, "reporter_name": notice.reporter_name,
            "reporter_email": notice.reporter_email, "trusted": notice.trusted,
            "status": notice.status, "created_at": iso(notice.created_at)}


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision and its statement of reasons."""
    return {"id": decision.id, "comment_id": decision.comment_id, "outcome": decision.outcome,
            "ground": decision.ground, "law_or_rule": decision.law_or_rule,
            "facts": decision.facts, "automated": decision.automated,
            "with_notice": decision.with_notice, "decided_by": decision.decided_by,
            "created_at": iso(decision.created_at)}


def appeal_json(appeal: Appeal) -> dict[str, Any]:
    """An appeal as moderators see it."""
    return {"id": appeal.id, "decision_id": appeal.decision_id, "appellant": appeal.appellant,
            "explanation": appeal.explanation, "status": appeal.status,
            "outcome": appeal.outcome, "created_at": iso(appeal.created_at)}


@bp.route("/notices", methods=["GET"])
@bp.arguments(NoticeQuery, location="query")
@bp.response(200, NoticeList)
@_guarded
def list_notices(query: dict[str, Any]) -> Response:
    """Open notices: trusted flaggers' first, then oldest first."""
    rows = deciding.open_notices(me(), query.get("site"))
    return jsonify({"notices": [notice_json(n, s) for n, _c, _t, s in rows]})


@bp.route("/notices/<int(max=2147483647):notice_id>/decision", methods=["POST"])
@bp.arguments(DecisionIn)
@bp.response(200, DecisionOut)
@_guarded
def decide(data: dict[str, Any], notice_id: int) -> Response:
    """Keep the comment or restrict it, with the ground, the law or rule and the facts."""
    decision = deciding.decide_notice(notice_id, deciding.DecisionForm(**data), me())
    return jsonify(decision_json(decision))


@bp.route("/appeals", methods=["GET"])
@bp.response(200, AppealList)
@_guarded
def list_appeals() -> Response:
    """Appeals waiting for a decision, oldest first."""
    return jsonify({"appeals": [appeal_json(a) for a, _d in appeals.open_appeals(me())]})


@bp.route("/appeals/<int(max=2147483647):appeal_id>/decision", methods=["POST"])
@bp.arguments(AppealRulingIn)
@bp.response(200, AppealList)
@_guarded
def rule(data: dict[str, Any], appeal_id: int) -> Response:
    """Uphold or reverse; never by the moderator who made the first decision."""
    appeal = appeals.decide_appeal(appeal_id, appeals.AppealRuling(**data), me())
    return jsonify({"appeals": [appeal_json(appeal)]})


def _admin_of(site_key: str) -> None:
    site = get_site(site_key)
    if not (me().is_admin and me().may_moderate(site.id)):
        raise Forbidden("Only an admin of this site marks trusted flaggers.")


@bp.route("/trusted-flaggers", methods=["GET"])
@bp.arguments(TrustedFlaggerQuery, location="query")
@bp.response(200, TrustedFlaggerList)
@_guarded
def list_flaggers(query: dict[str, Any]) -> Response:
    """A site's trusted flaggers."""
    site = get_site(query["site"])
    if not me().may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    return jsonify({"flaggers": [
        {"pattern": f.pattern, "note": f.note, "created_by": f.created_by,
         "created_at": iso(f.created_at)} for f in trusted.list_flaggers(site.key)]})


@bp.route("/trusted-flaggers", methods=["POST"])
@bp.arguments(TrustedFlaggerIn)
@bp.response(201, TrustedFlaggerList)
@bp.alt_response(409, description="Already a trusted flagger of this site.")
@_guarded
def add_flagger(data: dict[str, Any]) -> Response:
    """Mark an address or a domain as a trusted flagger of a site (admins)."""
    _admin_of(data["site"])
    flagger = trusted.add_flagger(data["site"], data["pattern"], f"moderator:{me().email}",
                                  data["note"], moderator_id=me().id)
    response = jsonify({"flaggers": [{"pattern": flagger.pattern, "note": flagger.note,
                                      "created_by": flagger.created_by,
                                      "created_at": iso(flagger.created_at)}]})
    response.status_code = 201
    return response


@bp.route("/trusted-flaggers/delete", methods=["POST"])
@bp.arguments(TrustedFlaggerIn)
@bp.response(204)
@bp.alt_response(404, description="Not a trusted flagger of this site.")
@_guarded
def remove_flagger(data: dict[str, Any]) -> Response:
    """Stop trusting an address or a domain (admins)."""
    _admin_of(data["site"])
    trusted.remove_flagger(data["site"], data["pattern"], f"moderator:{me().email}",
                           moderator_id=me().id)
    return Response(status=204)


def period(start: Any, end: Any) -> tuple[datetime, datetime]:
    """[first day 00:00, day after the last 00:00) in UTC; at most about ten years."""
    if end < start:
        raise BadParameters(errors={"to": ["Must not be before from."]})
    if (end - start).days > 3700:
        raise BadParameters(errors={"to": ["At most ten years at once."]})
    return (datetime.combine(start, time(), UTC),
            datetime.combine(end + timedelta(days=1), time(), UTC))


@bp.route("/transparency", methods=["GET"])
@bp.arguments(TransparencyQuery, location="query")
@bp.response(200, TransparencyOut, description="JSON, or text/csv with format=csv.")
@bp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@_guarded
def transparency_report(query: dict[str, Any]) -> Response:
    """Notices by ground and outcome, time to decision, automated against human decisions,
    appeals and reversals, actions without a notice: counted from the audit log."""
    site = get_site(query["site"])
    if not me().may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    start, end = period(query["from_"], query["to"])
    found = transparency.figures(site, start, end)
    if query["format"] == "csv":
        return Response(found.as_csv(), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="transparency-{site.key}.csv"'})
    return jsonify(found.as_dict())
