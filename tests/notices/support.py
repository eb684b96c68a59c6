"""Steps the notice tests share: a public comment, a notice, the mail that came, its links."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support.app import post_comment, sql
from tests.support.mailing import run_once

URI = "/2019/02/08/summit/"
PUBLIC = "https://comments.news.example"
LINK = re.compile(r"https://comments\.news\.example/appeal/\?token=([A-Za-z0-9_.\-]+)")


def public_comment(client: FlaskClient, email: str | None = "author@example.org",
                   text: str = "Something a reader may object to.") -> int:
    """Post a comment that is published at once; its id."""
    fields: dict[str, Any] = {"text": text, "author": "Bert"}
    if email:
        fields["email"] = email
    response = post_comment(client, uri=URI, **fields)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "approved"
    return int(response.json["id"])


def notice_body(comment_id: int, **fields: Any) -> dict[str, Any]:
    """A complete notice with sensible defaults."""
    body = {"comment_id": comment_id, "law": "StGB § 130 (incitement)",
            "explanation": "It calls for violence against a group.", "reporter_name": "Rita",
            "reporter_email": "rita@example.net", "good_faith": True}
    body.update(fields)
    return body


def deliver(app: Flask, smtp: Any) -> list[EmailMessage]:
    """Send everything queued and return the mail that arrived by this call."""
    before = len(smtp.mailbox.messages)
    run_once(app)
    return list(smtp.mailbox.messages[before:])


def to(messages: list[EmailMessage], address: str) -> list[EmailMessage]:
    """The messages addressed to `address`."""
    return [m for m in messages if m["To"].addresses[0].addr_spec == address]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def appeal_token(message: EmailMessage) -> str:
    """The token of the appeal link in a mail."""
    found = LINK.search(text_of(message))
    assert found, text_of(message)
    return found.group(1)


def status_of(app: Flask, comment_id: int) -> str:
    return str(sql(app, "SELECT status FROM comments WHERE id = :id", id=comment_id)[0][0])
