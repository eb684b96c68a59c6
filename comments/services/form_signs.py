"""Bot signs of the readers' forms: the honeypot and the signed form token, read one way for all."""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from dataclasses import dataclass

from comments.services import tokens


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
    return FormSigns(filled, Stamp.GOOD, elapsed)
