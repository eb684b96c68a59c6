"""What a reader sends to post a comment, as the web layer hands it over after the schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewComment:
    """A new comment or reply, already shaped by the schema (lengths, types, the site key)."""

    uri: str
    text: str
    site: str = "default"
    title: str = ""
    parent_id: int | None = None
    author: str | None = ""
    email: str | None = ""
    website: str | None = None
    notify_replies: bool = False
    notify_mode: str = "instant"
    language: str = "en"
    # Bot signs from the embed's form: its signed issue time, and the field people never see.
    form_token: str | None = None
    hp: str | None = ""
    # Identity (services/identity/): the X-Reader-Token and X-Browser-Key headers, unchecked.
    reader_token: str | None = None
    browser_key: str | None = None
