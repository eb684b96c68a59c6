"""Akismet's comment-check, with a hard time-out; any doubt answers UNKNOWN (the caller holds)."""

from __future__ import annotations

import enum
import logging
import urllib.error
import urllib.parse
import urllib.request

from flask import current_app

from comments.models import Comment, Site, Thread
from comments.services.client import Client

log = logging.getLogger(__name__)

DEFAULT_URL = "https://rest.akismet.com/1.1/comment-check"


class Answer(enum.Enum):
    """What the spam service said."""

    HAM = "ham"
    SPAM = "spam"
    UNKNOWN = "unknown"


def check(key: str, site: Site, thread: Thread, comment: Comment, client: Client) -> Answer:
    """Ask whether `comment` is spam; the URL is the operator's configuration, never a client's."""
    config = current_app.config
    url = config.get("AKISMET_URL") or DEFAULT_URL
    timeout = float(config.get("AKISMET_TIMEOUT") or 3.0)
    fields = {
        "api_key": key,
        "blog": site.base_url,
        "user_ip": client.address,
        "user_agent": client.user_agent,
        "referrer": client.referrer,
        "permalink": site.article_url(thread.uri),
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author or "",
        "comment_author_email": comment.email or "",
        "comment_author_url": comment.website or "",
        "comment_content": comment.text,
        "blog_lang": client.language,
        "blog_charset": "UTF-8",
    }
    request = urllib.request.Request(  # noqa: S310 - the URL comes from configuration
        url,
        data=urllib.parse.urlencode(fields).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "User-Agent": "comments/1.0 | akismet-check"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(64).decode("ascii", "replace").strip()
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.warning("akismet check failed: %s", error)
        return Answer.UNKNOWN
    if body == "true":
        return Answer.SPAM
    if body == "false":
        return Answer.HAM
    log.warning("akismet answered %r", body[:40])
    return Answer.UNKNOWN
