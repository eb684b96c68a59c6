"""The record: every moderation event, filterable by site, moderator, comment and action."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from comments.services.audit import EventFilter, search_events
from comments.services.moderation.moderators import colleagues
from comments.web.moderate import bp
from comments.web.moderate.queue import moderated_sites, parse_ids
from comments.web.moderate.session import me, signed_in

PAGE = 100


def _one_id(value: str) -> int | None:
    found = parse_ids([value.strip()])
    return found[0] if found else None


@bp.route("/audit")
@signed_in
def audit() -> Any:
    """Events newest first; a moderator sees their sites' events, an admin everything."""
    sites = moderated_sites()
    args = request.args
    site_key = args.get("site", "")[:64]
    chosen = [site for site in sites if site.key == site_key]
    wanted = EventFilter(
        site_ids=None if me().is_admin else [site.id for site in sites],
        site_id=chosen[0].id if chosen else None,
        moderator_id=_one_id(args.get("moderator", "")),
        comment_id=_one_id(args.get("comment", "")),
        action=args.get("action", "")[:40],
        actor=args.get("actor", "")[:200].strip(),
        before_id=_one_id(args.get("before", "")),
    )
    events, more = search_events(wanted, PAGE)
    names = {site.id: site.key for site in sites}
    return render_template("moderate/audit.html", events=events, people=colleagues(wanted.site_ids),
                           sites=sites, names=names, filters=args, more=more,
                           next_before=events[-1].id if more and events else None)
