"""Delivering a built message: SMTP (plain, STARTTLS or implicit TLS) or `.eml` files."""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from flask import current_app

SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class TemporaryFailure(Exception):
    """Try again later: a 4xx answer, a timeout, a dropped connection, a relay misconfigured."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx); `suppress` when the address is at fault."""

    def __init__(self, message: str, suppress: bool = True):
        super().__init__(message)
        self.suppress = suppress


class Transport(Protocol):
    """Something that delivers one message to one envelope recipient."""

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    """A parsed `COMMENTS_SMTP_URL`."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """Parse `smtp://`, `smtp+starttls://` or `smtps://[user:password@]host[:port]`."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES or not parts.hostname:
            raise ValueError("COMMENTS_SMTP_URL must be smtp://, smtp+starttls:// or smtps://host")
        return cls(
            scheme=scheme,
            host=parts.hostname,
            port=parts.port or SCHEMES[scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SmtpTransport:
    """One SMTP connection, opened on first use and reused until closed or broken."""

    def __init__(self, settings: SmtpSettings, timeout: float, cafile: str | None = None):
        self.settings = settings
        self.timeout = timeout
        self.cafile = cafile
        self._connection: smtplib.SMTP | None = None

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        connection: smtplib.SMTP
        if s.scheme == "smtps":
            connection = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self._tls())
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
            if s.scheme == "smtp+starttls":
                connection.starttls(context=self._tls())
        if s.username:
            connection.login(s.username, s.password or "")
        return connection

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Send, turning every SMTP outcome into success, TemporaryFailure or PermanentFailure."""
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, text = next(iter(error.recipients.values()), (450, b"refused"))
            raise _classify(code, text, blame_recipient=True) from error
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused,
                smtplib.SMTPHeloError, smtplib.SMTPNotSupportedError) as error:
            # Our own relay settings are wrong: retry later, never blame the reader's address.
            self.close()
            raise TemporaryFailure(f"relay refused us: {error}") from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _classify(error.smtp_code, error.smtp_error, blame_recipient=True) from error
        except (smtplib.SMTPException, OSError) as error:  # timeouts, resets, TLS errors
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        """Say QUIT if we can, drop the connection either way."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _classify(code: int, text: bytes | str, blame_recipient: bool) -> Exception:
    reason = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    summary = f"{code} {reason}"[:500]
    if 500 <= code < 600:
        return PermanentFailure(summary, suppress=blame_recipient)
    return TemporaryFailure(summary)


class FileTransport:
    """Writes each message to `<folder>/<hash of Message-ID>.eml`: a resend replaces the file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Write the message atomically (temporary file, then rename)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:24]
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".sending-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
            os.replace(temporary, self.folder / f"{digest}.eml")
        except OSError as error:
            raise TemporaryFailure(f"cannot write mail file: {error}") from error

    def close(self) -> None:
        """Nothing to close."""


def mail_folder() -> Path:
    """Where `.eml` files go when no SMTP server is configured."""
    configured = current_app.config["MAIL_FOLDER"]
    return Path(configured) if configured else Path(current_app.instance_path) / "mail"


def transport_from_config() -> Transport:
    """SMTP when `COMMENTS_SMTP_URL` is set, else `.eml` files under the instance folder."""
    url = current_app.config["SMTP_URL"]
    if url:
        return SmtpTransport(SmtpSettings.from_url(str(url)), float(current_app.config["SMTP_TIMEOUT"]),
                             current_app.config["SMTP_CA_FILE"])
    return FileTransport(mail_folder())
