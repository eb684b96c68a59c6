"""Links from moderator mail: GET shows what the link will do, only POST does it (once)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from comments.services.moderation import held_mail
from comments.web.moderate import bp

VERBS = {"approve": "Approve", "reject": "Reject", "spam": "Mark as spam"}


@bp.route("/mail/<token>", methods=["GET"])
def mail_link(token: str) -> Any:
    """A confirmation page: mail scanners that follow links change nothing."""
    link = held_mail.read_link(token)
    return render_template("moderate/mail_link.html", link=link, token=token, verbs=VERBS,
                           done=False)


@bp.route("/mail/<token>", methods=["POST"])
def use_mail_link(token: str) -> Any:
    """Do what the link says, once."""
    link = held_mail.use_link(token)
    return render_template("moderate/mail_link.html", link=link, token=token, verbs=VERBS,
                           done=True)
