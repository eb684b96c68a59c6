"""Admins' page of site policies: moderation mode, thresholds, bot and spam settings."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from comments.errors import Invalid
from comments.models.site import MODERATION_MODES, SiteSettings
from comments.services.sites import get_site, list_sites, update_site
from comments.web.moderate import bp
from comments.web.moderate.session import admin_only

MODE_LABELS = {
    "publish": "Publish at once",
    "hold_all": "Hold every comment",
    "hold_first": "Hold first-time commenters",
    "hold_until": "Hold until the author has N approved comments",
}
# (setting, label, help); numbers may be left empty where the setting allows "off".
NUMBER_SETTINGS = [
    ("hold_until_approved", "N approved comments needed", "For the last mode above."),
    ("hold_links", "Hold comments with this many links or more", "Empty: never."),
    ("close_after_days", "Close threads older than (days)", "Empty: never."),
    ("flag_threshold", "Readers whose flags send a comment back to the queue", "0: never."),
    ("min_submit_seconds", "Minimum seconds to write a comment in the form", "Faster is held."),
    ("edit_window", "Seconds a reader may edit or delete", ""),
    ("duplicate_min_length", "Hold repeated texts of at least (characters)", "0: never."),
]
SWITCHES = [
    ("require_author", "Require a name"),
    ("require_email", "Require an email address"),
    ("require_form_token", "Hold comments not sent through the comment form (API clients)"),
    ("akismet", "Ask Akismet (when the install has a key)"),
]
NULLABLE = {"hold_links", "close_after_days"}


@bp.route("/sites")
@admin_only
def sites() -> Any:
    """Every site and its policy."""
    return render_template("moderate/sites.html", sites=list_sites(), modes=MODE_LABELS)


@bp.route("/sites/<key>")
@admin_only
def site_policy(key: str) -> Any:
    """One site's policy form."""
    site = get_site(key[:64])
    return render_template("moderate/site.html", site=site, settings=site.settings,
                           modes=MODE_LABELS, numbers=NUMBER_SETTINGS, switches=SWITCHES)


@bp.route("/sites/<key>", methods=["POST"])
@admin_only
def save_site_policy(key: str) -> Any:
    """Save a site's policy; every value is checked before anything changes."""
    form = request.form
    changes: dict[str, Any] = {"moderation": form.get("moderation", "")}
    errors: dict[str, list[str]] = {}
    for name, _label, _help in NUMBER_SETTINGS:
        raw = form.get(name, "").strip()
        if not raw and name in NULLABLE:
            changes[name] = None
        elif raw.isascii() and raw.isdigit() and len(raw) < 10:
            changes[name] = int(raw)
        else:
            errors[name] = ["A whole number, 0 or more."]
    for name, _label in SWITCHES:
        changes[name] = form.get(name) == "on"
    if changes["moderation"] not in MODERATION_MODES:
        errors["moderation"] = ["Choose one of the modes."]
    if errors:
        raise Invalid("Some settings are not valid.", errors)
    unknown = set(changes) - set(SiteSettings().to_dict())
    for name in unknown:
        changes.pop(name)
    update_site(key[:64], settings=changes)
    flash("Policy saved.")
    return redirect(url_for("moderate.site_policy", key=key), 303)
