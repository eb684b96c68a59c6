"""Admins' page of moderators: add them, change roles and sites, lock them out."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from comments.services.moderation import moderators
from comments.services.sites import list_sites
from comments.web.moderate import bp
from comments.web.moderate.session import admin_only, me


@bp.route("/people")
@admin_only
def people() -> Any:
    """Every moderator and admin, and a form to add one."""
    return render_template("moderate/people.html", people=moderators.list_moderators(),
                           sites=list_sites(), roles=moderators.ROLES)


@bp.route("/people", methods=["POST"])
@admin_only
def add_person() -> Any:
    """Add a moderator or admin."""
    form = request.form
    added = moderators.create_moderator(
        form.get("email", ""), form.get("name", ""), form.get("password", ""),
        role=form.get("role", "moderator"), site_keys=form.getlist("sites"),
        all_sites=form.get("all_sites") == "on", actor=f"moderator:{me().email}")
    flash(f"{added.email} added.")
    return redirect(url_for("moderate.people"), 303)


@bp.route("/people/<int(max=2147483647):moderator_id>", methods=["POST"])
@admin_only
def update_person(moderator_id: int) -> Any:
    """Change a moderator's role and sites, or lock and unlock the account."""
    form = request.form
    changed = moderators.update_moderator(
        moderator_id, role=form.get("role"), site_keys=form.getlist("sites"),
        all_sites=form.get("all_sites") == "on", disabled=form.get("disabled") == "on",
        actor=f"moderator:{me().email}")
    flash(f"{changed.email} updated.")
    return redirect(url_for("moderate.people"), 303)


@bp.route("/people/<int(max=2147483647):moderator_id>/signout", methods=["POST"])
@admin_only
def sign_person_out(moderator_id: int) -> Any:
    """End every session of someone else's account (a lost laptop)."""
    moderators.end_all_sessions(moderator_id, actor=f"moderator:{me().email}")
    flash("Every session of that account has ended.")
    return redirect(url_for("moderate.people"), 303)
