"""Static checks in the test run: strict mypy on comments/ and ruff on the tree stay clean.

CI runs only the test command, so a type error or lint finding fails the suite here instead of
slipping in unnoticed. Neither test touches a database, so each runs once, not per backend.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


# Both mypy runs share .mypy_cache, so they run one after the other in one worker.
@pytest.mark.slow
@pytest.mark.xdist_group(name="mypy")
def test_mypy_finds_nothing_in_comments():
    checked = _run("mypy")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("Success: no issues found")


@pytest.mark.xdist_group(name="mypy")
def test_mypy_is_strict_and_loosened_for_no_module_of_ours(tmp_path):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    assert config["packages"] == ["comments"]
    assert not [flag for flag, value in config.items() if value is False]
    for override in config.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert not [m for m in modules if m.split(".")[0] == "comments"], override
    sloppy = tmp_path / "sloppy.py"
    sloppy.write_text("def untyped(value):\n    return value\n")
    checked = _run("mypy", str(sloppy))
    assert "[no-untyped-def]" in checked.stdout, checked.stdout + checked.stderr


def test_ruff_finds_nothing():
    linted = _run("ruff", "check", "comments", "tests", "bench", "fuzz", "stubs")
    assert linted.returncode == 0, linted.stdout + linted.stderr
