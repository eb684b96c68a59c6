"""Identity test helpers: real keys, real JWTs signed the way a publisher's login would."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient


def hs256_secret(runner: Any, site: str = "default") -> str:
    """A new HS256 secret, as `comments sites update KEY --sso-secret` prints it."""
    result = runner.invoke(["sites", "update", site, "--sso-secret"])
    assert result.exit_code == 0, result.output
    return str(result.output.splitlines()[1].strip())


def rsa_key() -> rsa.RSAPrivateKey:
    """A real 2048-bit RSA private key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    """The PEM of a private key's public half."""
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def claims(user_id: str = "u-1", name: str = "Jane Reader", email: str = "jane@example.org",
           aud: str = "default", **extra: Any) -> dict[str, Any]:
    """The claims of a publisher's token, issued now, for a day."""
    now = int(time.time())
    body: dict[str, Any] = {"aud": aud, "iat": now, "exp": now + 86400,
                            "user": {"id": user_id, "username": name, "email": email}}
    body.update(extra)
    return body


def sso_token(secret: Any, algorithm: str = "HS256", **claim_args: Any) -> str:
    """A signed token; `secret` is the HS256 secret or a private key."""
    return jwt.encode(claims(**claim_args), secret, algorithm=algorithm)


def sign_in(client: FlaskClient, token: str, site: str = "default") -> Any:
    """POST the SSO token; the response."""
    return client.post("/api/v1/readers/session", json={"site": site, "sso_token": token})


def reader_token(client: FlaskClient, secret: str, **claim_args: Any) -> str:
    """A reader token for an SSO reader signed with `secret`."""
    response = sign_in(client, sso_token(secret, **claim_args))
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["reader_token"])


def set_site(app: Flask, key: str = "default", **settings: Any) -> None:
    """Change the site's settings."""
    from comments.services.sites import update_site

    with app.app_context():
        update_site(key, settings=settings)


def unique() -> str:
    """A fresh jti."""
    return uuid.uuid4().hex
