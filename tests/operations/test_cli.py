"""The `comments` command: sites, the generated secret, and an install that runs anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_sites_add_list_and_update(runner):
    added = runner.invoke(args=["sites", "add", "daily", "--base-url", "https://daily.example",
                                "--origin", "https://www.daily.example", "--require-email",
                                "--edit-window", "600", "--max-depth", "3", "--close-after-days", "30"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(args=["sites", "list", "--json"])
    sites = {site["key"]: site for site in json.loads(listed.output)}
    daily = sites["daily"]
    assert daily["allowed_origins"] == ["https://daily.example", "https://www.daily.example"]
    assert daily["settings"]["require_email"] is True
    assert daily["settings"]["edit_window"] == 600
    assert daily["settings"]["max_depth"] == 3
    assert daily["settings"]["close_after_days"] == 30
    updated = runner.invoke(args=["sites", "update", "daily", "--no-require-email",
                                  "--require-name", "--moderation", "hold_first"])
    assert updated.exit_code == 0, updated.output
    daily = {s["key"]: s for s in json.loads(runner.invoke(args=["sites", "list", "--json"]).output)}["daily"]
    assert daily["settings"]["require_email"] is False
    assert daily["settings"]["require_author"] is True
    assert daily["settings"]["moderation"] == "hold_first"


@pytest.mark.parametrize("args, message", [
    (["sites", "add", "Bad Key", "--base-url", "https://x.example"], "site key"),
    (["sites", "add", "ok", "--base-url", "ftp://x.example"], "http(s)"),
    (["sites", "add", "default", "--base-url", "https://x.example"], "exists"),
    (["sites", "update", "default", "--moderation", "sometimes"], "moderation"),
    (["sites", "update", "default", "--edit-window", "-5"], "edit_window"),
    (["sites", "update", "nope", "--name", "x"], "No such site"),
])
def test_sites_refuse_bad_input_with_a_clear_message(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_a_secret_is_generated_once_and_kept_in_the_instance_folder(tmp_path, monkeypatch):
    from comments import create_app

    for name in list(os.environ):
        if name.startswith("COMMENTS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    path = tmp_path / "instance" / "secret_key"
    assert first == second == path.read_text().strip()
    assert len(first) >= 40
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_configuration_comes_from_comments_environment_variables(tmp_path, monkeypatch):
    from comments import create_app

    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COMMENTS_SECRET_KEY", "from-env")
    monkeypatch.setenv("COMMENTS_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("COMMENTS_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("COMMENTS_DATABASE_URL", "postgresql://u@db.example/comments")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["TRUSTED_PROXIES"] == 2
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/comments"


@pytest.mark.slow
def test_a_built_wheel_migrates_from_any_directory(tmp_path):
    """`pip install .` then `comments db upgrade` elsewhere: migrations ship inside the package."""
    root = Path(__file__).resolve().parents[2]
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(root)],
                   check=True, timeout=300)
    wheel = next(wheels.glob("comments-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("comments/migrations/versions/") for n in names)
    assert "comments/migrations/env.py" in names
    from comments.web.embed.assets import ASSETS, THREAD_MODULES

    shipped = {f"comments/embed/{name}" for name in ASSETS - {"thread.js"}}
    shipped |= {f"comments/embed/thread/{name}" for name in THREAD_MODULES}
    assert shipped <= set(names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "COMMENTS_INSTANCE_PATH": str(workdir / "instance")}
    env.pop("COMMENTS_DATABASE_URL", None)
    code = "from comments.cli import main; main()"
    upgraded = subprocess.run([sys.executable, "-c", code, "db", "upgrade"], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (workdir / "instance" / "comments.db").exists()
    site = subprocess.run([sys.executable, "-c", code, "sites", "add", "default", "--base-url",
                           "https://n.example"], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=120)
    assert site.returncode == 0, site.stderr
