"""The bounds every notice and appeal field obeys: the same untrusted text as a comment's."""

from __future__ import annotations

import unicodedata

from comments.errors import Invalid
from comments.services.email_address import NotAnEmailAddress, normalized_email

LAW_MAX = 300
EXPLANATION_MAX = 4000
NAME_MAX = 100
FACTS_MAX = 4000
GROUNDS = ("illegal", "terms")


def text(value: str, field: str, limit: int, errors: dict[str, list[str]], *,
         multiline: bool = True, required: bool = True) -> str:
    """`value` trimmed, with line ends unified; an error in `errors` when it breaks a bound."""
    cleaned = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not multiline:
        cleaned = " ".join(cleaned.split())
    if required and not cleaned:
        errors[field] = ["Required."]
    elif len(cleaned) > limit:
        errors[field] = [f"At most {limit} characters."]
    elif any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in cleaned):
        errors[field] = ["Control characters are not allowed."]
    return cleaned


def email(value: str, field: str, errors: dict[str, list[str]]) -> str:
    """One valid email address, normalised."""
    try:
        return normalized_email(value)
    except NotAnEmailAddress:
        errors[field] = ["One valid email address."]
        return ""


def raise_if(errors: dict[str, list[str]]) -> None:
    """422 with every field's problem at once."""
    if errors:
        raise Invalid(errors=errors)
