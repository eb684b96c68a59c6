"""What every importer produces: source threads and comments, independent of the format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from marshmallow import ValidationError

from comments.schemas.common import validate_uri


@dataclass
class SourceThread:
    """An article as the source knows it; `uri` is None when its link cannot become a path."""

    key: str
    uri: str | None
    title: str = ""
    closed: bool = False
    link: str = ""


@dataclass
class SourceComment:
    """One comment as the source has it, with its HTML already made safe."""

    key: str  # becomes Comment.import_key: "<source>:<id>", unique per thread
    thread_key: str
    parent_key: str | None
    text: str
    html: str
    status: str
    created_at: datetime
    author: str = ""
    email: str | None = None
    website: str | None = None
    ip: str | None = None
    kind: str = "comment"  # comment, pingback or trackback
    edited_at: datetime | None = None
    likes: int = 0
    dislikes: int = 0
    pinned: bool = False
    notify_replies: bool = False
    reasons: list[str] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    problem: str | None = None  # why this record cannot be imported, for the summary


class UriMap:
    """Turns article links into paths on the site, after the operator's `--map OLD=NEW` rules."""

    def __init__(self, rules: list[tuple[str, str]]):
        # The longest prefix wins, so a specific rule beats a general one.
        self.rules = sorted(rules, key=lambda rule: len(rule[0]), reverse=True)

    @classmethod
    def parse(cls, values: tuple[str, ...] | list[str]) -> UriMap:
        """Rules from `OLD=NEW` strings, or ValueError."""
        rules = []
        for value in values:
            old, sep, new = value.partition("=")
            if not sep or not old:
                raise ValueError(f"--map wants OLD=NEW, got {value!r}")
            rules.append((old, new))
        return cls(rules)

    def path_of(self, link: str) -> str | None:
        """The article path for `link`, or None when it is not a usable path."""
        link = (link or "").strip()
        for old, new in self.rules:
            if link.startswith(old):
                link = new + link[len(old):]
                break
        if not link:
            return None
        parts = urlsplit(link)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        if not path.startswith("/"):
            return None
        try:
            validate_uri(path)
        except ValidationError:
            return None
        return path[:1000]


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 or `YYYY-MM-DD HH:MM:SS` time as UTC; None when it is not a time."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clean_email(value: str | None) -> str | None:
    """An email as stored: trimmed (exports wrap it in whitespace), None when empty or bogus."""
    value = "".join((value or "").split())
    if not value or "@" not in value or len(value) > 320:
        return None
    return value


def clean_website(value: str | None) -> str | None:
    """A commenter's website if it is an http(s) URL; anything else is dropped."""
    value = (value or "").strip()
    if not value or len(value) > 500:
        return None
    return value if urlsplit(value).scheme in ("http", "https") else None


def html_with_paragraphs(text: str) -> str:
    """Paragraphs and line breaks the way WordPress shows a comment (its `wpautop`).

    Comment bodies there are HTML fragments in which blank lines separate paragraphs and single
    newlines break lines; the sanitizer then reduces whatever markup remains to our allow-list.
    """
    if re.search(r"<(p|div|blockquote|ul|ol|pre)[\s>]", text, re.IGNORECASE):
        return text
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return "".join(f"<p>{'<br>'.join(part.splitlines())}</p>" for part in paragraphs if part)
