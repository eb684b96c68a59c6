"""Rule pages: blocked and held words, and bans by email, domain and address range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from comments.errors import Invalid
from comments.models.rules import RULE_KINDS
from comments.services.moderation import rules as rules_service
from comments.services.sites import get_site
from comments.web.moderate import bp
from comments.web.moderate.queue import moderated_sites
from comments.web.moderate.session import me, signed_in

KIND_LABELS = {
    "block_word": "Blocked word (reject)",
    "hold_word": "Held word (review)",
    "ban_email": "Ban an email address",
    "ban_domain": "Ban an email domain",
    "ban_network": "Ban an address or range",
    "ban_reader": "Ban a signed-in reader (their id)",
}
EXPIRY_CHOICES = {"": None, "1d": 1, "7d": 7, "30d": 30, "365d": 365}


@bp.route("/rules")
@signed_in
def rules() -> Any:
    """The rules of the sites this moderator looks after, and a form to add one."""
    sites = moderated_sites()
    kind = request.args.get("kind") if request.args.get("kind") in RULE_KINDS else None
    listed = rules_service.list_rules(None if me().all_sites else [s.id for s in sites], kind)
    names = {site.id: site.key for site in sites}
    return render_template("moderate/rules.html", rules=listed, sites=sites, names=names,
                           kinds=KIND_LABELS, kind=kind, expiries=EXPIRY_CHOICES,
                           now=datetime.now(UTC))


@bp.route("/rules", methods=["POST"])
@signed_in
def add_rule() -> Any:
    """Add a rule for one site, or every site (admins)."""
    form = request.form
    site_key = form.get("site", "")
    site = get_site(site_key[:64]) if site_key else None
    expiry = form.get("expires", "")
    if expiry not in EXPIRY_CHOICES:
        raise Invalid(errors={"expires": ["Choose one of the offered periods."]})
    days = EXPIRY_CHOICES[expiry]
    expires_at = datetime.now(UTC) + timedelta(days=days) if days else None
    rule = rules_service.add_rule(site, form.get("kind", ""), form.get("pattern", ""), by=me(),
                                  note=form.get("note", "")[:500], expires_at=expires_at)
    flash(f"Rule added: {KIND_LABELS[rule.kind]} {rule.pattern}")
    return redirect(url_for("moderate.rules"), 303)


@bp.route("/rules/<int(max=2147483647):rule_id>/delete", methods=["POST"])
@signed_in
def delete_rule(rule_id: int) -> Any:
    """Remove a rule."""
    rules_service.delete_rule(rule_id, by=me())
    flash("Rule removed.")
    return redirect(url_for("moderate.rules"), 303)
