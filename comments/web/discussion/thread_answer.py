"""A thread read's answer as JSON bytes, memoized by ETag: the one builder behind both the Flask
view and the fast lane (which builds a miss itself, without Flask's dispatch)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from comments.fast_lane.caching import AnswerMemo, encode
from comments.services.discussion import reading
from comments.web.discussion.present import mark_removal_grounds, node_json, thread_json


def thread_answer(memo: AnswerMemo | None, etag: str, head: reading.ThreadHead, sort: str,
                  limit: int, after: str | None, engine: Engine | None = None) -> bytes:
    """The answer named by `etag`: from the memo, or built from `head` (and kept there).

    BadParameters for a cursor that is not ours. On the app's engine unless given one.
    """
    answer: bytes | None = memo.get(etag) if memo is not None else None
    if answer is None:
        answer = encode(_body(head, sort, limit, after, engine))
        if memo is not None and head.thread_id is not None:
            # An article nobody commented on costs no query to answer: not kept, so paths a
            # stranger invents cannot push real threads' pages out of the memo.
            memo.put(etag, answer)
    return answer


def _body(head: reading.ThreadHead, sort: str, limit: int, after: str | None,
          engine: Engine | None) -> dict[str, Any]:
    if after:
        reading.decode_cursor(after, sort)  # BadParameters even where no thread is yet
    body: dict[str, Any] = {"thread": thread_json(head.site(), head.uri, head.thread()),
                            "comments": [], "next": None}
    if head.thread_id is not None:
        page = reading.thread_page(head.thread_id, sort, limit, after, engine)
        body["comments"] = [node_json(node) for node in page.nodes]
        mark_removal_grounds(body["comments"], engine)
        body["next"] = page.next_cursor
    return body
