"""The `.eml` files a fresh install writes instead of sending, listed for moderators."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from comments.errors import NotFound
from comments.services.mail.transport import mail_folder

FILE_NAME = re.compile(r"^[0-9a-f]{24}\.eml$")


@dataclass(frozen=True)
class MailFile:
    """One written mail, described by its headers."""

    name: str
    to: str
    sender: str
    subject: str
    message_id: str
    written_at: datetime
    size: int


def list_files(limit: int = 100) -> list[MailFile]:
    """The newest `limit` mail files, newest first (empty when none were written)."""
    folder = mail_folder()
    if not folder.is_dir():
        return []
    paths = [p for p in folder.iterdir() if FILE_NAME.match(p.name)]
    stamped = []
    for path in paths:
        try:
            stamped.append((path.stat().st_mtime, path))
        except FileNotFoundError:  # replaced by a resend while we looked
            continue
    stamped.sort(key=lambda item: item[0], reverse=True)
    found = []
    for mtime, path in stamped[:limit]:
        try:
            found.append(_describe(path, mtime))
        except FileNotFoundError:
            continue
    return found


def read_file(name: str) -> EmailMessage:
    """The parsed mail file called `name`, or NotFound (names are checked, never paths)."""
    if not FILE_NAME.match(name):
        raise NotFound("No such mail file.")
    path = mail_folder() / name
    try:
        with path.open("rb") as handle:
            return BytesParser(policy=policy.default).parse(handle)
    except FileNotFoundError as error:
        raise NotFound("No such mail file.") from error


def body_text(message: EmailMessage) -> str:
    """The plain-text part of a mail, for showing it."""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _describe(path: Path, mtime: float) -> MailFile:
    with path.open("rb") as handle:
        headers = BytesParser(policy=policy.default).parse(handle, headersonly=True)
    return MailFile(
        name=path.name,
        to=str(headers.get("To", "")),
        sender=str(headers.get("From", "")),
        subject=str(headers.get("Subject", "")),
        message_id=str(headers.get("Message-ID", "")),
        written_at=datetime.fromtimestamp(mtime, UTC),
        size=path.stat().st_size,
    )
