"""A stored comment as mail shows it: its HTML cleaned once more, and readable plain text."""

from __future__ import annotations

import re

from inscriptis import get_text
from inscriptis.model.config import ParserConfig
from markupsafe import Markup

from comments.services.discussion.rendering import sanitize

#: Longest rendered comment a mail carries whole; longer ones are shown as a text excerpt.
MAX_HTML = 20_000
LINK = re.compile(r"\[([^\]\n]*)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)")
BLANK_LINES = re.compile(r"\n{3,}")


def mail_html(html: str | None) -> Markup:
    """The comment's HTML for a mail body: stored HTML passed through the allow-list again.

    The context is JSON in the outbox; cleaning at sending time means a row changed there
    (or written by an older version) still cannot put markup of its own into a mail.
    """
    return Markup(sanitize(html or ""))  # noqa: S704 - sanitized by the allow-list just now


def plain_text(html: str) -> str:
    """Words a plain-text mail can show: no Markdown signs, no entities, links spelled out."""
    text = get_text(html, ParserConfig(display_links=True))
    text = LINK.sub(lambda m: m[2] if m[1] in ("", m[2]) else f"{m[1]} ({m[2]})", text)
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
