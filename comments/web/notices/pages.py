"""The moderator pages for notices: the Notices tab, appeals, trusted flaggers, transparency."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from comments.errors import BadParameters, Forbidden
from comments.models.types import utcnow
from comments.services.notices import appeals, deciding, transparency, trusted
from comments.services.sites import get_site
from comments.web.moderate import bp
from comments.web.moderate.queue import moderated_sites
from comments.web.moderate.session import admin_only, me, signed_in
from comments.web.notices.moderation_api import period


def _form(name: str, limit: int) -> str:
    value = request.form.get(name, "")
    if len(value) > limit:
        raise BadParameters(errors={name: [f"At most {limit} characters."]})
    return value


@bp.route("/notices")
@signed_in
def notices() -> Any:
    """Open notices (trusted flaggers first, then oldest first) and appeals waiting."""
    site_key = (request.args.get("site") or "")[:64] or None
    rows = deciding.open_notices(me(), site_key)
    waiting = appeals.open_appeals(me())
    return render_template("moderate/notices.html", rows=rows, appeals=waiting,
                           site_key=site_key, sites=moderated_sites(), me_id=me().id)


@bp.route("/notices/<int(max=2147483647):notice_id>/decide", methods=["POST"])
@signed_in
def decide_notice(notice_id: int) -> Any:
    """Keep or restrict the comment of a notice, with its statement of reasons."""
    form = deciding.DecisionForm(
        outcome=_form("outcome", 16), ground=_form("ground", 16) or None,
        law_or_rule=_form("law_or_rule", 300), facts=_form("facts", 4000),
        automated=request.form.get("automated") == "yes")
    decision = deciding.decide_notice(notice_id, form, me())
    flash(f"Notice decided: {decision.outcome}. The author and the reporters are told.")
    return redirect(url_for("moderate.notices"), 303)


@bp.route("/appeals/<int(max=2147483647):appeal_id>/decide", methods=["POST"])
@signed_in
def decide_appeal(appeal_id: int) -> Any:
    """Uphold or reverse a decision on appeal."""
    ruling = appeals.AppealRuling(
        reverse=request.form.get("reverse") == "yes", reasons=_form("reasons", 4000),
        ground=_form("ground", 16) or None, law_or_rule=_form("law_or_rule", 300))
    appeal = appeals.decide_appeal(appeal_id, ruling, me())
    flash(f"Appeal {appeal.id}: {appeal.outcome}. Both sides are told.")
    return redirect(url_for("moderate.notices"), 303)


@bp.route("/trusted-flaggers")
@admin_only
def trusted_flaggers() -> Any:
    """Each site's trusted flaggers, and forms to add or remove one."""
    listed = {site.key: trusted.list_flaggers(site.key) for site in moderated_sites()}
    return render_template("moderate/trusted_flaggers.html", listed=listed)


@bp.route("/trusted-flaggers/<any(add, remove):change>", methods=["POST"])
@admin_only
def change_trusted_flagger(change: str) -> Any:
    """Add or remove an address or a domain."""
    site = get_site(_form("site", 64))
    if not me().may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    pattern, actor = _form("pattern", 320), f"moderator:{me().email}"
    if change == "add":
        flagger = trusted.add_flagger(site.key, pattern, actor, _form("note", 500),
                                      moderator_id=me().id)
        flash(f"{flagger.pattern} is now a trusted flagger of {site.key}.")
    else:
        trusted.remove_flagger(site.key, pattern, actor, moderator_id=me().id)
        flash(f"{pattern} is no longer a trusted flagger of {site.key}.")
    return redirect(url_for("moderate.trusted_flaggers"), 303)


def _report_arguments() -> tuple[Any, date, date]:
    sites = moderated_sites()
    key = (request.args.get("site") or (sites[0].key if sites else "default"))[:64]
    site = get_site(key)
    if not me().may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    today = utcnow().date()
    try:
        start = date.fromisoformat(request.args.get("from") or str(today - timedelta(days=30)))
        end = date.fromisoformat(request.args.get("to") or str(today))
    except ValueError as error:
        raise BadParameters(errors={"from": ["Dates as YYYY-MM-DD."]}) from error
    return site, start, end


@bp.route("/transparency")
@signed_in
def transparency_page() -> Any:
    """The transparency figures of one site for one period, read from the audit log."""
    site, start, end = _report_arguments()
    found = transparency.figures(site, *period(start, end))
    return render_template("moderate/transparency.html", figures=found.as_dict(), site=site,
                           start=start, end=end, sites=moderated_sites())


@bp.route("/transparency.csv")
@signed_in
def transparency_csv() -> Response:
    """The same figures as CSV."""
    site, start, end = _report_arguments()
    found = transparency.figures(site, *period(start, end))
    return Response(found.as_csv(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="transparency-{site.key}.csv"'})
