"""Building mail: Jinja templates per language, rendered into an EmailMessage with safe headers."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email import policy as email_policy
from email.errors import MessageError
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from flask import current_app
from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from comments.models import OutboxMessage, Site
from comments.models.types import utcnow
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.mail import comment_text
from comments.services.mail.subscription_links import unsubscribe_url
from comments.services.public_links import mail_domain, public_url

log = logging.getLogger(__name__)
TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "templates" / "mail"
TEMPLATE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
#: Mail to staff (kinds starting so), not to readers: no unsubscribe headers; moderators
#: choose what they get in their own settings.
STAFF_KINDS = ("moderation", "moderator", "staff")
#: Mail the law requires (DSA Art. 16, 17 and 20: a notice's receipt and answer, a statement of
#: reasons, an appeal's outcome): it carries no unsubscribe link, and unsubscribing from
#: everything does not stop it. Only an address that bounced or complained gets none.
LEGAL_KINDS = ("notice", "statement")


class UnfoldedUrlHeader(UnstructuredHeader):
    """A header holding one `<URL>` we built, written on one line as it is.

    The standard folding turns a long unbroken URL into RFC 2047 encoded words, which mail
    providers do not decode in List-Unsubscribe; a line up to 998 characters is valid.
    """

    name: str  # provided by the BaseHeader the registry mixes in

    def fold(self, *, policy: email_policy.Policy) -> str:
        value = str(self)
        if not URL_HEADER.match(value):
            raise UnsendableMessage(f"not a bracketed URL: {value[:80]!r}")
        return f"{self.name}: {value}{policy.linesep}"


class FoldedOnceHeader(BaseHeader):
    """A header that keeps its folded form: a header object never changes, and the same
    Content-Type or From goes out in every mail a worker sends."""

    def fold(self, *, policy: email_policy.Policy) -> str:
        key = (policy.linesep, policy.max_line_length, getattr(policy, "utf8", False))
        kept: dict[tuple[Any, ...], str] = self.__dict__.setdefault("_folded", {})
        folded = kept.get(key)
        if folded is None:
            folded = kept[key] = super().fold(policy=policy)
        return folded


#: Headers whose values repeat from one mail to the next (the parts' MIME headers, the
#: sender, fixed flags, a digest's subject): parsed once per process and value, then shared.
#: Header objects are immutable, so sharing them is safe.
REPEATED_HEADERS = frozenset({
    "content-type", "content-transfer-encoding", "mime-version", "from", "subject",
    "auto-submitted", "x-auto-response-suppress", "list-unsubscribe-post",
})
KEPT_HEADERS = 1024


class CachedHeaderRegistry(HeaderRegistry):
    """The standard registry, but each header class is made once, not once per header set,
    and a header that repeats across mails is parsed once.

    (The stock registry builds a new class with `type()` on every lookup: a third of the
    time it takes to build a mail. Parsing the same MIME headers again was most of the rest.)
    """

    def __init__(self) -> None:
        super().__init__(base_class=FoldedOnceHeader)
        self._classes: dict[str, type] = {}
        self._headers: dict[tuple[str, str], Any] = {}

    def map_to_type(self, name: str, cls: Any) -> None:
        super().map_to_type(name, cls)
        self._classes.clear()
        self._headers.clear()

    def __getitem__(self, name: str) -> Any:
        key = name.lower()
        made = self._classes.get(key)
        if made is None:
            made = self._classes[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> Any:
        if not isinstance(value, str) or name.lower() not in REPEATED_HEADERS:
            return super().__call__(name, value)
        key = (name, value)
        header = self._headers.get(key)
        if header is None:
            if len(self._headers) >= KEPT_HEADERS:
                self._headers.clear()
            header = self._headers[key] = super().__call__(name, value)
        return header


def _mail_policy() -> Any:
    registry = CachedHeaderRegistry()
    registry.map_to_type("list-unsubscribe", cast(Any, UnfoldedUrlHeader))
    return email_policy.default.clone(header_factory=registry)


URL_HEADER = re.compile(r"^<https?://[\x21-\x3b\x3d\x3f-\x7e]{1,900}>$")
MAIL_POLICY = _mail_policy()


class UnsendableMessage(Exception):
    """This message can never be built (bad address, unknown template): give it up."""


@dataclass(frozen=True)
class Rendered:
    """The three parts of a mail, rendered."""

    subject: str
    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Compiled templates are cached per process; they are files shipped with the code.
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATE_ROOT)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # A comment's stored HTML enters a mail only through the allow-list, never `|safe`.
    environment.filters["comment_html"] = comment_text.mail_html
    return environment


def candidates(template: str, part: str, language: str) -> list[str]:
    """Template files to try, most specific language first, then the English default."""
    if not TEMPLATE_NAME.match(template):
        raise UnsendableMessage(f"bad template name {template!r}")
    names = []
    lang = (language or "").strip().lower().replace("_", "-")
    if LANGUAGE.match(lang) and not lang.startswith("en"):
        names.append(f"{lang}/{template}.{part}")
        if "-" in lang:
            names.append(f"{lang.split('-', 1)[0]}/{template}.{part}")
    names.append(f"{template}.{part}")
    return names


def render(template: str, context: dict[str, Any], language: str = "en") -> Rendered:
    """Render `<template>.subject.txt`, `.txt` and `.html` in `language` (falling back to en)."""
    env = _environment()
    parts = {}
    for part in ("subject.txt", "txt", "html"):
        try:
            parts[part] = env.select_template(candidates(template, part, language)).render(context)
        except TemplateNotFound as error:
            raise UnsendableMessage(f"no mail template {template}.{part}") from error
    return Rendered(header_text(parts["subject.txt"], 250), parts["txt"], parts["html"])


def header_text(value: str, limit: int = 200) -> str:
    """Text made safe for a header: no control characters or line breaks, bounded length."""
    return " ".join(CONTROL.sub(" ", value).split())[:limit]


def sender_of(site: Site | None) -> Address:
    """The site's own address (or the configured default), with the site's name."""
    name = header_text(site.name if site is not None else "", 80)
    for address in ((site.mail_from if site is not None else None), default_sender()):
        if not address:
            continue
        try:
            return Address(display_name=name, addr_spec=address.strip())
        except (ValueError, IndexError, MessageError):
            log.error("not a usable sender address: %r", address)
    raise UnsendableMessage("no valid sender address: set the site's mail_from or MAIL_FROM")


def default_sender() -> str:
    """The From address of sites without their own: `MAIL_FROM`, else comments@<public host>."""
    return str(current_app.config["MAIL_FROM"] or f"comments@{mail_domain()}")


def site_context(site: Site | None) -> dict[str, Any]:
    """What every template may use about the site and this install."""
    if site is None:
        return {"site": {"key": "", "name": "", "base_url": ""}, "public_url": public_url()}
    return {"site": {"key": site.key, "name": site.name, "base_url": site.base_url},
            "public_url": public_url()}


def compose(message: OutboxMessage, site: Site | None) -> EmailMessage:
    """The full mail for an outbox row: headers set only from trusted values, both parts."""
    try:
        recipient = normalized_email(message.recipient)
    except NotAnEmailAddress as error:
        raise UnsendableMessage(f"bad recipient: {error}") from error
    context = {**(message.context or {}), **site_context(site), "recipient": recipient}
    reader_mail = not message.kind.startswith(STAFF_KINDS) and message.kind not in LEGAL_KINDS
    if reader_mail:
        thread_id = context.get("thread_id")
        scope = "thread" if isinstance(thread_id, int) and message.kind == "reply" else "all"
        context["unsubscribe_url"] = unsubscribe_url(recipient, scope, thread_id)
    rendered = render(message.template, context, message.language)

    mail = EmailMessage(policy=MAIL_POLICY)
    mail["Subject"] = rendered.subject
    mail["From"] = str(sender_of(site))  # a string, so the parsed header is shared
    mail["To"] = Address(addr_spec=recipient)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Auto-Response-Suppress"] = "All"
    if reader_mail:
        mail["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(rendered.text)
    mail.add_alternative(rendered.html, subtype="html")
    return mail
