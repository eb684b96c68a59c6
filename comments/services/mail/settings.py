"""Mail settings: what `COMMENTS_*` mail variables mean and their defaults."""

from __future__ import annotations

from typing import Any

from flask import current_app

from comments.services.public_links import mail_domain

MAIL_DEFAULTS: dict[str, Any] = {
    "SMTP_URL": None,  # smtp://, smtp+starttls://, smtps:// with user:password@; else .eml files
    "SMTP_TIMEOUT": 20.0,  # seconds for each SMTP conversation step
    "SMTP_CA_FILE": None,  # extra CA bundle to trust for STARTTLS/SMTPS (a private relay)
    "MAIL_FROM": None,  # sender when a site has no mail_from; default comments@<public host>
    "MAIL_FOLDER": None,  # where .eml files go without SMTP; default <instance>/mail
    "MAIL_BATCH_SIZE": 50,  # messages one worker claims at a time
    "MAIL_LEASE_SECONDS": 300,  # a claim not finished by then is due again (crashed worker)
    "MAIL_RETRY_BASE_SECONDS": 60.0,  # first retry delay; doubles each attempt, with jitter
    "MAIL_RETRY_MAX_SECONDS": 6 * 3600.0,
    "MAIL_MAX_ATTEMPTS": 10,  # temporary failures before a message is given up
    "MAIL_IDLE_SECONDS": 2.0,  # how long an idle worker sleeps between polls
    "MAIL_DIGEST_CHECK_SECONDS": 600.0,  # how often a running worker sends due digests
    "MAIL_KEEP_DAYS": 30,  # finished outbox rows (addresses, notes) are deleted after this
    "SHARES_BY_EMAIL_ENABLED": True,  # kill switch for "send this to a friend" by email
}


def setting(name: str) -> Any:
    """A mail setting from the app config (`COMMENTS_<NAME>`), else its default."""
    value = current_app.config.get(name)
    return MAIL_DEFAULTS[name] if value is None else value


def flag(name: str) -> bool:
    """A boolean setting that may arrive as text from the environment."""
    value = setting(name)
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def default_sender() -> str:
    """The From address of sites without their own: `MAIL_FROM`, else comments@<public host>."""
    configured = setting("MAIL_FROM")
    if configured:
        return str(configured)
    return f"comments@{mail_domain()}"
