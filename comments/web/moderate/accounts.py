"""The signed-in moderator's own account: password, mail about held comments and API tokens."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for

from comments.errors import Invalid
from comments.services.moderation import held_digest, moderators
from comments.web.moderate import bp
from comments.web.moderate.session import me, signed_in


@bp.route("/account")
@signed_in
def account() -> Any:
    """Your password, your sessions and the API tokens you may see."""
    return render_template("moderate/account.html", tokens=moderators.list_tokens(me()),
                           new_secret=None, held_digest=held_digest)


@bp.route("/account/held-mail", methods=["POST"])
@signed_in
def held_mail() -> Any:
    """Mail about held comments: each one, a digest every N minutes, or none."""
    moderator = me()
    mode = request.form.get("mode", "")[:16]
    raw = request.form.get("minutes", "").strip()[:8]
    minutes = None
    if mode == "digest":
        if not (raw.isascii() and raw.isdigit()):
            raise Invalid(errors={"minutes": ["A whole number of minutes."]})
        minutes = int(raw)
    chosen = held_digest.set_held_mail(moderator.id, mode, minutes,
                                       actor=f"moderator:{moderator.email}")
    flash(f"Mail about held comments: {held_digest.describe(chosen)['held_mail']}.")
    return redirect(url_for("moderate.account"), 303)


@bp.route("/account/password", methods=["POST"])
@signed_in
def change_password() -> Any:
    """A new password ends every session of the account, this one included."""
    moderator = me()
    if request.form.get("new", "") != request.form.get("repeat", ""):
        flash("The two new passwords differ.")
        return redirect(url_for("moderate.account"), 303)
    moderators.change_password(moderator.id, request.form.get("current", ""),
                               request.form.get("new", ""), actor=f"moderator:{moderator.email}")
    session.clear()
    return redirect(url_for("moderate.signin"), 303)


@bp.route("/tokens", methods=["POST"])
@signed_in
def create_token() -> Any:
    """A new API token, shown on this page once and never again."""
    moderator = me()
    created = moderators.create_token(moderator.id, request.form.get("name", ""),
                                      actor=f"moderator:{moderator.email}")
    return render_template("moderate/account.html", tokens=moderators.list_tokens(moderator),
                           new_secret=created.secret, new_token=created.token,
                           held_digest=held_digest)


@bp.route("/tokens/<int(max=2147483647):token_id>/revoke", methods=["POST"])
@signed_in
def revoke_token(token_id: int) -> Any:
    """Stop a token from working."""
    moderators.revoke_token(token_id, by=me())
    flash("Token revoked.")
    return redirect(url_for("moderate.account"), 303)
