"""Upgrading: existing sites keep taking readers' articles (`open`); their titles await a moderator."""

from __future__ import annotations

from tests.support.app import sql


def test_the_upgrade_keeps_sites_open_and_turns_stored_titles_into_hints(app):
    from flask_migrate import downgrade, upgrade

    from comments.extensions import db
    from comments.services.sites import get_site

    with app.app_context():
        directory = app.extensions["migrate"].directory
        db.session.remove()
        downgrade(directory=directory, revision="974db6fc61ee")
    try:
        sql(app, "UPDATE sites SET settings = :none", none="{}")
        sql(app, "INSERT INTO threads (site_id, uri, title, created_at, count, pending_count, version, "
                 "closed) VALUES (1, '/a/', 'URGENT: verify', CURRENT_TIMESTAMP, 0, 0, 1, :no)", no=False)
    finally:
        with app.app_context():
            db.session.remove()
            upgrade(directory=directory)
    with app.app_context():
        db.session.remove()
        assert get_site("default").settings.article_facts == "open"
    assert sql(app, "SELECT title, title_hint, title_source FROM threads") == [
        ("", "URGENT: verify", "")]
