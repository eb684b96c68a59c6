"""The moderators' page of one signed-in reader: who they are and their comments on every thread."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from comments.errors import Invalid
from comments.services.identity.history import reader_history
from comments.services.identity.readers import badges_of
from comments.services.identity.staff import reply_as_staff
from comments.services.moderation import actions as moderation
from comments.services.moderation import queue as queue_service
from comments.web.client import client_of_request
from comments.web.moderate import bp
from comments.web.moderate.session import me, signed_in


@bp.route("/readers/<int(max=2147483647):reader_id>")
@signed_in
def reader_page(reader_id: int) -> Any:
    """A signed-in reader's comments across the site's threads, newest first, with actions."""
    found = reader_history(reader_id, me())
    items = queue_service.items_for(found.comments)
    return render_template("moderate/reader.html", reader=found.reader, site=found.site,
                           badges=badges_of(found.reader, found.site), items=items,
                           actions=moderation.ACTIONS)


@bp.route("/comments/<int(max=2147483647):comment_id>/staff-reply", methods=["POST"])
@signed_in
def staff_reply(comment_id: int) -> Any:
    """Answer a comment as staff: the reply carries the "staff" badge in the embed and feeds."""
    text = request.form.get("text", "").strip()
    if not text or len(text) > 10_000:
        raise Invalid(errors={"text": ["Write between 1 and 10000 characters."]})
    reply_id = reply_as_staff(comment_id, text, me(), client_of_request())
    flash(f"Replied as staff (comment {reply_id}).")
    return redirect(url_for("moderate.comment_page", comment_id=reply_id), 303)
