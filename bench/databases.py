"""Fresh, migrated databases for benchmarks: an SQLite file or a PostgreSQL database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ADMIN_URL = os.environ.get("COMMENTS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-secret-not-for-production"


def postgres_url(name: str) -> str:
    """The URL of database `name` on the benchmark's PostgreSQL server."""
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres(name: str) -> None:
    """Drop a benchmark database if it exists."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(backend: str, name: str, folder: Path) -> str:
    """Create an empty database, migrate it and add the `default` site; return its URL."""
    if backend == "sqlite":
        path = folder / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        import psycopg

        drop_postgres(name)
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = postgres_url(name)
    from flask_migrate import upgrade

    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        # news.example is not fetched: readers name the benchmark's articles ("open").
        create_site("default", "https://news.example", name="Benchmark Times",
                    settings={"article_facts": "open", "new_threads_per_network": 1_000_000})
        db.session.remove()
        db.engine.dispose()
    return url
