"""The app's Flask class remembers how to call plain functions and nothing else changes."""

from __future__ import annotations

import gc
import weakref

import pytest
from flask import Flask

from comments.web.flask_app import App


def test_the_factory_builds_the_app_on_the_remembering_class(app):
    assert type(app) is App


def test_a_plain_function_runs_as_it_is_every_time(app):
    def hook() -> None:
        return None

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook


def test_a_coroutine_gets_flasks_own_answer_every_time(app):
    async def view() -> str:
        return "x"

    # Without asgiref, Flask refuses to run it; with it, Flask wraps it. Either way, as Flask.
    for _ in range(2):
        try:
            expected: object = type(Flask.ensure_sync(app, view))
        except RuntimeError as error:
            with pytest.raises(RuntimeError, match=str(error)[:40]):
                app.ensure_sync(view)
        else:
            assert type(app.ensure_sync(view)) is expected


def test_a_function_made_per_request_is_not_kept_alive(app):
    def made() -> None:
        return None

    app.ensure_sync(made)
    ref = weakref.ref(made)
    del made
    gc.collect()
    assert ref() is None
