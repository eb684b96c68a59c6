"""The record: every moderation event, filterable by site, moderator, comment and action."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from sqlalchemy import or_, select

from comments.extensions import db
from comments.models import ModerationEvent, Moderator
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
    site_ids = [site.id for site in sites]
    statement = select(ModerationEvent).order_by(ModerationEvent.id.desc())
    if not me().is_admin:
        statement = statement.where(ModerationEvent.site_id.in_(site_ids))
    args = request.args
    site_key = args.get("site", "")[:64]
    chosen = [site for site in sites if site.key == site_key]
    if chosen:
        statement = statement.where(ModerationEvent.site_id == chosen[0].id)
    moderator_id = _one_id(args.get("moderator", ""))
    if moderator_id is not None:
        statement = statement.where(ModerationEvent.moderator_id == moderator_id)
    comment_id = _one_id(args.get("comment", ""))
    if comment_id is not None:
        statement = statement.where(ModerationEvent.comment_id == comment_id)
    action = args.get("action", "")[:40]
    if action:
        statement = statement.where(ModerationEvent.action == action)
    actor = args.get("actor", "")[:200].strip()
    if actor:
        statement = statement.where(or_(ModerationEvent.actor == actor,
                                        ModerationEvent.actor == f"moderator:{actor}"))
    before = _one_id(args.get("before", ""))
    if before is not None:
        statement = statement.where(ModerationEvent.id < before)
    events = list(db.session.execute(statement.limit(PAGE + 1)).scalars())
    more = len(events) > PAGE
    events = events[:PAGE]
    people = list(db.session.execute(select(Moderator).order_by(Moderator.email)).scalars())
    names = {site.id: site.key for site in sites}
    return render_template("moderate/audit.html", events=events, people=people, sites=sites,
                           names=names, filters=args, more=more,
                           next_before=events[-1].id if more and events else None)
