"""Rendering at write time: Markdown in, only allow-listed HTML out, whatever the input."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments.services.discussion.rendering import render, sanitize

ALLOWED_TAGS = {"a", "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote",
                "ul", "ol", "li", "hr"}
ALLOWED_ATTRIBUTES = {"href", "title", "start", "target", "rel"}


class Inspector(HTMLParser):
    """Collects every tag and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.problems.append(f"attribute {name}")
            if name == "href":
                scheme = (value or "").strip().split(":", 1)[0].lower()
                if scheme not in ("http", "https", "mailto"):
                    self.problems.append(f"href {value}")

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems

PIECES = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](&#106;avascript:alert(1))", "![a](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>', "<svg onload=alert(1)>", "<iframe src=//evil>",
    '"><script>alert(1)</script>', "<style>*{}</style>", '<p style="x:y">s</p>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "<math><mi xlink:href=javascript:alert(1)>",
    "`code`", "**bold**", "> quote", "- item", "1. one", "http://example.org", "\n\n", "<",
    ">", "&", "\"", "'", "[", "](", ")", "javascript:", " onerror=", "<a ", "\x00", "\u202e",
])


@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=25).map("".join))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_published_html_never_holds_script_handlers_styles_frames_or_js_urls(text):
    html = render(text)
    assert problems(html) == [], (text, html)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_sanitizing_any_html_is_safe_and_stable(html):
    once = sanitize(html)
    assert problems(once) == [], (html, once)
    assert sanitize(once) == once


def test_links_get_nofollow_ugc_noopener_and_only_safe_schemes():
    html = render("[a](https://a.example) [b](mailto:x@example.org) [c](ftp://x) [d](/local)")
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert 'href="https://a.example"' in html and 'href="mailto:x@example.org"' in html
    assert "[c](ftp://x)" in html and "[d](/local)" in html


def test_images_become_links_so_a_comment_loads_nothing():
    html = render("![a cat](https://img.example/cat.png)")
    assert "<img" not in html
    assert 'href="https://img.example/cat.png"' in html and ">a cat</a>" in html


@pytest.mark.parametrize("text, expected", [
    ("**b** _i_ `c`", "<p><strong>b</strong> <em>i</em> <code>c</code></p>"),
    ("# not a heading", "<p># not a heading</p>"),
    ("a\nb", "<p>a<br>\nb</p>"),
    ("<b>raw</b>", "<p>&lt;b&gt;raw&lt;/b&gt;</p>"),
])
def test_markdown_basics(text, expected):
    assert render(text) == expected


# Found by fuzz/render_target.py: markdown-it-py's link label parser stopped on a bare address
# inside a label ("inline rule didn't increment state.pos"), and the post was a 500.
STOPS_THE_LINK_PARSER = "kkkkkkkk[http://s://"  # the fuzzer's find, reduced


def test_a_text_that_stops_the_link_parser_still_renders_as_text():
    html = render(STOPS_THE_LINK_PARSER)
    assert html == "<p>kkkkkkkk[http://s://</p>"
    assert sanitize(html) == html


def test_a_text_that_stops_the_link_parser_posts_like_any_other(post):
    response = post(text=STOPS_THE_LINK_PARSER)
    assert response.status_code == 201, response.json
