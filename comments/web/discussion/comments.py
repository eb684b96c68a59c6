"""The public comments API: read a thread, post, edit, delete, vote, flag, preview."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from comments.fast_lane.caching import answer_memo, public_json, thread_etag
from comments.fast_lane.handoff import thread_head_of_request
from comments.schemas.comments import (
    CommentEdit,
    CommentIn,
    CommentPosted,
    FlagIn,
    PreviewIn,
    PreviewOut,
    ThreadPage,
    ThreadQuery,
    VoteIn,
    VotesOut,
)
from comments.schemas.identity import AuthorHeaders
from comments.services.discussion import posting, reactions, reading
from comments.services.discussion import preview as previewing
from comments.services.discussion.idempotency import IdempotentRequest
from comments.services.discussion.new_comment import NewComment
from comments.web.client import client_of_request
from comments.web.discussion.present import written_json
from comments.web.discussion.thread_answer import thread_answer
from comments.web.identity.headers import caller_of_request
from comments.web.limits import config_limited, limited

# Instances, not classes: webargs would build a new schema on every request otherwise.
THREAD_QUERY = ThreadQuery()
COMMENT_IN = CommentIn()

bp = Blueprint("comments", __name__, url_prefix="/api/v1", description="Threaded comments")


@bp.route("/comments")
class Comments(MethodView):
    @bp.arguments(THREAD_QUERY, location="query")
    @bp.response(200, ThreadPage)
    @bp.alt_response(304, description="Not modified since the ETag given in If-None-Match.")
    def get(self, args: dict[str, Any]) -> Response:
        """A page of top-level comments of an article, each with all its replies."""
        if args["after"]:
            reading.decode_cursor(args["after"], args["sort"])  # 400 early for a bad cursor
        head = thread_head_of_request(args["site"], args["uri"])
        # Any answer from here on, an error too, lets the site's own pages read it.
        g.cors_origins = head.allowed_origins
        etag = thread_etag(head, args["sort"], str(args["limit"]), args["after"] or "")
        if request.if_none_match.contains_weak(etag):
            return public_json(None, etag, head.allowed_origins)
        answer = thread_answer(answer_memo(), etag, head, args["sort"], args["limit"],
                               args["after"])
        return public_json(answer, etag, head.allowed_origins)

    @bp.arguments(COMMENT_IN)
    @bp.response(201, CommentPosted)
    @bp.alt_response(202, schema=CommentPosted, description="Held for moderation.")
    @limited("post_limit")
    def post(self, data: dict[str, Any]) -> Response:
        """Post a comment or a reply: 201 when published, 202 when held for moderation."""
        client = client_of_request()
        key = request.headers.get("Idempotency-Key", "").strip()
        idem = None
        if key:
            idem = IdempotentRequest.build(key, client.address, "post-comment", request.get_json())
        caller = caller_of_request()
        new = NewComment(**data, reader_token=caller.reader_token, browser_key=caller.browser_key)
        status, body = posting.post_comment(new, client, idem, present=written_json)
        response = jsonify(body)
        response.status_code = status
        return response


@bp.route("/comments/<int(max=2147483647):comment_id>")
class CommentItem(MethodView):
    @bp.arguments(AuthorHeaders, location="headers")
    @bp.arguments(CommentEdit)
    @bp.response(200, CommentPosted)
    @limited("edit_limit")
    def patch(self, headers: dict[str, Any], data: dict[str, Any], comment_id: int) -> Response:
        """Edit your comment within the site's window (or, signed in, the reader window)."""
        written = posting.edit_comment(comment_id, headers.get("x_edit_token"), data["text"],
                                       client_of_request(), headers.get("x_reader_token"))
        return jsonify(written_json(written))

    @bp.arguments(AuthorHeaders, location="headers")
    @bp.response(204)
    @limited("edit_limit")
    def delete(self, headers: dict[str, Any], comment_id: int) -> Response:
        """Delete your comment within the site's window (signed in: at any time)."""
        posting.delete_comment(comment_id, headers.get("x_edit_token"),
                               headers.get("x_reader_token"))
        return Response(status=204)


@bp.route("/comments/<int(max=2147483647):comment_id>/votes", methods=["POST"])
@bp.arguments(VoteIn)
@bp.response(200, VotesOut)
@limited("vote_limit")
def vote(data: dict[str, Any], comment_id: int) -> Response:
    """Like (1) or dislike (-1) a comment; a reader's second vote replaces the first."""
    likes, dislikes = reactions.vote(comment_id, data["value"], client_of_request(),
                                     caller_of_request())
    return jsonify({"likes": likes, "dislikes": dislikes})


@bp.route("/comments/<int(max=2147483647):comment_id>/flags", methods=["POST"])
@bp.arguments(FlagIn)
@bp.response(202)
@limited("flag_limit")
def flag(data: dict[str, Any], comment_id: int) -> Response:
    """Report a comment to the moderators."""
    reactions.flag(comment_id, data["reason"], client_of_request(), caller_of_request())
    response = jsonify({"status": "received"})
    response.status_code = 202
    return response


@bp.route("/preview", methods=["POST"])
@bp.arguments(PreviewIn)
@bp.response(200, PreviewOut)
@config_limited("PREVIEW_LIMIT")
def preview(data: dict[str, Any]) -> Response:
    """Exactly the HTML a published comment with this text would show."""
    return jsonify({"html": previewing.preview(data["site"], data["text"])})
