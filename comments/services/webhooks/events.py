"""The events webhooks carry, their payloads (public fields only), and queueing them with their cause."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, select

from comments.extensions import db
from comments.models import Comment, CommentStatus, Share, Site, Thread
from comments.models.types import utcnow
from comments.models.webhook import WebhookDelivery, WebhookEndpoint

EVENTS = (
    "comment.created",
    "comment.approved",
    "comment.rejected",
    "comment.deleted",
    "comment.flagged",
    "notice.created",
    "share.sent",
)
#: A moderation status a comment moves to, and the event that says so.
STATUS_EVENTS = {
    CommentStatus.APPROVED: "comment.approved",
    CommentStatus.REJECTED: "comment.rejected",
    CommentStatus.SPAM: "comment.rejected",
    CommentStatus.DELETED: "comment.deleted",
}
#: Statuses whose content a payload carries; a rejected, spam or deleted comment's is withheld.
CONTENT_SHOWN = (CommentStatus.APPROVED, CommentStatus.PENDING)


def iso(moment: datetime | None) -> str | None:
    """An ISO 8601 UTC time with a Z, to the second, as the public API writes times."""
    if moment is None:
        return None
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def thread_data(site: Site, thread: Thread) -> dict[str, Any]:
    """The article a payload is about, as the public API's Thread, with its site."""
    return {"site": site.key, "uri": thread.uri, "title": thread.title or "",
            "url": site.article_url(thread.uri), "count": thread.count}


def comment_data(comment: Comment) -> dict[str, Any]:
    """A comment's public fields (those `GET /api/v1/comments` serves), and its real status.

    Never an email, an address, or a hash of either.
    """
    shown = comment.status in CONTENT_SHOWN
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": comment.author if shown else "",
        "website": comment.website if shown else None,
        "avatar": comment.avatar_seed if shown else "",
        "html": comment.html if shown else "",
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "status": comment.status,
        "pinned": comment.pinned,
        "depth": comment.depth,
    }


def share_data(share: Share) -> dict[str, Any]:
    """A recorded share: its opaque id (as the API gives it), how it went, and when."""
    from comments.services.sharing.by_email import public_id

    return {"id": public_id(share.id), "kind": share.kind, "created_at": iso(share.created_at)}


#: A notice's fields a webhook may carry: what was reported and where it stands, never who
#: reported it (a notifier's name and address stay in the service).
NOTICE_FIELDS = ("id", "reference", "comment_id", "law", "trusted", "status", "created_at")


def notice_data(notice: Any) -> dict[str, Any]:
    """The public part of a notice filed against a comment (the `notice.created` payload)."""
    data: dict[str, Any] = {}
    for name in NOTICE_FIELDS:
        value = getattr(notice, name, None)
        data[name] = iso(value) if isinstance(value, datetime) else value
    return data


# Built once, bound per event: every post asks, and composing it cost more than running it.
# Columns of the table, not the entity: asked on every post, and loading endpoints as objects
# (the ORM's execution and identity map) cost a post more than the query itself.
_ENDPOINTS = WebhookEndpoint.__table__.c
_ENABLED = (select(_ENDPOINTS.id, _ENDPOINTS.events)
            .where(_ENDPOINTS.site_id == bindparam("site_id"), _ENDPOINTS.disabled_at.is_(None))
            .order_by(_ENDPOINTS.id))


def subscribed_endpoints(site: Site, event: str) -> list[int]:
    """The ids of the site's enabled endpoints that chose `event`."""
    rows = db.session.execute(_ENABLED, {"site_id": site.id})
    return [endpoint_id for endpoint_id, events in rows if event in (events or [])]


def queue_event(site: Site, event: str, data: dict[str, Any] | Any) -> list[WebhookDelivery]:
    """Queue `event` for every endpoint of `site` that wants it, in the current transaction.

    `data` is the payload's `data`, or a function building it (called only when someone
    listens). Each delivery has its own `webhook-id`, kept across retries.
    """
    assert event in EVENTS, event
    endpoints = subscribed_endpoints(site, event)
    if not endpoints:
        return []
    now = utcnow()
    body = {"type": event, "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": data() if callable(data) else data}
    give_up = now + timedelta(seconds=float(current_app.config["WEBHOOKS_GIVE_UP_SECONDS"]))
    deliveries = []
    for endpoint_id in endpoints:
        delivery = WebhookDelivery(
            endpoint_id=endpoint_id, message_id=f"msg_{uuid.uuid4().hex}", event=event,
            payload=body, status="pending", attempts=0, next_attempt_at=now, give_up_at=give_up,
            created_at=now,
        )
        db.session.add(delivery)
        deliveries.append(delivery)
    return deliveries


# Receivers (connected in comments/receivers.py); each runs inside its cause's transaction.

def on_comment_posted(comment: Comment, *, thread: Thread, site: Site, **_: Any) -> None:
    """comment.created, whatever the pipeline decided (its status says)."""
    queue_event(site, "comment.created",
                lambda: {"comment": comment_data(comment), "thread": thread_data(site, thread)})


def on_status_changed(comment: Comment, *, thread: Thread, site: Site, after: str,
                      **_: Any) -> None:
    """comment.approved, comment.rejected (also as spam) and comment.deleted."""
    event = STATUS_EVENTS.get(CommentStatus(after)) if after in set(CommentStatus) else None
    if event:
        queue_event(site, event,
                    lambda: {"comment": comment_data(comment), "thread": thread_data(site, thread)})


def on_comment_flagged(comment: Comment, *, thread: Thread, site: Site, reason: str,
                       flag_count: int, **_: Any) -> None:
    """comment.flagged: a reader's new flag, its reason, and how many readers flagged it."""
    queue_event(site, "comment.flagged",
                lambda: {"comment": comment_data(comment), "thread": thread_data(site, thread),
                         "flag": {"reason": reason, "count": flag_count}})


def on_article_shared(share: Share, *, site: Site, thread: Thread, **_: Any) -> None:
    """share.sent: a reader sent the article to a friend (by mail program or by the site)."""
    queue_event(site, "share.sent",
                lambda: {"share": share_data(share), "thread": thread_data(site, thread)})


def on_notice_filed(notice: Any, *, site: Site, **_: Any) -> None:
    """notice.created: someone filed a notice about a comment (the notices feature sends it)."""
    queue_event(site, "notice.created", lambda: {"notice": notice_data(notice)})
