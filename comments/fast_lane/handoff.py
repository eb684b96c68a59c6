"""The thread head the fast lane read, handed on to the Flask view when the lane did not answer."""

from __future__ import annotations

from typing import Any

from flask import request

from comments.services.discussion import reading

HEAD_KEY = "comments.thread_head"


def keep_thread_head(environ: dict[str, Any], head: reading.ThreadHead) -> None:
    """Leave `head` in the request's environ: on a miss the view goes on from this row."""
    environ[HEAD_KEY] = head


def thread_head_of_request(site_key: str, uri: str) -> reading.ThreadHead:
    """The head the fast lane read for this request, or a fresh one (one query either way)."""
    head = request.environ.get(HEAD_KEY)
    if isinstance(head, reading.ThreadHead) and head.site_key == site_key and head.uri == uri:
        return head
    return reading.thread_head(site_key, uri)
