"""The moderation JSON API of API.md for integrations, with bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request
from flask_smorest import Blueprint

from comments.models import Comment
from comments.schemas.comments import ThreadOut
from comments.schemas.moderation import (
    BulkIn,
    BulkOut,
    ModComment,
    ModCommentPage,
    ModerationQuery,
    ReaderHistoryOut,
    TextIn,
    ThreadRef,
)
from comments.services.moderation import actions, moderators, queue
from comments.web.discussion.present import comment_json, iso, thread_json
from comments.web.errors import accepts_empty_body

bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation",
               description="Moderation for integrations (Authorization: Bearer <api token>)")


@bp.before_request
def _authenticate() -> Response | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    moderator = None
    if scheme.lower() == "bearer" and secret.strip():
        moderator = moderators.token_moderator(secret.strip())
    if moderator is None:
        response = jsonify({"error": "unauthorized",
                            "message": "A valid API token is required (Authorization: Bearer)."})
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="moderation"'
        return response
    g.api_moderator = moderator
    return None


def _guarded(view: Any) -> Any:
    """Document what every operation here needs and answers without it."""
    view = bp.doc(security=[{"moderatorToken": []}])(view)
    view = bp.alt_response(401, description="No valid API token.")(view)
    return bp.alt_response(403, description="The token's moderator does not moderate this site.")(view)


def mod_comment_json(item: queue.QueueItem) -> dict[str, Any]:
    """The API's ModComment: everything a moderator needs about one comment."""
    comment: Comment = item.comment
    body = comment_json(comment, [], 0, own=True)
    body.update({
        "status": comment.status,
        "author": comment.author,
        "website": comment.website,
        "html": comment.html,
        "avatar": comment.avatar_seed,
        "site": item.site.key,
        "email": comment.email,
        "uri": item.thread.uri,
        "url": item.site.article_url(item.thread.uri),
        "title": item.thread.title,
        "text": comment.text,
        "flags": item.flags,
        "flag_count": comment.flag_count,
        "reasons": list(comment.reasons or []),
        "history": item.history,
        "status_changed_at": iso(comment.status_changed_at),
        "reader_id": comment.reader_id,
    })
    return body


def _one(comment_id: int) -> dict[str, Any]:
    row = actions.load_comment(comment_id, g.api_moderator)
    return mod_comment_json(queue.items_for([row])[0])


@bp.route("/comments", methods=["GET"])
@_guarded
@bp.arguments(ModerationQuery, location="query")
@bp.response(200, ModCommentPage)
def list_comments(args: dict[str, Any]) -> Response:
    """Comments by status (pending oldest first), searchable by text, author, email, article."""
    page = queue.list_queue(g.api_moderator, args["status"], site_key=args["site"],
                                    uri=args["uri"], query=args["q"], after=args["after"],
                                    limit=args["limit"])
    return jsonify({"comments": [mod_comment_json(item) for item in page.items],
                    "next": page.next_cursor})


@bp.route("/comments/<int(max=2147483647):comment_id>", methods=["GET"])
@_guarded
@bp.response(200, ModComment)
def get_comment(comment_id: int) -> Response:
    """One comment as moderators see it."""
    return jsonify(_one(comment_id))


@bp.route("/comments/<int(max=2147483647):comment_id>", methods=["PATCH"])
@_guarded
@bp.arguments(TextIn)
@bp.response(200, ModComment)
def edit_comment(data: dict[str, Any], comment_id: int) -> Response:
    """Change a comment's text; the old text is kept in the audit record."""
    actions.edit_text(comment_id, data["text"], g.api_moderator, note=data["note"])
    return jsonify(_one(comment_id))


ACTION_RULE = (
    "/comments/<int(max=2147483647):comment_id>"
    "/<any(approve, reject, spam, delete, restore, pin, unpin, keep, feature, unfeature):action>"
)


@bp.route(ACTION_RULE, methods=["POST"])
@_guarded
@accepts_empty_body
@bp.response(200, ModComment)
def act(comment_id: int, action: str) -> Response:
    """Approve, reject, mark as spam, delete, restore, pin, unpin, keep (flags dismissed), feature
    or unfeature a comment."""
    actions.act(comment_id, action, g.api_moderator)
    return jsonify(_one(comment_id))


@bp.route("/bulk", methods=["POST"])
@_guarded
@bp.arguments(BulkIn)
@bp.response(200, BulkOut)
def bulk(data: dict[str, Any]) -> Response:
    """One action on many comments; each id is done or fails on its own."""
    result = actions.bulk(data["ids"], data["action"], g.api_moderator)
    return jsonify({"done": result.done, "failed": result.failed})


@bp.route("/threads/<any(close, open):state>", methods=["POST"])
@_guarded
@bp.arguments(ThreadRef)
@bp.response(200, ThreadOut)
def thread_state(data: dict[str, Any], state: str) -> Response:
    """Close a thread to new comments, or open it again."""
    site, thread = actions.set_closed(data["site"], data["uri"], state == "close",
                                         g.api_moderator)
    return jsonify(thread_json(site, thread.uri, thread))


@bp.route("/readers/<int(max=2147483647):reader_id>", methods=["GET"])
@_guarded
@bp.response(200, ReaderHistoryOut)
def reader_history(reader_id: int) -> Response:
    """A signed-in reader and their comments across the site's threads, newest first."""
    from comments.services.identity.history import reader_history as history_of
    from comments.services.identity.readers import badges_of

    found = history_of(reader_id, g.api_moderator)
    reader = found.reader
    return jsonify({
        "reader": {"id": reader.id, "name": reader.name, "email": reader.email,
                   "badges": badges_of(reader, found.site), "verified": bool(reader.verified),
                   "sso": reader.subject.startswith("sso:"), "created_at": iso(reader.created_at)},
        "comments": [mod_comment_json(item) for item in queue.items_for(found.comments)],
    })
