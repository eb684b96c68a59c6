"""Bot signs of the readers' forms: the honeypot and the signed form token, read one way for all."""

from __future__ import annotations

import enum
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from comments.database.sql import insert_ignoring_conflicts
from comments.extensions import db
from comments.models import UsedToken
from comments.models.types import utcnow
from comments.services import tokens

#: The purpose recorded for a spent form token (its id is "form:" + the token's nonce).
SPENT = "form"


class Stamp(enum.Enum):
    """The form token's verdict on where a submission came from."""

    MISSING = "missing"  # none sent: not our form (an API client, or a bot)
    BAD = "bad"  # forged, expired, or issued for another form
    GOOD = "good"


@dataclass(frozen=True)
class FormSigns:
    """What a sent form says about its sender; each form decides what to do about it."""

    #: The field people never see was filled in: a bot.
    honeypot_filled: bool
    #: What the form token says about the form that sent it.
    stamp: Stamp
    #: Seconds between showing the form and sending it, for forms whose token carries the time.
    elapsed: float | None = None
    #: The token's one-use id, when it carries one (see spend()).
    token_id: str | None = None


def issue_form_token() -> str:
    """A token for one form submission: the time it was shown and a nonce that is spent once."""
    return tokens.sign("form", {"t": int(time.time()), "j": secrets.token_hex(12)})


def spend(signs: FormSigns) -> bool:
    """Mark the token as used, in the current transaction; False if it was used before.

    A token stands for one showing of a form, so its time to submit counts once: reused,
    it would let a bot wait once and then post or share all day.
    """
    if signs.token_id is None:
        return False
    return insert_ignoring_conflicts(UsedToken, {"token_id": signs.token_id, "purpose": SPENT},
                                     ["token_id"])


def forget_spent_tokens(now: datetime | None = None) -> int:
    """Delete spent form tokens old enough that the tokens themselves have expired; how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=tokens.PURPOSES["form"] + 3600)
    result = db.session.execute(
        delete(UsedToken).where(UsedToken.purpose == SPENT, UsedToken.used_at < cutoff)
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def read_signs(token: str | None, honeypot: str | None,
               bound_to: Mapping[str, str] | None = None) -> FormSigns:
    """Read a form's honeypot and token.

    The embed's comment and share forms carry the time they were shown (`{"t": ...}`); a form
    bound to one page (the privacy page: its site and purpose) passes `bound_to`, the exact payload
    its token must carry.
    """
    filled = bool((honeypot or "").strip())
    if not token:
        return FormSigns(filled, Stamp.MISSING)
    try:
        payload = tokens.unsign("form", token)
    except tokens.InvalidToken:
        return FormSigns(filled, Stamp.BAD)
    if bound_to is not None:
        return FormSigns(filled, Stamp.GOOD if payload == dict(bound_to) else Stamp.BAD)
    try:
        elapsed = time.time() - float(payload["t"])
    except (TypeError, KeyError, ValueError):
        return FormSigns(filled, Stamp.BAD)
    if elapsed > tokens.PURPOSES["form"]:
        return FormSigns(filled, Stamp.BAD)
    nonce = payload.get("j")
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= 40:
        return FormSigns(filled, Stamp.BAD)  # issued before tokens were single-use
    return FormSigns(filled, Stamp.GOOD, elapsed, token_id=f"form:{nonce}")
