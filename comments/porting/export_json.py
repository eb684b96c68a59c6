"""`comments export json`: everything needed to rebuild a site's comments, written as a stream."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select

from comments.extensions import db
from comments.models import Comment, Reader, Site, Subscription, Thread
from comments.models.types import isoformat, utcnow
from comments.porting.jsonfile import FORMAT


def comment_key(comment: Comment) -> str:
    """The stable identity a comment keeps across exports and imports."""
    return comment.import_key or f"comments:{comment.id}"


def site_threads(site: Site) -> Iterator[Thread]:
    """The site's threads in path order, fetched in slices so a big site fits in memory."""
    last = ""
    while True:
        batch = list(db.session.execute(
            select(Thread).where(Thread.site_id == site.id, Thread.uri > last)
            .order_by(Thread.uri).limit(200)).scalars())
        if not batch:
            return
        yield from batch
        last = batch[-1].uri
        db.session.expunge_all()


def thread_comments(thread: Thread) -> list[Comment]:
    """A thread's comments, oldest first (parents before their replies)."""
    return list(db.session.execute(
        select(Comment).where(Comment.thread_id == thread.id)
        .order_by(Comment.created_at, Comment.id)).scalars())


def write_json(site: Site, out: IO[str]) -> int:
    """Write the site's export to `out`; returns the number of comments written."""
    header = {
        "format": FORMAT, "version": 1, "exported_at": isoformat(utcnow()),
        "site": {"key": site.key, "name": site.name, "base_url": site.base_url,
                 "allowed_origins": site.allowed_origins, "mail_from": site.mail_from,
                 "settings": site.settings.to_dict()},
    }
    text = json.dumps(header, ensure_ascii=False, indent=1)
    out.write(text[:-2] + ',\n "threads": [')
    written = 0
    first = True
    for thread in site_threads(site):
        comments = thread_comments(thread)
        if not comments:
            continue
        out.write(("\n" if first else ",\n") + json.dumps(
            thread_json(thread, comments), ensure_ascii=False, sort_keys=True))
        first = False
        written += len(comments)
    out.write("\n ]\n}\n")
    return written


def thread_json(thread: Thread, comments: list[Comment]) -> dict[str, Any]:
    """One thread with all its comments and their reply subscriptions."""
    keys = {comment.id: comment_key(comment) for comment in comments}
    readers = thread_readers(comments)
    subscriptions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sub in db.session.execute(
            select(Subscription).where(Subscription.thread_id == thread.id)
            .order_by(Subscription.id)).scalars():
        subscriptions[sub.comment_id].append({
            "email": sub.email, "mode": sub.mode, "language": sub.language,
            "created_at": isoformat(sub.created_at), "confirmed_at": isoformat(sub.confirmed_at),
            "unsubscribed_at": isoformat(sub.unsubscribed_at),
        })
    return {
        "uri": thread.uri, "title": thread.title, "closed": thread.closed,
        "comments": [{
            "key": keys[comment.id],
            "parent": keys.get(comment.parent_id) if comment.parent_id else None,
            "author": comment.author, "email": comment.email, "website": comment.website,
            "text": comment.text, "html": comment.html, "status": comment.status,
            "created_at": isoformat(comment.created_at), "edited_at": isoformat(comment.edited_at),
            "likes": comment.likes, "dislikes": comment.dislikes, "pinned": comment.pinned,
            "notify_replies": comment.notify_replies, "reasons": comment.reasons or [],
            "subscriptions": subscriptions.get(comment.id, []),
            "featured": comment.featured, "verified": comment.verified,
            "badges": comment.badges.split(",") if comment.badges else [],
            "reader": readers.get(comment.reader_id) if comment.reader_id else None,
        } for comment in comments],
    }


def thread_readers(comments: list[Comment]) -> dict[int, dict[str, Any]]:
    """The readers who wrote these comments, as an import makes them again."""
    ids = {comment.reader_id for comment in comments if comment.reader_id}
    if not ids:
        return {}
    return {reader.id: {"subject": reader.subject, "name": reader.name, "email": reader.email,
                        "badges": list(reader.badges or []), "url": reader.url,
                        "verified": reader.verified}
            for reader in db.session.execute(select(Reader).where(Reader.id.in_(ids))).scalars()}
