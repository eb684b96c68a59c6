"""The moderators' page of one signed-in reader: who they are and their comments on every thread."""

from __future__ import annotations

from typing import Any

from flask import render_template

from comments.services.identity.history import reader_history
from comments.services.identity.readers import badges_of
from comments.services.moderation import actions as moderation
from comments.services.moderation import queue as queue_service
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
