"""Which receiver listens to which comment signal: one table, connected by create_app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Signal
from flask import Flask

from comments.services.identity import picks
from comments.services.mail import subscriptions
from comments.services.moderation import held_mail
from comments.signals import comment_posted, comment_status_changed

#: Reply notifications first, then mail to moderators (the order outbox rows are written in).
RECEIVERS: tuple[tuple[Signal, Callable[..., Any]], ...] = (
    (comment_posted, subscriptions.on_comment_posted),
    (comment_status_changed, subscriptions.on_status_changed),
    (comment_posted, held_mail.on_comment_posted),
    (comment_status_changed, held_mail.on_status_changed),
    (comment_status_changed, picks.on_status_changed),
)


def init_app(app: Flask) -> None:
    """Connect every receiver to its signal; calling it again, for this app or another, adds none.

    Signals are process-wide and blinker keeps one connection per receiver, so several apps in
    one process (the test suite makes many) share the same connections and each event is
    handled once; receivers work on the app of the current context.
    """
    if app.extensions.get("comments.receivers"):
        return
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
    app.extensions["comments.receivers"] = RECEIVERS
