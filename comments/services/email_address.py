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


#: Providers known to ignore dots in the local part, and their other names.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_key(address: str) -> str:
    """The mailbox a (normalized) address delivers to, for counting and suppressing only.

    `ann+news@example.org` and `Ann@example.org` reach one person, so quotas and the
    suppression list must see one: the `+tag` goes, the local part is lowercased, and where the
    provider ignores dots, they go too. Mail is still sent to the address as typed.
    """
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0].lower() or local.lower()
    domain = domain.lower()
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"
