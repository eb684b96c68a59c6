"""The queue pages: lists by status and search, one comment, one article, and the actions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from comments.errors import BadParameters, Forbidden
from comments.models import Site
from comments.services.audit import events_of_comment
from comments.services.discussion.threads import get_thread
from comments.services.moderation import actions as moderation
from comments.services.moderation import queue as queue_service
from comments.services.sites import get_site, list_sites
from comments.web.moderate import bp
from comments.web.moderate.session import local_next, me, signed_in

THREAD_LIMIT = 500
DONE = {"keep": "kept, its flags dismissed"}


def parse_ids(values: list[str]) -> list[int]:
    """Comment ids from form fields; anything that is not one is left out."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 18]


def moderated_sites() -> list[Site]:
    """The sites the signed-in moderator looks after, for filters and forms."""
    moderator = me()
    if moderator.all_sites:
        return list_sites()
    return sorted(moderator.sites, key=lambda site: site.key)


def _arg(name: str, limit: int = 1000) -> str | None:
    value = (request.args.get(name) or "").strip()
    if len(value) > limit:
        raise BadParameters(errors={name: [f"At most {limit} characters."]})
    return value or None


@bp.route("/")
@signed_in
def queue() -> Any:
    """The queue: comments by status, newest problems first, with search and filters."""
    status = _arg("status", 20) or "pending"
    site_key, uri, query = _arg("site", 64), _arg("uri"), _arg("q", 200)
    page = queue_service.list_queue(me(), status, site_key=site_key, uri=uri, query=query,
                                    after=_arg("after", 20))
    counts = queue_service.status_counts(me(), site_key)
    return render_template("moderate/queue.html", page=page, status=status, site_key=site_key,
                           uri=uri, query=query, counts=counts, sites=moderated_sites(),
                           statuses=queue_service.STATUSES, actions=moderation.ACTIONS)


@bp.route("/comments/<int(max=2147483647):comment_id>/<action>", methods=["POST"])
@signed_in
def comment_action(comment_id: int, action: str) -> Any:
    """Approve, reject, mark as spam, delete, restore, pin or unpin one comment."""
    if action not in moderation.ACTIONS:
        abort(404)
    moderation.act(comment_id, action, me(), note=request.form.get("note", "")[:500])
    flash(f"Comment {comment_id}: {DONE.get(action, action + ' done')}.")
    return redirect(local_next(url_for("moderate.queue")), 303)


@bp.route("/bulk", methods=["POST"])
@signed_in
def bulk() -> Any:
    """One action on every selected comment."""
    ids = parse_ids(request.form.getlist("ids"))
    action = request.form.get("action", "")
    if not ids:
        flash("Select at least one comment.")
        return redirect(local_next(url_for("moderate.queue")), 303)
    result = moderation.bulk(ids, action, me())
    message = f"{action}: {len(result.done)} done"
    if result.failed:
        why = ", ".join(sorted(set(result.failed.values())))
        message += f", {len(result.failed)} refused ({why})"
    flash(message + ".")
    return redirect(local_next(url_for("moderate.queue")), 303)


@bp.route("/comments/<int(max=2147483647):comment_id>")
@signed_in
def comment_page(comment_id: int) -> Any:
    """One comment: everything about it, its record, and a form to edit its text."""
    comment, thread, site = moderation.load_comment(comment_id, me())
    item = queue_service.items_for([(comment, thread, site)])[0]
    events = events_of_comment(comment.id)
    return render_template("moderate/comment.html", item=item, events=events,
                           actions=moderation.ACTIONS)


@bp.route("/comments/<int(max=2147483647):comment_id>/edit", methods=["POST"])
@signed_in
def edit_comment(comment_id: int) -> Any:
    """Change a comment's text; the old text stays in the record."""
    moderation.edit_text(comment_id, request.form.get("text", ""), me(),
                         note=request.form.get("note", "")[:500])
    flash(f"Comment {comment_id} edited.")
    return redirect(url_for("moderate.comment_page", comment_id=comment_id), 303)


@bp.route("/thread")
@signed_in
def thread_page() -> Any:
    """Every comment under one article, whatever its status, and the thread's open/closed switch."""
    site_key, uri = _arg("site", 64), _arg("uri")
    if not site_key or not uri:
        raise BadParameters(errors={"uri": ["Name a site and an article path."]})
    site = get_site(site_key)
    if not me().may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    thread = get_thread(site, uri)
    items = queue_service.thread_items(site, thread, THREAD_LIMIT)
    return render_template("moderate/thread.html", site=site, thread=thread, items=items,
                           actions=moderation.ACTIONS, limit=THREAD_LIMIT)


@bp.route("/thread/<any(close, open):state>", methods=["POST"])
@signed_in
def thread_state(state: str) -> Any:
    """Close a thread to new comments, or open it again."""
    site_key = request.form.get("site", "")[:64]
    uri = request.form.get("uri", "")[:1000]
    moderation.set_closed(site_key, uri, state == "close", me())
    flash("Thread closed." if state == "close" else "Thread open again.")
    return redirect(url_for("moderate.thread_page", site=site_key, uri=uri), 303)
