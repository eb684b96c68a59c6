"""The renderer's fuzz target (fuzz/render_target.py) runs briefly in CI and finds nothing."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "fuzz" / "render_target.py"
SECONDS = 6


def _target():
    spec = importlib.util.spec_from_file_location("render_target", TARGET)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_target_catches_unsafe_output():
    """The check is not vacuous: HTML that escaped the allow-list is reported."""
    target = _target()
    inspector = target._Inspector()
    inspector.feed('<p><img src=x onerror=alert(1)><a href="javascript:x">y</a></p>')
    assert len(inspector.problems) >= 3
    target.check(b"[ok](https://example.org) <script>alert(1)</script>")


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris: see below")
def test_atheris_finds_no_unsafe_output_in_a_few_seconds(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "fuzz" / "corpus" / "render", corpus)
    finished = subprocess.run(
        [sys.executable, str(TARGET), f"-max_total_time={SECONDS}", "-timeout=10",
         f"-artifact_prefix={tmp_path}/", str(corpus)],
        capture_output=True, text=True, timeout=SECONDS + 60, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "Done" in finished.stderr and " runs in " in finished.stderr
    assert not list(tmp_path.glob("crash-*"))


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_hypothesis_drives_the_same_target_where_atheris_cannot_install(data):
    _target().check(data)
