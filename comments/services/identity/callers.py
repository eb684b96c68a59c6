"""Who is writing: the signed-in reader, else the browser key the loader keeps, else the address.

Votes and flags count once per reader this module names. The network address is only the
fallback for clients that send neither a reader token nor a browser key (scripts, old embeds).
Identity keys readers here, in its own functions, and leaves the client's network key
(services/client.py) to the trust boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from comments.errors import SignInRequired
from comments.models import Reader, Site
from comments.services.client import Client, network_key
from comments.services.hashing import address_hash, keyed_hash
from comments.services.identity.sessions import reader_of_token

#: What the loader generates: 128 random bits or more, URL-safe base64 or hex.
BROWSER_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}\Z")


@dataclass(frozen=True)
class Caller:
    """What a request says about its sender besides the address: the headers, unchecked."""

    reader_token: str | None = None
    browser_key: str | None = None


@dataclass(frozen=True)
class Who:
    """The sender, checked: the reader (if signed in) and the keys votes and flags count by."""

    reader: Reader | None
    vote_key: str
    flag_key: str
    #: What the keys stand for: "reader", "browser" or "address".
    keyed_by: str = "address"


def browser_key(value: str | None) -> str | None:
    """The browser key if it has the loader's shape; anything else counts as none."""
    value = (value or "").strip()
    return value if BROWSER_KEY.match(value) else None


def who_is(site: Site, caller: Caller | None, client: Client, *, acting: str = "post",
           reader: Reader | None = None) -> Who:
    """The sender on `site`; BadReaderToken for a bad token, SignInRequired where the site says so.

    `reader`: the caller's reader when already loaded from their token (posting does).
    """
    caller = caller or Caller()
    if reader is None and caller.reader_token:
        reader = reader_of_token(caller.reader_token, site)
    if reader is None and site.settings.identity == "signed_in":
        raise SignInRequired(f"Sign in to {acting} on this site.")
    if reader is not None:
        return Who(reader, keyed_hash("voter", f"reader:{reader.id}"),
                   keyed_hash("flag", f"reader:{reader.id}"), "reader")
    key = browser_key(caller.browser_key)
    if key is not None:
        return Who(None, keyed_hash("voter", f"browser:{site.id}:{key}"),
                   keyed_hash("flag", f"browser:{site.id}:{key}"), "browser")
    # The network key as the trust boundary counts it (an IPv6 client is its /64).
    return Who(None, address_hash(client.address), keyed_hash("flag", network_key(client.address)))
