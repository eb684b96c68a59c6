"""Configuration: safe defaults, then an optional file, then `COMMENTS_*` environment variables."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: SQLite under the instance folder
    "SECRET_KEY": None,  # default: generated once and kept in the instance folder
    "SECRET_KEY_FALLBACKS": [],
    "TRUSTED_PROXIES": 0,
    "PUBLIC_URL": None,  # the comments host as readers reach it: the only base of mailed links
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STRATEGY": "moving-window",
    # Mail: the outbox worker, its transport and the share-by-email kill switch.
    "SMTP_URL": None,  # smtp://, smtp+starttls://, smtps:// with user:password@; else .eml files
    "SMTP_TIMEOUT": 20.0,  # seconds for each SMTP conversation step
    "SMTP_CA_FILE": None,  # extra CA bundle to trust for STARTTLS/SMTPS (a private relay)
    "MAIL_FROM": None,  # sender when a site has no mail_from; default comments@<public host>
    "MAIL_FOLDER": None,  # where .eml files go without SMTP; default <instance>/mail
    "MAIL_BATCH_SIZE": 50,  # messages one worker claims at a time
    "MAIL_CONNECTIONS": 4,  # SMTP connections one worker sends a batch over, side by side
    "MAIL_LEASE_SECONDS": 300,  # a claim not finished by then is due again (crashed worker)
    "MAIL_RETRY_BASE_SECONDS": 60.0,  # first retry delay; doubles each attempt, with jitter
    "MAIL_RETRY_MAX_SECONDS": 6 * 3600.0,
    "MAIL_MAX_ATTEMPTS": 10,  # temporary failures before a message is given up
    "MAIL_IDLE_SECONDS": 2.0,  # how long an idle worker sleeps between polls
    "MAIL_DIGEST_CHECK_SECONDS": 600.0,  # how often a running worker sends due digests
    "MAIL_KEEP_DAYS": 30,  # finished outbox rows (addresses, notes) are deleted after this
    # Decided notices, statements of reasons and appeals; never less than the six months an
    # appeal can come (DSA Art. 20), whatever is set here.
    "NOTICES_KEEP_DAYS": 365,
    "SHARES_BY_EMAIL_ENABLED": True,  # kill switch for "send this to a friend" by email (flag())
    # Article facts read from a site's own page (services/articles/): limits of one reading,
    # and how long a reading holds (a page that did not answer 200 is asked again sooner).
    "ARTICLE_FETCH_TIMEOUT": 5.0,  # seconds for the whole exchange, redirects included
    "ARTICLE_FETCH_MAX_BYTES": 512 * 1024,
    "ARTICLE_FETCH_MAX_REDIRECTS": 3,  # each to the site's own host only
    "ARTICLE_FACTS_MAX_AGE": 3600,
    "ARTICLE_FACTS_RETRY_SECONDS": 60,
    "AKISMET_KEY": None,
    "AKISMET_TIMEOUT": 3.0,
    "AKISMET_URL": None,  # default: Akismet's own comment-check endpoint
    "MODERATOR_SESSION_HOURS": 12,
    "ARGON2_TIME_COST": 3,  # argon2id cost of moderator passwords (RFC 9106's second choice)
    "ARGON2_MEMORY_KIB": 65536,
    "SIGNIN_LIMIT": "5 per minute;30 per hour",
    "MAX_CONTENT_LENGTH": 64 * 1024,
    # How long a write waits for a lock before answering 503 (SQLite busy_timeout,
    # PostgreSQL lock_timeout).
    "DATABASE_BUSY_TIMEOUT_MS": 5000,
    "JSON_LOGS": False,
    # Encoded thread pages kept by each process, keyed by ETag (so never stale); 0 turns it off.
    "READ_MEMO_MB": 32,
    # Answer revalidations and memoized thread pages before Flask (fast_lane/middleware.py).
    "FAST_READS": True,
    # Compress text answers (br, gzip) when the client accepts them; false behind a proxy that
    # compresses already (web/compression.py).
    "COMPRESS": True,
    # /metrics: open to these networks (comma-separated CIDRs), or to `Bearer METRICS_TOKEN`.
    "METRICS_ALLOW": "127.0.0.0/8,::1/128",
    "METRICS_TOKEN": None,
    "DEMO": False,  # serve the made-up article of `comments demo` at /
    "DEMO_EMBED_ORIGIN": None,  # where the demo article loads the thread from (default: its own origin)
    # flask-smorest / OpenAPI
    "API_TITLE": "Comments",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    # The moderation API's bearer tokens, named so its operations can require them.
    "API_SPEC_OPTIONS": {"components": {"securitySchemes": {
        "moderatorToken": {"type": "http", "scheme": "bearer",
                           "description": "An API token of a moderator (comments create-token)."},
    }}},
    # Clients and bounds (issue 13): how an address counts when nothing better identifies a reader.
    "IPV6_PREFIX": 64,  # an IPv6 client is its /64 for limits, votes, flags, own-comment checks
    "NETWORK_PREFIXES": "24,48",  # one operator's IPv4 and IPv6 networks: its flags count once
    "PREVIEW_LIMIT": "30 per minute;300 per hour",  # previews per site and network
    # Webhooks (services/webhooks/): retried with the MAIL_RETRY_* backoff, like all outgoing mail.
    "WEBHOOKS_ALLOW_PRIVATE": False,  # true only in tests: loopback and private targets allowed
    "WEBHOOKS_CONNECT_TIMEOUT": 3.0,  # seconds to connect to a receiver
    "WEBHOOKS_TIMEOUT": 5.0,  # seconds for each read or write of a delivery
    "WEBHOOKS_RESPONSE_LIMIT": 16 * 1024,  # bytes of a receiver's answer read (and kept)
    "WEBHOOKS_BATCH_SIZE": 20,  # deliveries one worker claims at a time
    "WEBHOOKS_GIVE_UP_SECONDS": 86400.0,  # a delivery still failing after this is given up
    "WEBHOOKS_SECRET_GRACE_SECONDS": 86400.0,  # the old secret still signs after a rotation
    "WEBHOOKS_DISABLE_AFTER_SECONDS": 86400.0,  # failing this long with no success: disabled
    "WEBHOOKS_DISABLE_MIN_FAILURES": 10,  # ...and at least this many failed attempts
    # Live threads: how often an open embed polls its thread's newest page (0: never). Quiet
    # threads poll less often (embed/thread/live.js); a CDN in front answers most polls.
    "LIVE_POLL_SECONDS": 10.0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Readers' identity (services/identity/).
    "READER_TOKEN_MAX_AGE": 30 * 24 * 3600,  # seconds a reader stays signed in
    "SSO_LEEWAY_SECONDS": 60,  # clock skew allowed on an SSO token's iat and exp
    "SIGN_IN_CODE_MINUTES": 15,
    "SIGN_IN_CODE_TRIES": 5,
    "SIGN_IN_CODES_PER_ADDRESS_HOUR": 5,  # codes mailed to one address in an hour
    "SIGN_IN_CODES_PER_NETWORK_HOUR": 20,  # codes asked for from one network in an hour
    "SIGN_IN_LIMIT_READERS": "10 per minute;60 per hour",  # POST /api/v1/readers/session
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill `app.config` from defaults, `COMMENTS_CONFIG`, `COMMENTS_*` and the test overrides."""
    app.config.update(DEFAULTS)
    config_file = os.environ.get("COMMENTS_CONFIG")
    if config_file:
        app.config.from_pyfile(config_file)
    app.config.from_prefixed_env(prefix="COMMENTS")
    if test_config:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    if not app.config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'comments.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret(instance)
    fallbacks = app.config["SECRET_KEY_FALLBACKS"]
    if isinstance(fallbacks, str):
        app.config["SECRET_KEY_FALLBACKS"] = [k for k in fallbacks.split(",") if k]
    app.config["TRUSTED_PROXIES"] = int(app.config["TRUSTED_PROXIES"])
    if app.config["PUBLIC_URL"]:
        app.config["PREFERRED_URL_SCHEME"] = app.config["PUBLIC_URL"].split(":", 1)[0]
        app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_URL"].startswith("https:")


def flag(value: Any) -> bool:
    """A boolean setting that may arrive as text from the environment ("off", "no", "0")."""
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance: Path) -> str:
    """Return the install's secret key, creating it once (mode 0600) on first start."""
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write aside, then link into place: parallel first starts agree on one key.
        fd, tmp = tempfile.mkstemp(dir=instance, prefix=".secret-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
