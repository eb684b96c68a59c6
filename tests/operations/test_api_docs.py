"""docs/api.md, the contract users read, names every operation of the OpenAPI document and no other."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
OPERATION = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/[^\s`?\[]+)")


def _documented() -> set[tuple[str, str]]:
    """Operations written in the docs, with `<name>` placeholders as `{}`."""
    return {(method, re.sub(r"<[^>]+>", "{}", path).rstrip("/.,") or "/")
            for method, path in OPERATION.findall(DOC.read_text(encoding="utf-8"))}


def _published(client) -> list[tuple[str, re.Pattern[str]]]:
    """Operations of the OpenAPI document, each path as a pattern a documented path must match."""
    paths = client.get("/api/openapi.json").get_json()["paths"]
    published = []
    for path, operations in paths.items():
        # A parameter matches either a placeholder or a literal value (`threads/close`).
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", r"(\\{\\}|[a-z_]+)", re.escape(path)))
        published += [(method.upper(), pattern) for method in operations if method != "parameters"]
    return published


def test_every_published_operation_is_documented(client):
    documented = _documented()
    missing = [(method, pattern.pattern) for method, pattern in _published(client)
               if not any(m == method and pattern.fullmatch(p) for m, p in documented)]
    assert not missing, f"operations missing from docs/api.md: {missing}"


def test_every_documented_operation_exists(client):
    published = _published(client)
    # Pages outside the API document: the loader and what readers reach from mail.
    pages = {("GET", "/embed.js"), ("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/api/openapi.json")}
    unknown = [(method, path) for method, path in _documented() - pages
               if not any(m == method and pattern.fullmatch(path) for m, pattern in published)]
    assert not unknown, f"docs/api.md names operations that do not exist: {unknown}"
