"""Reader comments and article sharing for news sites: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask


def package_resource(name: str) -> Path:
    """A folder shipped with the package (`migrations`, `embed`), in a wheel or a checkout."""
    inside = Path(__file__).parent / name
    return inside if inside.exists() else Path(__file__).parent.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, then one blueprint per feature."""
    from comments.web.flask_app import App

    instance = os.environ.get("COMMENTS_INSTANCE_PATH") or str(Path.cwd() / "instance")
    app = App(__name__, instance_path=os.path.abspath(instance), instance_relative_config=True)

    from comments import config
    from comments.database import engine as database
    from comments.extensions import api, db, limiter, migrate

    config.load_config(app, test_config)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(package_resource("migrations")))
    limiter.init_app(app)
    api.init_app(app)

    from comments import (
        models,  # noqa: F401 - register the tables on the metadata
        receivers,
    )
    from comments.fast_lane import caching
    from comments.fast_lane import middleware as fast_reads
    from comments.services.moderation import checklist, pipeline
    from comments.web import (
        compression,
        cookie_session,
        errors,
        headers,
        health,
        json_bodies,
        limits,
        metrics,
        moderate,
        proxies,
        requestlog,
    )
    from comments.web.discussion import comments, counts, feeds
    from comments.web.embed import page as embed
    from comments.web.identity import readers as identity_readers
    from comments.web.mail import pages as mail_pages
    from comments.web.notices import appeal_page
    from comments.web.notices import moderation_api as notices_moderation_api
    from comments.web.notices import public as notices
    from comments.web.privacy import moderation_api
    from comments.web.privacy import pages as privacy
    from comments.web.sharing import by_email, links

    # Request plumbing first: the fast lane inside the client address (proxies wraps it), then
    # compression, logging, metrics, errors, headers.
    fast_reads.init_app(app)
    compression.init_app(app)  # first of the after-request hooks, so it runs last
    proxies.init_app(app)
    cookie_session.init_app(app)
    requestlog.init_app(app)
    metrics.init_app(app)
    errors.init_app(app)
    json_bodies.init_app(app)
    headers.init_app(app)
    caching.init_app(app)
    limits.init_app(app)
    # What every new or edited comment passes, and what happens once it is written.
    pipeline.init_app(app, checks=checklist.CHECKS, prechecks=checklist.PRECHECKS)
    receivers.init_app(app)
    # The public API (documented in the OpenAPI document).
    api.register_blueprint(comments.bp)
    api.register_blueprint(counts.bp)
    api.register_blueprint(feeds.bp)
    api.register_blueprint(links.bp)
    api.register_blueprint(by_email.bp)
    api.register_blueprint(moderation_api.bp)
    from comments.web.articles import api as articles_api

    api.register_blueprint(articles_api.bp)
    api.register_blueprint(notices.bp)
    api.register_blueprint(notices_moderation_api.bp)
    api.register_blueprint(identity_readers.bp)
    # Pages and operations.
    app.register_blueprint(health.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(mail_pages.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(appeal_page.bp)
    moderate.init_app(app)
    embed.init_app(app)
    return app
