"""Where a webhook may point: http(s) URLs whose every address is public, checked again on send."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from comments.config import flag
from comments.errors import Invalid

MAX_URL = 2000


class UnsafeTarget(Exception):
    """The URL may not be called: bad scheme, unresolvable, or a private address."""


@dataclass(frozen=True)
class Target:
    """A webhook URL taken apart, and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    address: str  # the IP the connection goes to: one that passed the check

    @property
    def connect_url(self) -> str:
        """The URL with the checked IP in place of the name (the name goes in Host and SNI)."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{host}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        """What the receiver sees as Host: the name of the registered URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def private_allowed() -> bool:
    """Whether loopback and private targets are allowed (`COMMENTS_WEBHOOKS_ALLOW_PRIVATE`)."""
    return flag(current_app.config["WEBHOOKS_ALLOW_PRIVATE"])


def is_public(address: str) -> bool:
    """Whether an IP address is routable on the internet (not private, loopback, link-local...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str) -> Target:
    """Parse `url`, resolve its host now, and pick an address that passes the check.

    Every address the name resolves to must pass, not only the first: a name that answers
    with one public and one private address is refused as a whole.
    """
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - raises on a malformed [IPv6] host
    except ValueError as error:
        raise UnsafeTarget("the URL is not valid") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeTarget("only http and https URLs can receive webhooks")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("credentials in the URL are not allowed; use the signature")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget("the URL has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeTarget("the URL's port is not valid") from error
    if not 0 < port < 65536:
        raise UnsafeTarget("the URL's port is not valid")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeTarget(f"the host {host!r} does not resolve") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise UnsafeTarget(f"the host {host!r} does not resolve")
    if not private_allowed():
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise UnsafeTarget(f"the host {host!r} resolves to a private, loopback or "
                               f"link-local address ({refused[0]})")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses[0])


def checked_url(url: str) -> str:
    """The URL as it will be stored, or `Invalid` saying why it cannot receive webhooks."""
    url = (url or "").strip()
    if not url or len(url) > MAX_URL:
        raise Invalid(errors={"url": [f"Give an http(s) URL of at most {MAX_URL} characters."]})
    if "#" in url:
        raise Invalid(errors={"url": ["A webhook URL has no #fragment."]})
    try:
        resolve(url)
    except UnsafeTarget as error:
        raise Invalid(errors={"url": [str(error)]}) from error
    return url
