"""The Flask class the service runs: Flask's own, deciding once per function whether it is async."""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask


class App(Flask):
    """Flask, remembering how to call each plain function it runs as a hook or a view.

    Flask asks `inspect.iscoroutinefunction` of every hook and view on every request (some
    twenty a post, nine Python calls each); a function's answer never changes. Weak keys: a
    function made per request is forgotten with it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whether Flask runs the function as it is; a bool, so the key stays weakly held.
        self._plain: WeakKeyDictionary[Callable[..., Any], bool] = WeakKeyDictionary()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's answer, remembered for plain functions that Flask runs as they are."""
        if type(func) is FunctionType:
            plain = self._plain.get(func)
            if plain is None:
                plain = self._plain[func] = super().ensure_sync(func) is func
            if plain:
                return func
        return super().ensure_sync(func)
