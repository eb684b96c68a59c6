"""A real SMTP server on loopback (aiosmtpd) whose answers a test can script, with TLS if asked."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    """A TCP port nobody listens on right now (aiosmtpd cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """The handler: records accepted mail; `script` holds answers for the next messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []  # as received, before any parsing
        # One entry per message to come: "ok", an SMTP reply for RCPT ("451 ..."), "drop"
        # (disconnect during DATA) or ("slow", seconds) before answering DATA.
        self.script: list[Any] = []
        self.delay = 0.0  # seconds every DATA takes
        self.in_data = 0  # DATA commands being answered right now, over all connections
        self.peak_in_data = 0  # the most answered at once
        self.lock = threading.Lock()
        self._current: Any = "ok"

    def _next(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        action = self._next()
        if isinstance(action, str) and action[:1] in "45":
            return action
        envelope.rcpt_tos.append(address)
        envelope.action = action
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        action = getattr(envelope, "action", "ok")
        if action == "drop":
            server.transport.abort()
            return "250 OK"
        if isinstance(action, tuple) and action[0] == "slow":
            await asyncio.sleep(action[1])
            return "451 4.4.2 too slow, discarded"
        if self.delay:
            self.in_data += 1  # one event loop: no lock needed between handlers
            self.peak_in_data = max(self.peak_in_data, self.in_data)
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.in_data -= 1
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.raw.append(envelope.original_content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


class SmtpServer:
    """A running aiosmtpd server and its mailbox."""

    def __init__(self, mailbox: Mailbox, controller: Controller, port: int, scheme: str,
                 credentials: tuple[str, str] | None = None):
        self.mailbox = mailbox
        self.controller = controller
        self.port = port
        self.scheme = scheme
        self.credentials = credentials

    @property
    def url(self) -> str:
        auth = f"{self.credentials[0]}:{self.credentials[1]}@" if self.credentials else ""
        return f"{self.scheme}://{auth}127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()


def start_server(scheme: str = "smtp", certificate: tuple[Path, Path] | None = None,
                 credentials: tuple[str, str] | None = None) -> SmtpServer:
    """Start a server speaking plain SMTP, STARTTLS (required) or implicit TLS."""
    mailbox = Mailbox()
    port = free_port()
    options: dict[str, Any] = {}
    if certificate is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(certificate[0]), str(certificate[1]))
        if scheme == "smtps":
            options["ssl_context"] = context
        else:
            options["tls_context"] = context
            options["require_starttls"] = True
    if credentials is not None:
        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                         auth_data: Any) -> AuthResult:
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode(), auth_data.password.decode()) == credentials
            return AuthResult(success=ok)

        options["authenticator"] = authenticate
        options["auth_required"] = scheme != "smtps"  # see auth_require_tls below
        # aiosmtpd does not see implicit TLS as TLS; the socket is encrypted all the same.
        options["auth_require_tls"] = scheme == "smtp+starttls"
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ready_timeout=10,
                            **options)
    controller.start()
    return SmtpServer(mailbox, controller, port, scheme, credentials)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and localhost, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on a free loopback port for one test."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
