"""Email addresses: the one check and normal form of any address someone types (no DNS lookups)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class NotAnEmailAddress(ValueError):
    """The text is not an email address; the message says why (email-validator's words)."""


def normalized_email(value: object) -> str:
    """`value` trimmed, checked and in its normal form (Unicode-normalized, domain lowercased)."""
    if not isinstance(value, str):
        raise NotAnEmailAddress("An email address must be text.")
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise NotAnEmailAddress(str(error)) from error
