"""The app on a real database (SQLite and PostgreSQL), a client, a CLI runner, and small helpers."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

POSTGRES_ADMIN_URL = os.environ.get("COMMENTS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "test-secret-key-not-for-production"


def backends() -> list[str]:
    """The databases the suite runs on: both unless COMMENTS_TEST_DATABASES narrows it."""
    wanted = os.environ.get("COMMENTS_TEST_DATABASES", "sqlite,postgresql")
    return [name.strip() for name in wanted.split(",") if name.strip()]


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from comments import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "TESTING": True})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        from comments.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated once, copied for every test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    os.environ.setdefault("COMMENTS_INSTANCE_PATH", str(folder / "instance"))
    _migrate(f"sqlite:///{path}", folder)
    return path


@contextmanager
def migrated_postgres_database(folder: Path) -> Iterator[str]:
    """A new PostgreSQL database, migrated, dropped when the block ends."""
    import psycopg

    name = f"comments_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    admin = POSTGRES_ADMIN_URL
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    try:
        os.environ.setdefault("COMMENTS_INSTANCE_PATH", str(folder / "instance"))
        _migrate(url, folder)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL database of this test session, migrated once and dropped at the end."""
    with migrated_postgres_database(tmp_path_factory.mktemp("pg")) as url:
        yield url


@pytest.fixture(params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "comments.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    _truncate(url)
    return url


def _truncate(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )]
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")


@pytest.fixture
def config() -> dict[str, Any]:
    """Test overrides for the app's configuration; tests may change them before `app`."""
    # Cheap password hashing: the suite signs in often, and argon2's real cost is the point of
    # the production default (tests/moderation/test_moderation_dashboard.py checks that default).
    # PUBLIC_URL: the test client's own host; every link in mail starts from it (tests that
    # need it unset say so).
    return {"SECRET_KEY": SECRET, "TESTING": True, "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "PUBLIC_URL": "http://localhost"}


@pytest.fixture
def app(database_url: str, config: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The application on a clean database, with a `default` site."""
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    from comments import create_app
    from comments.extensions import db, limiter
    from comments.services.sites import create_site

    app = create_app({**config, "DATABASE_URL": database_url})
    with app.app_context():
        # news.example cannot be fetched from here: its articles are named by readers ("open";
        # tests/articles/ covers the sites that read their own pages or hear from the publisher).
        create_site("default", "https://news.example", name="The Example Times",
                    origins=["https://www.news.example"], settings={"article_facts": "open"})
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        if app.config["RATELIMIT_ENABLED"]:
            # With limits off, Flask-Limiter keeps the storage of the last app that had them on.
            limiter.reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


class CommentsRunner:
    """Invokes the `comments` command group against the test app."""

    def __init__(self, app: Flask):
        self._runner = app.test_cli_runner()

    def invoke(self, args: list[str], **kwargs: Any) -> Any:
        from comments.cli import main

        return self._runner.invoke(main, args=args, **kwargs)


@pytest.fixture
def runner(app: Flask) -> CommentsRunner:
    """`runner.invoke(args=[...])` runs a `comments` command against the test app."""
    return CommentsRunner(app)


@pytest.fixture
def backend(database_url: str) -> str:
    """Which database this test runs on."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


class QueryCounter:
    """Counts the SQL statements that reach the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def record(self, statement: str) -> None:
        plumbing = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
        if not statement.lstrip().upper().startswith(plumbing):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


def _counting_cursor(counter: QueryCounter, base: type) -> type:
    """A psycopg cursor class that records every statement it executes."""

    class CountingCursor(base):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
            counter.record(query if isinstance(query, str) else repr(query))
            return super().execute(query, *args, **kwargs)

    return CountingCursor


@pytest.fixture
def count_queries(app: Flask) -> Iterator[Any]:
    """A context manager factory counting SQL statements of the app's engine.

    Counted at the driver (SQLite's trace callback, a psycopg cursor class), so that reads
    running straight on the driver's cursor (comments/fast_lane/driver_reads.py) count like any other.
    """
    from contextlib import contextmanager

    from comments.extensions import db

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        restore: list[Any] = []
        watched: set[int] = set()

        def watch(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            if id(dbapi_connection) in watched:
                return
            watched.add(id(dbapi_connection))
            if hasattr(dbapi_connection, "set_trace_callback"):
                dbapi_connection.set_trace_callback(counter.record)
                restore.append(lambda: dbapi_connection.set_trace_callback(None))
            else:
                original = dbapi_connection.cursor_factory
                dbapi_connection.cursor_factory = _counting_cursor(counter, original)
                restore.append(lambda: setattr(dbapi_connection, "cursor_factory", original))

        event.listen(engine, "checkout", watch)
        try:
            yield counter
        finally:
            event.remove(engine, "checkout", watch)
            for undo in restore:
                undo()

    return counting


def post_comment(client: FlaskClient, uri: str = "/2019/02/08/summit/", **fields: Any) -> Any:
    """POST a comment with sensible defaults; returns the response."""
    body = {"uri": uri, "text": "A thoughtful comment.", "author": "Ann", "title": "Summit"}
    body.update(fields)
    headers = fields.pop("headers", None) if "headers" in fields else None
    body.pop("headers", None)
    environ = body.pop("environ", None)
    return client.post("/api/v1/comments", json=body, headers=headers or {},
                       environ_base=environ or {})


@pytest.fixture
def post(client: FlaskClient) -> Any:
    """`post(uri=..., text=..., ...)` posts a comment through the public API."""

    def _post(**fields: Any) -> Any:
        return post_comment(client, **fields)

    return _post


def sql(app: Flask, statement: str, **params: Any) -> list[Any]:
    """Run raw SQL against the app's database (for assertions on stored state)."""
    from comments.extensions import db

    with app.app_context():
        result = db.session.execute(text(statement), params)
        rows = result.all() if result.returns_rows else []
        db.session.commit()
        return rows
