"""Helpers for the moderation tests: accounts, signing in through the real form, API tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_moderator(app: Flask, email: str, *, role: str = "moderator",
                   sites: list[str] | None = None, all_sites: bool = False) -> int:
    """Create an account directly through the service; returns its id."""
    from comments.extensions import db
    from comments.services.moderation import moderators

    with app.app_context():
        moderator = moderators.create_moderator(email, email.split("@")[0], PASSWORD, role=role,
                                                site_keys=sites or [], all_sites=all_sites)
        moderator_id = moderator.id
        db.session.remove()
    return moderator_id


def make_token(app: Flask, moderator_id: int) -> str:
    """A fresh API token secret for the moderator."""
    from comments.extensions import db
    from comments.services.moderation import moderators

    with app.app_context():
        secret = moderators.create_token(moderator_id, "tests", actor="tests").secret
        db.session.remove()
    return secret


def csrf_token(client: FlaskClient, path: str = "/moderate/signin") -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the form; returns the response (303 on success)."""
    token = csrf_token(client)
    return client.post("/moderate/signin",
                       data={"email": email, "password": password, "csrf_token": token})


def make_site(app: Flask, key: str) -> None:
    """Another site besides `default`, whose articles readers name (its host cannot be fetched)."""
    from comments.extensions import db
    from comments.services.sites import create_site

    with app.app_context():
        create_site(key, f"https://{key}.example", settings={"article_facts": "open"})
        db.session.remove()


def set_policy(app: Flask, key: str = "default", **settings: Any) -> None:
    """Change a site's settings."""
    from comments.extensions import db
    from comments.services.sites import update_site

    with app.app_context():
        update_site(key, settings=settings)
        db.session.remove()


def add_rule(app: Flask, kind: str, pattern: str, site: str | None = "default",
             **extra: Any) -> None:
    """Add a rule as an admin of every site would."""
    from comments.extensions import db
    from comments.models import Moderator
    from comments.services.moderation import rules
    from comments.services.sites import get_site

    with app.app_context():
        actor = Moderator(email="rules@example.com", role="admin", all_sites=True)
        rules.add_rule(get_site(site) if site else None, kind, pattern, by=actor, **extra)
        db.session.remove()


@pytest.fixture
def admin(app: Flask) -> int:
    """An admin of every site."""
    return make_moderator(app, "admin@example.com", role="admin", all_sites=True)


@pytest.fixture
def admin_token(app: Flask, admin: int) -> str:
    """An API token of the admin."""
    return make_token(app, admin)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}
