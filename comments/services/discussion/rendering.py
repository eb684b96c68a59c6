"""Markdown to safe HTML, done once when a comment is written, never on a read."""

from __future__ import annotations

from functools import cache
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "hr",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _image_as_link(
    renderer: Any, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Render `![alt](src)` as a plain link: a comment loads nothing from anywhere."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escape(src)}">{escape(alt)}</a>'


@cache
def _markdown(linkify: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "breaks": True})
    md.enable(["linkify", "strikethrough"] if linkify else ["strikethrough"])
    # Headings make no sense in a reader's comment; "# 1" stays text.
    md.disable(["heading", "lheading"])
    md.add_render_rule("image", _image_as_link)
    md.validateLink = _is_allowed_link  # type: ignore[method-assign]
    return md


def _is_allowed_link(url: str) -> bool:
    """Only absolute http(s) and mailto links become links; anything else stays text."""
    scheme, _, rest = url.strip().partition(":")
    return bool(rest) and scheme.lower() in URL_SCHEMES


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        url_relative="deny",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )


def render(text: str) -> str:
    """The sanitized HTML a comment with this Markdown `text` shows."""
    try:
        return sanitize(_markdown().render(text))
    except RuntimeError:
        # markdown-it-py's link parser can stop on a bare web address inside a link label
        # ("inline rule didn't increment state.pos", found by fuzz/render_target.py): such a
        # text is rendered without turning bare addresses into links, never a 500.
        return sanitize(_markdown(linkify=False).render(text))


def sanitize(html: str) -> str:
    """Reduce any HTML to the allow-list: no scripts, handlers, styles or foreign schemes."""
    return _cleaner().clean(html).strip()


def count_links(html: str) -> int:
    """How many links the rendered comment holds (a spam signal)."""
    return html.count("<a ")
