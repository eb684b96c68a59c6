"""A commenter's website: the one normal form of a web address someone typed (yarl), or none."""

from __future__ import annotations

import ipaddress
import re

from yarl import URL

MAX_LENGTH = 500
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
#: What a normal form may hold: printable ASCII without quotes, brackets, backslash or spaces.
NORMAL = re.compile(r"^https?://[\x21\x23-\x3b\x3d\x3f-\x5b\x5d-\x7e]+$")
#: Stored values already in this shape are served as they are, without parsing (reads are hot).
PLAIN = re.compile(r"^https?://[a-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$")


class NotAWebAddress(ValueError):
    """The text is not a plain http(s) address; the message says why."""


def normal_web_address(text: str | None) -> str | None:
    """`text` as an http(s) URL in normal form, None when blank, or NotAWebAddress.

    The normal form has an ASCII (IDNA) host and a percent-encoded path, query and fragment,
    so no quote or bracket ever reaches a page or an href. A bare `example.org` means https.
    Refused: other schemes, no host or one that is not a name or an IP address, and a user or
    password (`https://bank.example@evil.example/` shows one site and opens another).
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise NotAWebAddress(f"Longer than {MAX_LENGTH} characters.")
    if "://" not in text:
        text = "https://" + text
    try:
        url = URL(text)
        host = url.raw_host
        _port = url.port
        normal = str(url)
    except (ValueError, TypeError, UnicodeError) as error:
        raise NotAWebAddress("Not a web address.") from error
    if url.scheme not in ("http", "https"):
        raise NotAWebAddress("Must be an http(s) URL.")
    if url.raw_user is not None or url.raw_password is not None:
        raise NotAWebAddress("A web address without a user name or password.")
    if not host or not _plain_host(host):
        raise NotAWebAddress("Not a valid host name.")
    if len(normal) > MAX_LENGTH or not NORMAL.match(normal):
        raise NotAWebAddress("Not a web address.")
    return normal


def served_web_address(stored: str | None) -> str | None:
    """A stored website as readers get it: in normal form, or None if it cannot be one."""
    if not stored:
        return None
    if PLAIN.match(stored):
        return stored
    try:
        return normal_web_address(stored)
    except NotAWebAddress:
        return None


def _plain_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.lower().rstrip(".").split(".")
    return all(LABEL.match(label) for label in labels)
