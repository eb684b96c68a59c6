"""The embed's scripts as built: joined in order, versioned by every module, minified or refused."""

from __future__ import annotations

import re
import shutil

import pytest

from comments.web.embed.assets import (
    THREAD_MODULES,
    ScriptNotMinified,
    asset_body,
    asset_path,
    asset_source,
    asset_version,
    joined_script,
    minify_script,
    version_of,
)

SCRIPTS = ["embed.js", "thread.js"]
# Syntax newer than ES2017, the embed's language rule: optional chaining, nullish coalescing,
# optional catch binding.
TOO_NEW = re.compile(r"\?\.(?!\d)|\?\?|catch\{")


def test_every_module_of_the_thread_script_is_joined_in_the_declared_order():
    folder = asset_path("thread")
    assert sorted(THREAD_MODULES) == sorted(path.name for path in folder.glob("*.js"))
    joined = asset_source("thread.js")
    where = [joined.index((folder / name).read_text()) for name in THREAD_MODULES]
    assert where == sorted(where)
    assert joined.startswith("(function () {") and joined.rstrip().endswith("})();")


def test_the_served_version_covers_every_module():
    assert asset_version("thread.js") == version_of(joined_script(asset_path("thread"), THREAD_MODULES))


def test_changing_any_module_or_the_order_changes_the_version(tmp_path):
    folder = tmp_path / "thread"
    shutil.copytree(asset_path("thread"), folder)
    seen = {version_of(joined_script(folder, THREAD_MODULES))}
    for name in THREAD_MODULES:
        path = folder / name
        path.write_text(path.read_text() + "\n// changed\n")
        seen.add(version_of(joined_script(folder, THREAD_MODULES)))
    seen.add(version_of(joined_script(folder, tuple(reversed(THREAD_MODULES)))))
    assert len(seen) == len(THREAD_MODULES) + 2


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_shipped_script_is_served_minified(name):
    source = asset_source(name)
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


def test_a_module_with_a_syntax_error_fails_the_thread_script(tmp_path):
    folder = tmp_path / "thread"
    shutil.copytree(asset_path("thread"), folder)
    (folder / "draw.js").write_text((folder / "draw.js").read_text() + "\nfunction broken( {\n")
    with pytest.raises(ScriptNotMinified, match="thread.js"):
        minify_script(joined_script(folder, THREAD_MODULES), "thread.js")


def test_two_modules_declaring_one_name_fail_the_build(tmp_path):
    """The modules share one scope: a second `const config` would stop the page in the browser."""
    folder = tmp_path / "thread"
    shutil.copytree(asset_path("thread"), folder)
    (folder / "share.js").write_text((folder / "share.js").read_text() + "\nconst config = {};\n")
    with pytest.raises(ScriptNotMinified, match="already been declared"):
        minify_script(joined_script(folder, THREAD_MODULES), "thread.js")
