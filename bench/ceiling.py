"""The ceilings: the smallest Flask JSON endpoint, and one that makes one query through a pool,
each served by the same gunicorn settings as the service."""

from __future__ import annotations

import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():  # type: ignore[no-untyped-def]
    """A tiny JSON answer: what Flask and gunicorn cost with no work at all."""
    return jsonify({"status": "ok"})


def one_query_app() -> Flask:
    """The same answer after one `SELECT 1` through a SQLAlchemy pool (BENCH_DATABASE_URL): on
    PostgreSQL a sync worker waits out a round trip for any answer that reads the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=2, pool_pre_ping=False)
    queried = Flask(__name__)

    @queried.get("/")
    def one_query():  # type: ignore[no-untyped-def]
        with engine.connect() as conn:
            value = conn.execute(text("SELECT 1")).scalar_one()
        return jsonify({"status": "ok", "value": value})

    return queried
