"""Moderator accounts: argon2 passwords, roles and sites, sessions that end, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, or_, select

from comments.database.engine import write_transaction
from comments.errors import Conflict, Forbidden, Invalid, NotFound
from comments.extensions import db
from comments.models import ApiToken, Moderator, Site, UsedToken
from comments.models.moderator import moderator_sites
from comments.models.types import utcnow
from comments.services import audit
from comments.services.email_address import NotAnEmailAddress, normalized_email

ROLES = ("admin", "moderator")
MIN_PASSWORD = 10
TOKEN_PREFIX = "cmt_"  # noqa: S105 - a label that tells our tokens apart, not a secret
SESSION_PURPOSE = "session-ended"



@cache
def _argon2(time_cost: int, memory_kib: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
    # Verifying against this when the account is unknown costs the same time as a real check.
    return hasher, hasher.hash("not a real password, only for timing")


def _hasher() -> PasswordHasher:
    config = current_app.config
    return _argon2(int(config["ARGON2_TIME_COST"]), int(config["ARGON2_MEMORY_KIB"]))[0]


def _dummy_hash() -> str:
    config = current_app.config
    return _argon2(int(config["ARGON2_TIME_COST"]), int(config["ARGON2_MEMORY_KIB"]))[1]


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, at the install's configured cost."""
    return _hasher().hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(errors={"password": [f"At least {MIN_PASSWORD} characters."]})
    if len(password) > 1000:
        raise Invalid(errors={"password": ["At most 1000 characters."]})


def normalise_email(email: str) -> str:
    """A moderator's address, validated and lowercased, or Invalid."""
    try:
        return normalized_email(email).lower()
    except NotAnEmailAddress as error:
        raise Invalid(errors={"email": [str(error)]}) from error


def _sites(keys: list[str]) -> list[Site]:
    if not keys:
        return []
    found = list(db.session.execute(select(Site).where(Site.key.in_(keys))).scalars())
    missing = sorted(set(keys) - {site.key for site in found})
    if missing:
        raise Invalid(errors={"sites": [f"Unknown site: {', '.join(missing)}."]})
    return found


def create_moderator(email: str, name: str, password: str, *, role: str = "moderator",
                     site_keys: list[str] | None = None, all_sites: bool = False,
                     actor: str = "system") -> Moderator:
    """Add a moderator or admin for some sites or all of them."""
    address = normalise_email(email)
    if role not in ROLES:
        raise Invalid(errors={"role": [f"Must be one of {', '.join(ROLES)}."]})
    _check_password(password)
    with write_transaction() as session:
        exists = session.execute(
            select(Moderator.id).where(func.lower(Moderator.email) == address)
        ).first()
        if exists:
            raise Conflict(f"A moderator with address {address} exists already.")
        sites = _sites(site_keys or [])
        if not all_sites and not sites:
            raise Invalid(errors={"sites": ["Name at least one site, or all sites."]})
        moderator = Moderator(email=address, name=name.strip()[:100], role=role,
                              all_sites=all_sites, password_hash=hash_password(password),
                              session_version=1, disabled=False)
        moderator.sites = sites
        session.add(moderator)
        session.flush()
        audit.record("moderator_created", actor=actor, site_id=None, moderator_id=None,
                     after={"email": address, "role": role, "all_sites": all_sites,
                            "sites": [s.key for s in sites]})
    return moderator


def update_moderator(moderator_id: int, *, role: str | None = None,
                     site_keys: list[str] | None = None, all_sites: bool | None = None,
                     disabled: bool | None = None, name: str | None = None,
                     actor: str = "system") -> Moderator:
    """Change a moderator's role, sites, name or whether the account may sign in."""
    with write_transaction():
        moderator = get_moderator(moderator_id)
        before = describe(moderator)
        if role is not None:
            if role not in ROLES:
                raise Invalid(errors={"role": [f"Must be one of {', '.join(ROLES)}."]})
            moderator.role = role
        if name is not None:
            moderator.name = name.strip()[:100]
        if all_sites is not None:
            moderator.all_sites = all_sites
        if site_keys is not None:
            moderator.sites = _sites(site_keys)
        if not moderator.all_sites and not moderator.sites:
            raise Invalid(errors={"sites": ["Name at least one site, or all sites."]})
        if disabled is not None and disabled != moderator.disabled:
            moderator.disabled = disabled
            moderator.session_version = Moderator.session_version + 1
        db.session.flush()
        _keep_an_admin()
        audit.record("moderator_changed", actor=actor, site_id=None,
                     before=before, after=describe(moderator))
    return moderator


def _keep_an_admin() -> None:
    admins = db.session.execute(
        select(func.count(Moderator.id)).where(Moderator.role == "admin",
                                               Moderator.disabled.is_(False))
    ).scalar_one()
    if not admins:
        raise Conflict("This would leave no active admin.")


def describe(moderator: Moderator) -> dict[str, object]:
    """The audit-friendly facts about an account (never its password hash)."""
    return {"email": moderator.email, "role": moderator.role, "all_sites": moderator.all_sites,
            "sites": sorted(s.key for s in moderator.sites), "disabled": moderator.disabled}


def get_moderator(moderator_id: int) -> Moderator:
    """The moderator with this id, or NotFound."""
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None:
        raise NotFound("No such moderator.")
    return moderator


def list_moderators() -> list[Moderator]:
    """Every account, by address."""
    return list(db.session.execute(select(Moderator).order_by(Moderator.email)).scalars())


def colleagues(site_ids: list[int] | None) -> list[Moderator]:
    """The accounts that moderate any of these sites (None: every account), by address.

    A moderator of one site sees who shares their sites, never other sites' staff.
    """
    if site_ids is None:
        return list_moderators()
    linked = select(moderator_sites.c.moderator_id).where(moderator_sites.c.site_id.in_(site_ids))
    return list(db.session.execute(
        select(Moderator).where(or_(Moderator.all_sites.is_(True), Moderator.id.in_(linked)))
        .order_by(Moderator.email)
    ).scalars())


def authenticate(email: str, password: str) -> Moderator | None:
    """The active moderator with these credentials, or None (in the same time either way)."""
    address = email.strip().lower()[:320]
    moderator = db.session.execute(
        select(Moderator).where(func.lower(Moderator.email) == address)
    ).scalar_one_or_none()
    stored = moderator.password_hash if moderator is not None else _dummy_hash()
    try:
        _hasher().verify(stored, password[:1000])
    except (VerificationError, InvalidHashError):
        return None
    if moderator is None or moderator.disabled:
        return None
    with write_transaction():
        moderator.last_login_at = utcnow()
        if _hasher().check_needs_rehash(moderator.password_hash):
            moderator.password_hash = hash_password(password)
    return moderator


def change_password(moderator_id: int, current: str | None, new: str, *,
                    actor: str) -> Moderator:
    """Set a new password; every session of the account, on every device, ends."""
    _check_password(new)
    with write_transaction():
        moderator = get_moderator(moderator_id)
        if current is not None:
            try:
                _hasher().verify(moderator.password_hash, current[:1000])
            except (VerificationError, InvalidHashError) as error:
                raise Forbidden("The current password is wrong.") from error
        moderator.password_hash = hash_password(new)
        moderator.session_version = Moderator.session_version + 1
        audit.record("password_changed", actor=actor, site_id=None,
                     after={"email": moderator.email})
    db.session.refresh(moderator)
    return moderator


def end_all_sessions(moderator_id: int, *, actor: str) -> None:
    """Sign the account out everywhere."""
    with write_transaction():
        moderator = get_moderator(moderator_id)
        moderator.session_version = Moderator.session_version + 1
        audit.record("signed_out_everywhere", actor=actor, site_id=None,
                     after={"email": moderator.email})


def end_session(session_id: str) -> None:
    """Record that one session is over, so a copy of its cookie no longer works."""
    with write_transaction() as session:
        if session.execute(select(UsedToken.id).where(UsedToken.token_id == session_id)).first():
            return
        session.add(UsedToken(token_id=session_id[:64], purpose=SESSION_PURPOSE))


def session_moderator(moderator_id: int, session_version: int,
                      session_id: str) -> Moderator | None:
    """The account behind a session cookie, if that session is still alive (one query)."""
    ended = select(UsedToken.id).where(UsedToken.token_id == session_id).exists()
    return db.session.execute(
        select(Moderator).where(Moderator.id == moderator_id,
                                Moderator.session_version == session_version,
                                Moderator.disabled.is_(False), ~ended)
    ).scalar_one_or_none()


# ---- API tokens ----


@dataclass
class NewToken:
    """A token just created: the secret is shown once and never stored."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    """How a token is stored: 256 random bits need no slow hash, a plain SHA-256 suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(moderator_id: int, name: str, *, actor: str) -> NewToken:
    """A new bearer token for an integration acting as this moderator."""
    label = name.strip()[:100]
    if not label:
        raise Invalid(errors={"name": ["Give the token a name."]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction() as session:
        moderator = get_moderator(moderator_id)
        token = ApiToken(moderator_id=moderator.id, name=label, token_hash=token_hash(secret),
                         prefix=secret[: len(TOKEN_PREFIX) + 6])
        session.add(token)
        session.flush()
        audit.record("token_created", actor=actor, site_id=None,
                     after={"token": token.id, "name": label, "owner": moderator.email})
    return NewToken(token, secret)


def revoke_token(token_id: int, *, by: Moderator) -> None:
    """Stop a token from working; only its owner or an admin may."""
    with write_transaction():
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound("No such token.")
        if token.moderator_id != by.id and not by.is_admin:
            raise Forbidden()
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record("token_revoked", actor=f"moderator:{by.email}", site_id=None,
                         moderator_id=by.id, after={"token": token.id, "name": token.name})


def list_tokens(moderator: Moderator) -> list[ApiToken]:
    """The tokens this person may see: their own, or everyone's for an admin."""
    statement = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if not moderator.is_admin:
        statement = statement.where(ApiToken.moderator_id == moderator.id)
    return list(db.session.execute(statement).scalars())


def token_moderator(secret: str) -> Moderator | None:
    """The active moderator a bearer token acts for, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == token_hash(secret),
                               ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None or token.moderator.disabled:
        return None
    now = utcnow()
    # Record use coarsely: a write on every API read would serialise integrations on SQLite.
    if token.last_used_at is None or now - token.last_used_at > timedelta(hours=1):
        with write_transaction():
            token.last_used_at = now
    return token.moderator
