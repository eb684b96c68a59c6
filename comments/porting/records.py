"""What every importer produces: source threads and comments, independent of the format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from marshmallow import ValidationError

from comments.schemas.common import validate_uri
from comments.services.web_address import NotAWebAddress, normal_web_address


@dataclass
class SourceSite:
    """The site an export came from, to create it where it does not exist yet."""

    base_url: str
    name: str = ""
    origins: list[str] = field(default_factory=list)
    mail_from: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceThread:
    """An article as the source knows it; `uri` is None when its link cannot become a path."""

    key: str
    uri: str | None
    title: str = ""
    closed: bool = False
    link: str = ""


@dataclass
class SourceReader:
    """Who wrote a comment, when the source knows them as an account (services/identity/).

    `subject` says where from: `sso:<id>` and `email:<address>` from our own export,
    `wordpress:<user_id>`, `disqus:<username>`.
    """

    subject: str
    name: str = ""
    email: str | None = None
    badges: list[str] = field(default_factory=list)
    url: str | None = None
    verified: bool = False


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
    reader: SourceReader | None = None
    featured: bool = False  # an editors' pick


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
    """A commenter's website in normal form if it is a plain http(s) URL; anything else is dropped."""
    value = (value or "").strip()
    if not value or "://" not in value:
        return None
    try:
        return normal_web_address(value)
    except NotAWebAddress:
        return None


BLOCK = r"(?:p|div|blockquote|ul|ol|li|pre|table|thead|tbody|tfoot|tr|td|th|hr|dl|dt|dd|h[1-6])"
BLOCK_START = re.compile(rf"\s*</?{BLOCK}[\s>/]", re.IGNORECASE)
BLOCK_END = re.compile(rf"</?{BLOCK}(?:\s[^>]*)?/?>\s*$", re.IGNORECASE)
OPENING = re.compile(rf"<{BLOCK}(?:\s[^>]*)?>", re.IGNORECASE)
CLOSING = re.compile(rf"</{BLOCK}\s*>", re.IGNORECASE)
HEADING = re.compile(r"<h[1-6](?:\s[^>]*)?>(.*?)</h[1-6]\s*>", re.IGNORECASE | re.DOTALL)


def html_like_wordpress(text: str) -> str:
    """The safe HTML of a WordPress comment, shown the way WordPress shows it.

    Headings, which comments do not get, become bold paragraphs; markup outside the allow-list
    (tables, definition lists) goes first, so that its loose text is paragraphed like any other
    and a second pass over our own output (a WXR round trip) changes nothing.
    """
    from comments.services.discussion.rendering import sanitize

    text = HEADING.sub(r"<p><strong>\1</strong></p>", text.replace("\r\n", "\n"))
    return sanitize(html_with_paragraphs(sanitize(text)))


def html_with_paragraphs(text: str) -> str:
    """Paragraphs and line breaks the way WordPress's `wpautop` makes them, in small.

    Blank lines separate paragraphs and other newlines break lines, except next to block
    elements; loose text between blocks becomes paragraphs.
    """
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        run: list[str] = []  # loose lines waiting to become one paragraph
        depth = 0  # block elements open at the start of the line
        previous = ""
        for line in (line for line in chunk.strip().split("\n") if line.strip()):
            if depth == 0 and not BLOCK_START.match(line):
                run.append(line)
            else:
                if run:
                    out.append("<p>" + "<br>".join(run) + "</p>")
                    run = []
                inside = depth > 0 and not BLOCK_END.search(previous) and not BLOCK_START.match(line)
                out.append(("<br>" if inside else "\n") + line)
            depth = max(0, depth + len(OPENING.findall(line)) - len(CLOSING.findall(line)))
            previous = line
        if run:
            out.append("<p>" + "<br>".join(run) + "</p>")
    return "".join(out).strip()
