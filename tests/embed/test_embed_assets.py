"""The embed's scripts as built: minified or refused, never served as written."""

from __future__ import annotations

import re

import pytest

from comments.web.embed.assets import ScriptNotMinified, asset_body, asset_path, minify_script

SCRIPTS = ["embed.js", "thread.js"]
# Syntax newer than ES2017, the embed's language rule: optional chaining, nullish coalescing,
# optional catch binding.
TOO_NEW = re.compile(r"\?\.(?!\d)|\?\?|catch\{")


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_shipped_script_is_served_minified(name):
    source = asset_path(name).read_text()
    served = asset_body(name).decode()
    assert len(served) < len(source) * 0.7
    assert "\n  " not in served and "/*" not in served


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_shipped_script_keeps_to_es2017(name):
    assert not TOO_NEW.search(asset_body(name).decode())


def test_the_minifier_writes_no_newer_syntax_than_it_reads():
    source = "window.f = function (x, y) { try { return x == null ? y : x; } catch (e) {} };"
    written = minify_script(source)
    assert "??" not in written and "catch(" in written
    assert written.startswith("window.f=")


@pytest.mark.parametrize("source", ["let a = ;", "function (", "const x = `unclosed;", "if (a) { b();"])
def test_a_script_with_a_syntax_error_fails_the_build(source):
    with pytest.raises(ScriptNotMinified):
        minify_script(source)
