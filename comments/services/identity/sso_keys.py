"""A site's single sign-on key: a new HS256 secret, or the publisher's RS256/EdDSA public key."""

from __future__ import annotations

import secrets

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from comments.database.engine import write_transaction
from comments.errors import Invalid
from comments.services.sites import get_site

#: The one algorithm a key of each kind verifies: a key never chooses from a token's header.
ALGORITHM_OF_KEY = {"secret": "HS256", "rsa": "RS256", "ed25519": "EdDSA"}


def new_sso_secret(site_key: str) -> str:
    """Give the site a fresh HS256 secret (replacing any key) and return it, the only time."""
    secret = secrets.token_urlsafe(48)
    with write_transaction():
        site = get_site(site_key)
        site.sso_secret, site.sso_public_key = secret, None
    return secret


def set_sso_public_key(site_key: str, pem: str) -> str:
    """Make a PEM public key (RSA of 2048 bits or more, or Ed25519) the site's SSO key."""
    kind = public_key_kind(pem)
    with write_transaction():
        site = get_site(site_key)
        site.sso_secret, site.sso_public_key = None, pem.strip()
    return ALGORITHM_OF_KEY[kind]


def remove_sso_key(site_key: str) -> None:
    """Turn single sign-on off for the site."""
    with write_transaction():
        site = get_site(site_key)
        site.sso_secret = site.sso_public_key = None


def public_key_kind(pem: str) -> str:
    """`rsa` or `ed25519` for a usable PEM public key, else Invalid."""
    try:
        key = load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError) as error:
        raise Invalid("Not a PEM public key.") from error
    if isinstance(key, RSAPublicKey):
        if key.key_size < 2048:
            raise Invalid("RSA keys must have 2048 bits or more.")
        return "rsa"
    if isinstance(key, Ed25519PublicKey):
        return "ed25519"
    raise Invalid("Only RSA (RS256) and Ed25519 (EdDSA) public keys are supported.")
