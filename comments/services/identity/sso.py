"""Reading a publisher's SSO token: PyJWT, the algorithm pinned by the site's key, replays refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from flask import current_app

from comments.database.sql import insert_ignoring_conflicts
from comments.errors import BadSsoToken
from comments.models import SeenTokenId, Site
from comments.services.hashing import keyed_hash
from comments.services.identity.sso_keys import ALGORITHM_OF_KEY, public_key_kind

#: The longest life a token may claim (`exp` - `iat`), and the life of one without `exp`.
MAX_LIFE = timedelta(days=7)
MAX_BADGES = 10


@dataclass(frozen=True)
class SsoUser:
    """The reader as the publisher's token describes them."""

    id: str
    name: str
    email: str
    issued_at: int
    badges: list[str] = field(default_factory=list)
    url: str | None = None


def read_sso_token(site: Site, token: str) -> SsoUser:
    """The user of a valid token for `site`, recording its `jti`; BadSsoToken otherwise.

    Runs inside the caller's write transaction (the `jti` is claimed in it).
    """
    key, algorithm = _key_of(site)
    leeway = int(current_app.config["SSO_LEEWAY_SECONDS"])
    try:
        claims = jwt.decode(
            token, key, algorithms=[algorithm], audience=site.key, leeway=leeway,
            options={"require": ["iat", "aud"], "verify_signature": True},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise BadSsoToken() from error
    issued_at = claims["iat"]
    if not isinstance(issued_at, int | float) or isinstance(issued_at, bool):
        raise BadSsoToken()
    issued = datetime.fromtimestamp(issued_at, UTC)
    now = datetime.now(UTC)
    if issued > now + timedelta(seconds=leeway):
        raise BadSsoToken("This single sign-on token was issued in the future.")
    expires = issued + MAX_LIFE
    if "exp" in claims:
        claimed = datetime.fromtimestamp(claims["exp"], UTC)
        if claimed > expires:
            raise BadSsoToken("A single sign-on token may live 7 days at most.")
        expires = claimed
    elif now > expires + timedelta(seconds=leeway):
        raise BadSsoToken("This single sign-on token is too old.")
    user = _user_of(claims, int(issued_at))
    jti = claims.get("jti")
    if jti is not None:
        if not isinstance(jti, str) or not 1 <= len(jti) <= 200:
            raise BadSsoToken()
        fresh = insert_ignoring_conflicts(
            SeenTokenId, {"site_id": site.id, "jti_hash": keyed_hash("sso-jti", jti),
                          "expires_at": expires + timedelta(seconds=leeway)},
            ["site_id", "jti_hash"],
        )
        if not fresh:
            raise BadSsoToken("This single sign-on token was used already.")
    return user


def _key_of(site: Site) -> tuple[Any, str]:
    if site.sso_secret:
        return site.sso_secret, ALGORITHM_OF_KEY["secret"]
    if site.sso_public_key:
        return site.sso_public_key, ALGORITHM_OF_KEY[public_key_kind(site.sso_public_key)]
    raise BadSsoToken("This site has no single sign-on.")


def _user_of(claims: dict[str, Any], issued_at: int) -> SsoUser:
    from comments.services.email_address import NotAnEmailAddress, normalized_email

    user = claims.get("user")
    if not isinstance(user, dict):
        raise BadSsoToken("The token has no user.")
    user_id, name, email = user.get("id"), user.get("username"), user.get("email")
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    if not (isinstance(user_id, str) and 1 <= len(user_id) <= 200):
        raise BadSsoToken("The token's user needs a stable id.")
    if not (isinstance(name, str) and name.strip()):
        raise BadSsoToken("The token's user needs a username.")
    try:
        address = normalized_email(email if isinstance(email, str) else "")
    except NotAnEmailAddress as error:
        raise BadSsoToken("The token's user needs an email address.") from error
    badges = user.get("badges") or []
    if not isinstance(badges, list) or not all(isinstance(b, str) for b in badges):
        raise BadSsoToken("Badges are a list of words.")
    clean = []
    for badge in badges[:MAX_BADGES]:
        word = badge.strip().lower()[:30]
        if word and word not in clean:
            clean.append(word)
    url = user.get("url")
    if not (isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 500):
        url = None
    return SsoUser(id=user_id, name=" ".join(name.split())[:100], email=address,
                   issued_at=issued_at, badges=clean, url=url)
