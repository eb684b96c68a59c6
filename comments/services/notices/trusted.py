"""Trusted flaggers per site: addresses or whole domains whose notices are marked and go first."""

from __future__ import annotations

from sqlalchemy import delete, select

from comments.database.engine import write_transaction
from comments.errors import Conflict, Invalid, NotFound
from comments.extensions import db
from comments.models import Site, TrustedFlagger
from comments.services import audit
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.sites import get_site

DOMAIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.-")


def normalized_pattern(value: str) -> str:
    """An address as the validator writes it, or a lower-case domain name (`@` in front allowed)."""
    raw = (value or "").strip()
    if "@" in raw.lstrip("@"):
        try:
            return normalized_email(raw)
        except NotAnEmailAddress as error:
            raise Invalid(errors={"pattern": ["Not a valid address."]}) from error
    domain = raw.lstrip("@").lower().rstrip(".")
    if (not domain or "." not in domain or len(domain) > 253 or not set(domain) <= DOMAIN_CHARS
            or ".." in domain or domain.startswith(("-", "."))):
        raise Invalid(errors={"pattern": ["An address (ann@ngo.example) or a domain (ngo.example)."]})
    return domain


def is_trusted(site: Site, email: str) -> bool:
    """Whether `email` (normalised) is a trusted flagger of `site`, by address or by domain."""
    domain = email.rsplit("@", 1)[-1].lower()
    candidates = {email.lower(), domain}
    parts = domain.split(".")
    candidates.update(".".join(parts[i:]) for i in range(1, len(parts) - 1))
    found = db.session.execute(
        select(TrustedFlagger.id).where(TrustedFlagger.site_id == site.id,
                                        TrustedFlagger.pattern.in_(candidates)).limit(1)
    ).first()
    return found is not None


def list_flaggers(site_key: str) -> list[TrustedFlagger]:
    """A site's trusted flaggers, in the order they were added."""
    site = get_site(site_key)
    return list(db.session.execute(
        select(TrustedFlagger).where(TrustedFlagger.site_id == site.id)
        .order_by(TrustedFlagger.id)).scalars())


def add_flagger(site_key: str, pattern: str, actor: str, note: str = "",
                moderator_id: int | None = None) -> TrustedFlagger:
    """Mark an address or a domain as a trusted flagger of a site."""
    with write_transaction():
        site = get_site(site_key)
        value = normalized_pattern(pattern)
        exists = db.session.execute(select(TrustedFlagger).where(
            TrustedFlagger.site_id == site.id, TrustedFlagger.pattern == value)).scalar()
        if exists is not None:
            raise Conflict(f"{value} is already a trusted flagger of {site.key}.")
        flagger = TrustedFlagger(site_id=site.id, pattern=value, note=note[:500],
                                 created_by=actor[:200])
        db.session.add(flagger)
        audit.record("trusted_flagger_added", actor=actor, site_id=site.id,
                     moderator_id=moderator_id, after={"pattern": value})
        db.session.flush()
        return flagger


def remove_flagger(site_key: str, pattern: str, actor: str,
                   moderator_id: int | None = None) -> None:
    """Stop trusting an address or domain."""
    with write_transaction():
        site = get_site(site_key)
        value = normalized_pattern(pattern)
        result = db.session.execute(delete(TrustedFlagger).where(
            TrustedFlagger.site_id == site.id, TrustedFlagger.pattern == value))
        if not getattr(result, "rowcount", 0):
            raise NotFound(f"{value} is not a trusted flagger of {site.key}.")
        audit.record("trusted_flagger_removed", actor=actor, site_id=site.id,
                     moderator_id=moderator_id, before={"pattern": value})
