"""Fuzz target for the comment renderer: whatever the Markdown, only allow-listed HTML comes out.

Run with atheris (libFuzzer options after the script name), for example
`python fuzz/render_target.py -max_total_time=600 fuzz/corpus/render`; see fuzz/README.md.
"""

from __future__ import annotations

import sys
from html.parser import HTMLParser

TAGS = {"a", "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol",
        "li", "hr"}
ATTRIBUTES = {"a": {"href", "title", "rel", "target"}, "ol": {"start"}}
SCHEMES = ("http:", "https:", "mailto:")
REL = "nofollow ugc noopener"


class UnsafeOutput(AssertionError):
    """The renderer let through something a browser could act on."""


class _Inspector(HTMLParser):
    """Everything a browser would build from the HTML, checked against the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            elif name == "href" and not (value or "").lower().startswith(SCHEMES):
                self.problems.append(f"href {value!r}")
            elif name == "target" and value != "_blank":
                self.problems.append(f"target {value!r}")
            elif name == "rel" and value != REL:
                self.problems.append(f"rel {value!r}")
        if tag == "a" and dict(attrs).get("rel") != REL:
            self.problems.append("a link without rel=nofollow ugc noopener")

    handle_startendtag = handle_starttag


def check(data: bytes) -> None:
    """Render `data` (as UTF-8 text) and raise UnsafeOutput if the HTML breaks the allow-list."""
    from comments.services.discussion.rendering import render, sanitize

    text = data.decode("utf-8", errors="replace").replace("\x00", "")
    html = render(text)
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    if inspector.problems:
        raise UnsafeOutput(f"{inspector.problems} from {text!r}: {html!r}")
    if sanitize(html) != html:
        # Sanitizing is a fixed point: what we stored is exactly what a second pass would keep.
        raise UnsafeOutput(f"sanitizing again changes {html!r}")


def main(argv: list[str]) -> None:
    """Hand `check` to libFuzzer through atheris, with the renderer's modules instrumented."""
    import atheris

    with atheris.instrument_imports(include=["comments.services.discussion.rendering", "markdown_it",
                                             "mdurl", "linkify_it"]):
        import comments.services.discussion.rendering  # noqa: F401 - instrumented for coverage
    atheris.Setup(argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
