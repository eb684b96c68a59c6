"""Reading an article's page on the publisher's own site: bounded in size, time and redirects."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from selectolax.lexbor import LexborHTMLParser

from comments.schemas.common import uri_problem

TITLE_MAX = 300
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NOT_A_PATH = 400  # what a path the site could not serve counts as: no article, nothing asked


@dataclass(frozen=True)
class PageFacts:
    """What the site's page says: its last HTTP status (0: no answer at all) and its title.

    A redirect that was not followed (to another host, or one too many) leaves its own status;
    a `uri` that is no path on the site is NOT_A_PATH, and nobody was asked.
    """

    status: int
    title: str = ""
    problem: str = ""

    @property
    def exists(self) -> bool:
        """Whether the site serves an article there (a 200 on its own host)."""
        return self.status == 200


def fetch_page(base_url: str, uri: str, *, timeout: float, max_bytes: int,
               max_redirects: int) -> PageFacts:
    """The facts of the page at base URL + `uri`, read from the site's own host only.

    `timeout` bounds the whole exchange (every redirect and every byte), not each read, so a
    page that trickles cannot hold a worker longer.
    """
    problem = uri_problem(uri)
    if problem is not None:
        return PageFacts(NOT_A_PATH, problem=f"not a path on the site: {problem}")
    url = base_url.rstrip("/") + uri
    if _origin(url) != _origin(base_url):
        return PageFacts(NOT_A_PATH, problem="not a path on the site")
    try:
        return _run(asyncio.wait_for(
            _fetch(base_url, url, max_bytes, max_redirects, timeout), timeout))
    except TimeoutError:
        return PageFacts(0, problem=f"no answer within {timeout:g} s (timed out)")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return PageFacts(NOT_A_PATH, problem="not a URL the site could serve")
    except httpx.HTTPError as error:
        return PageFacts(0, problem=f"no answer: {type(error).__name__}")


def _run(reading: Coroutine[Any, Any, PageFacts]) -> PageFacts:
    """Run the reading to its end on an event loop of its own: in this thread as a rule, in a
    helper thread when this one already runs a loop (asyncio.run refuses to nest)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(reading)
    with ThreadPoolExecutor(max_workers=1) as helper:
        return helper.submit(asyncio.run, reading).result()


async def _fetch(base_url: str, url: str, max_bytes: int, max_redirects: int,
                 timeout: float) -> PageFacts:
    headers = {"User-Agent": "comments-article-facts/1 (+reads titles for comment threads)",
               "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
               # Raw bytes only: a compressed body could expand far past the read limit.
               "Accept-Encoding": "identity"}
    # No proxies from the environment, no cookies kept: one plain request to the site's host.
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=timeout,
                                 headers=headers) as client:
        last = 0
        for _hop in range(max_redirects + 1):
            async with client.stream("GET", url) as response:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("Location", "")
                    target = urljoin(url, location)
                    if not location or not _same_host(target, base_url):
                        return PageFacts(response.status_code,
                                         problem="redirected to another host (refused)")
                    url, last = target, response.status_code
                    continue
                if response.status_code != 200:
                    return PageFacts(response.status_code, problem=f"answered {response.status_code}")
                body = await _bounded_body(response, max_bytes)
                content_type = response.headers.get("Content-Type", "")
                if response.headers.get("Content-Encoding", "identity").lower() != "identity":
                    content_type = ""  # exists, but its title is not read from encoded bytes
                return PageFacts(200, title=page_title(body, content_type))
    return PageFacts(last, problem=f"more than {max_redirects} redirects")


async def _bounded_body(response: httpx.Response, max_bytes: int) -> bytes:
    """At most `max_bytes` of the body; the rest is never read (the connection is closed)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= max_bytes:
            break
    return b"".join(chunks)[:max_bytes]


def page_title(body: bytes, content_type: str) -> str:
    """The page's `og:title`, else its `<title>`, as plain text of at most TITLE_MAX characters."""
    if not content_type:
        return ""
    message = Message()
    message["Content-Type"] = content_type
    if message.get_content_type() not in HTML_TYPES:
        return ""
    charset = message.get_content_charset() or "utf-8"
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    tree = LexborHTMLParser(text)
    candidates: list[str] = []
    for meta in tree.css('meta[property="og:title"], meta[name="og:title"]'):
        candidates.append(meta.attributes.get("content") or "")
    title = tree.css_first("title")
    if title is not None:
        candidates.append(title.text())
    for candidate in candidates:
        plain = plain_text(candidate)
        if plain:
            return plain
    return ""


def plain_text(value: str) -> str:
    """`value` with any markup in it removed, whitespace folded, and its length bounded."""
    fragment = LexborHTMLParser(f"<body>{value}</body>")
    fragment.strip_tags(["script", "style", "template", "noscript"])
    body = fragment.body
    text = body.text(separator="") if body is not None else ""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > TITLE_MAX:
        text = text[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return text


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _same_host(target: str, base_url: str) -> bool:
    """Whether `target` is on the site's own host: its origin, or its https upgrade."""
    scheme, host, port = _origin(target)
    base_scheme, base_host, base_port = _origin(base_url)
    if host != base_host or urlsplit(target).username is not None:
        return False
    if (scheme, port) == (base_scheme, base_port):
        return True
    return base_scheme == "http" and (scheme, port) == ("https", 443) and base_port == 80
