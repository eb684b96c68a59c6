"""Which receiver listens to which comment signal: one table, connected by create_app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Signal
from flask import Flask

from comments.services.identity import picks
from comments.services.mail import subscriptions
from comments.services.moderation import held_mail
from comments.services.notices import deciding as notice_decisions
from comments.services.webhooks import events as webhook_events
from comments.signals import (
    article_shared,
    comment_flagged,
    comment_posted,
    comment_status_changed,
    notice_filed,
)

#: Reply notifications first, then mail to moderators (the order outbox rows are written in).
RECEIVERS: tuple[tuple[Signal, Callable[..., Any]], ...] = (
    (comment_posted, subscriptions.on_comment_posted),
    (comment_status_changed, subscriptions.on_status_changed),
    (comment_posted, held_mail.on_comment_posted),
    (comment_status_changed, held_mail.on_status_changed),
    # A public comment restricted without a notice gets its statement of reasons (DSA Art. 17).
    (comment_status_changed, notice_decisions.on_status_changed),
    # Webhooks: a delivery row per subscribed endpoint, in the same transaction.
    (comment_posted, webhook_events.on_comment_posted),
    (comment_status_changed, webhook_events.on_status_changed),
    (comment_flagged, webhook_events.on_comment_flagged),
    (article_shared, webhook_events.on_article_shared),
    (notice_filed, webhook_events.on_notice_filed),
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
