"""Moderators' page for readers' data requests: hand over a copy, or erase, by address."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request, url_for

from comments.errors import Forbidden
from comments.services.moderation.actions import actor_of
from comments.services.privacy import requests as privacy
from comments.services.sites import get_site
from comments.web.moderate import bp
from comments.web.moderate.queue import moderated_sites
from comments.web.moderate.session import me, signed_in


@bp.route("/readers-data")
@signed_in
def readers_data() -> Any:
    """The form: an address, a site (or every site) and what to do."""
    return render_template("moderate/readers_data.html", sites=moderated_sites(),
                           all_sites=me().all_sites)


@bp.route("/readers-data", methods=["POST"])
@signed_in
def act_on_readers_data() -> Any:
    """Download the reader's data as JSON, or erase it; either way the request is recorded."""
    form = request.form
    site_key = form.get("site") or None
    moderator = me()
    if site_key is None and not moderator.all_sites:
        raise Forbidden("Only a moderator of every site may act on all sites; choose a site.")
    if site_key is not None and not moderator.may_moderate(get_site(site_key).id):
        raise Forbidden("You do not moderate this site.")
    if form.get("action") == "erase":
        erase_text = {"yes": True, "no": False}.get(form.get("erase_text", ""))
        done = privacy.erase_for(form.get("email", ""), site_key, actor=actor_of(moderator),
                                 erase_text=erase_text)
        flash(f"Erased the details of {done['comments']} comments and removed "
              f"{done['subscriptions']} subscriptions.")
        return redirect(url_for("moderate.readers_data"), 303)
    data = privacy.export_for(form.get("email", ""), site_key, actor=actor_of(moderator))
    response: Response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="reader-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
