"""Sites: look one up by key, create and change them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from comments.database.engine import write_transaction
from comments.errors import Invalid, SiteNotFound
from comments.extensions import db
from comments.models import Site
from comments.models.site import (
    ARTICLE_FACTS_MODES,
    IDENTITY_MODES,
    MODERATION_MODES,
    SiteSettings,
)
from comments.schemas.common import SITE_KEY


def get_site(key: str) -> Site:
    """The site with this key, or SiteNotFound."""
    site = find_site(key)
    if site is None:
        raise SiteNotFound()
    return site


def find_site(key: str) -> Site | None:
    """The site with this key, if there is one."""
    return db.session.execute(select(Site).where(Site.key == key)).scalar_one_or_none()


def list_sites() -> list[Site]:
    """Every site, by key."""
    return list(db.session.execute(select(Site).order_by(Site.key)).scalars())


def origin_of(url: str) -> str:
    """The origin (`scheme://host[:port]`) of an absolute http(s) URL, or Invalid."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{url!r} is not an http(s) URL.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def create_site(key: str, base_url: str, *, name: str = "", origins: list[str] | None = None,
                mail_from: str | None = None, settings: dict[str, Any] | None = None) -> Site:
    """Add a site; its base URL's origin is always allowed to embed it."""
    if not SITE_KEY.match(key):
        raise Invalid("A site key is 1-64 lowercase letters, digits, '-' or '_'.")
    with write_transaction() as session:
        if session.execute(select(Site.id).where(Site.key == key)).first():
            raise Invalid(f"A site with key {key!r} exists already.")
        site = Site(key=key, name=name or key, base_url=base_url.rstrip("/"), mail_from=mail_from)
        site.allowed_origins = _origins(base_url, origins or [])
        site.settings = apply_settings(SiteSettings(), settings or {})
        session.add(site)
    return site


def update_site(key: str, *, base_url: str | None = None, name: str | None = None,
                origins: list[str] | None = None, mail_from: str | None = None,
                settings: dict[str, Any] | None = None, add_origins: list[str] | None = None,
                remove_origins: list[str] | None = None) -> Site:
    """Change a site's URL, origins, sender address or settings.

    `origins` replaces the whole list; `add_origins` and `remove_origins` change one entry
    each (after a replacement, if both are given). The base URL's origin always stays.
    """
    with write_transaction():
        site = get_site(key)
        if base_url is not None:
            origin_of(base_url)
            site.base_url = base_url.rstrip("/")
        if name is not None:
            site.name = name
        if origins is not None or base_url is not None or add_origins or remove_origins:
            wanted = list(origins or site.allowed_origins) + list(add_origins or [])
            wanted = _without(site.base_url, _origins(site.base_url, wanted),
                              remove_origins or [])
            site.allowed_origins = wanted
        if mail_from is not None:
            site.mail_from = mail_from or None
        if settings:
            site.settings = apply_settings(site.settings, settings)
    return site


def apply_settings(current: SiteSettings, changes: dict[str, Any]) -> SiteSettings:
    """Settings with `changes` applied, each checked for type and range, or Invalid."""
    data = current.to_dict()
    errors: dict[str, list[str]] = {}
    defaults = SiteSettings().to_dict()
    for name, value in changes.items():
        if name not in data:
            errors[name] = ["Unknown setting."]
            continue
        default = defaults[name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                errors[name] = ["Must be true or false."]
                continue
        elif isinstance(default, int) or (default is None and name != "moderation"):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                errors[name] = ["Must be a whole number, 0 or more."]
                continue
        elif isinstance(default, str) and not isinstance(value, str):
            errors[name] = ["Must be text."]
            continue
        data[name] = value
    if data["moderation"] not in MODERATION_MODES:
        errors["moderation"] = [f"Must be one of {', '.join(MODERATION_MODES)}."]
    if data["article_facts"] not in ARTICLE_FACTS_MODES:
        errors["article_facts"] = [f"Must be one of {', '.join(ARTICLE_FACTS_MODES)}."]
    if data["identity"] not in IDENTITY_MODES:
        errors["identity"] = [f"Must be one of {', '.join(IDENTITY_MODES)}."]
    if not 1 <= data["text_max_length"] <= 100_000:
        errors["text_max_length"] = ["Must be between 1 and 100000."]
    if errors:
        raise Invalid("Some settings are not valid.", errors)
    return SiteSettings.from_dict(data)


def _without(base_url: str, current: list[str], removed: list[str]) -> list[str]:
    """`current` less each origin in `removed`; the base URL's, or one not there, is Invalid."""
    for value in removed:
        origin = origin_of(value)
        if origin == origin_of(base_url):
            raise Invalid(f"{origin} is the base URL's origin and always allowed; "
                          "change --base-url instead.")
        if origin not in current:
            raise Invalid(f"{origin} is not an allowed origin of this site "
                          f"({', '.join(current)}).")
        current = [kept for kept in current if kept != origin]
    return current


def _origins(base_url: str, extra: list[str]) -> list[str]:
    origins = [origin_of(base_url)]
    for value in extra:
        origin = origin_of(value)
        if origin not in origins:
            origins.append(origin)
    return origins
