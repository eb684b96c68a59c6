"""`comments sites update`: adding and removing one origin, and replacing the list, said so."""

from __future__ import annotations

import json


def origins(runner, key="daily"):
    listed = runner.invoke(args=["sites", "list", "--json"])
    return {site["key"]: site for site in json.loads(listed.output)}[key]["allowed_origins"]


def add_daily(runner):
    added = runner.invoke(args=["sites", "add", "daily", "--base-url", "https://daily.example",
                                "--origin", "https://www.daily.example"])
    assert added.exit_code == 0, added.output


def test_add_origin_and_remove_origin_change_one_entry_and_show_the_list(runner):
    add_daily(runner)
    added = runner.invoke(args=["sites", "update", "daily", "--add-origin",
                                "https://m.daily.example/some/path", "--add-origin",
                                "http://localhost:8080"])
    assert added.exit_code == 0, added.output
    assert origins(runner) == ["https://daily.example", "https://www.daily.example",
                               "https://m.daily.example", "http://localhost:8080"]
    assert "Added https://m.daily.example, http://localhost:8080" in added.output
    assert "https://www.daily.example" in added.output  # the whole list, as it is now
    removed = runner.invoke(args=["sites", "update", "daily", "--remove-origin",
                                  "https://www.daily.example"])
    assert removed.exit_code == 0, removed.output
    assert "Removed https://www.daily.example" in removed.output
    assert origins(runner) == ["https://daily.example", "https://m.daily.example",
                               "http://localhost:8080"]


def test_origin_replaces_the_whole_list_and_says_so(runner):
    add_daily(runner)
    help_text = runner.invoke(args=["sites", "update", "--help"]).output
    assert "Replace" in help_text and "--add-origin" in help_text and "--remove-origin" in help_text
    replaced = runner.invoke(args=["sites", "update", "daily", "--origin", "https://new.example"])
    assert replaced.exit_code == 0, replaced.output
    assert "Replaced the allowed origins" in replaced.output
    assert "https://www.daily.example" in replaced.output  # what was dropped is named
    assert origins(runner) == ["https://daily.example", "https://new.example"]


def test_removing_the_base_origin_or_an_unknown_one_is_refused(runner):
    add_daily(runner)
    base = runner.invoke(args=["sites", "update", "daily", "--remove-origin",
                               "https://daily.example"])
    assert base.exit_code != 0 and "base URL" in base.output
    unknown = runner.invoke(args=["sites", "update", "daily", "--remove-origin",
                                  "https://nope.example"])
    assert unknown.exit_code != 0 and "not an allowed origin" in unknown.output
    bad = runner.invoke(args=["sites", "update", "daily", "--add-origin", "ftp://x.example"])
    assert bad.exit_code != 0 and "http(s)" in bad.output
    assert origins(runner) == ["https://daily.example", "https://www.daily.example"]
