"""Migrations are the only way the schema changes: one head, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from comments import package_resource


def test_there_is_a_single_head():
    config = Config()
    config.set_main_option("script_location", str(package_resource("migrations")))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


def test_the_migrated_database_matches_the_models(app, backend):
    from comments.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], differences


def test_sqlite_runs_in_wal_with_a_busy_timeout(app, backend):
    from sqlalchemy import text

    from comments.extensions import db

    if backend != "sqlite":
        return
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
