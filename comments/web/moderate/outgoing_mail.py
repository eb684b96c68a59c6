"""The mail files page: what an install without SMTP would have sent (admins only)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template

from comments.errors import NotFound
from comments.services.mail import eml_files
from comments.services.mail.transport import mail_folder
from comments.web.moderate import bp
from comments.web.moderate.session import admin_only


@bp.route("/outgoing-mail")
@admin_only
def mail_files() -> Any:
    """The newest mail files, newest first."""
    return render_template("moderate/mail_files.html", files=eml_files.list_files(200),
                           folder=mail_folder(), smtp=bool(current_app.config["SMTP_URL"]))


@bp.route("/outgoing-mail/<name>")
@admin_only
def mail_file(name: str) -> Any:
    """One mail file: its headers and plain text (the HTML part is never rendered here)."""
    try:
        message = eml_files.read_file(name)
    except NotFound:
        abort(404)
    headers = [(key, str(message.get(key, ""))) for key in
               ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe")]
    return render_template("moderate/mail_file.html", name=name, headers=headers,
                           text=eml_files.body_text(message))
