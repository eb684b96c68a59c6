"""The ceiling: the smallest Flask JSON endpoint, served by the same gunicorn settings."""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():  # type: ignore[no-untyped-def]
    """A tiny JSON answer: what Flask and gunicorn cost with no work at all."""
    return jsonify({"status": "ok"})
