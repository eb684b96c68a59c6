"""Disqus XML exports: `<thread>`s first as a rule, then `<post>`s pointing at them by dsq:id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element

from comments.models import CommentStatus
from comments.porting.records import (
    SourceComment,
    SourceReader,
    SourceThread,
    UriMap,
    clean_email,
    parse_time,
)
from comments.porting.xmlstream import UnreadableExport, attribute, child, child_text, iter_records
from comments.services.discussion.rendering import sanitize


def _wanted(path: list[str]) -> bool:
    return len(path) == 2 and path[0] == "disqus" and path[1] in ("thread", "post")


def read(stream: IO[bytes], uris: UriMap) -> Iterator[SourceThread | SourceComment]:
    """Threads and posts of a Disqus export, as they come in the file."""
    found = False
    for element in iter_records(stream, _wanted):
        found = True
        if element.tag.endswith("thread"):
            yield _thread(element, uris)
        else:
            yield _post(element)
    if not found:
        raise UnreadableExport("not a Disqus export: no <disqus><thread> or <post> found")


def _thread(element: Element, uris: UriMap) -> SourceThread:
    link = child_text(element, "link")
    return SourceThread(
        key=f"disqus:{attribute(element, 'id') or child_text(element, 'id')}",
        uri=uris.path_of(link),
        title=child_text(element, "title")[:500],
        closed=child_text(element, "isClosed") == "true",
        link=link,
    )


def _reference(element: Element, name: str) -> str | None:
    target = child(element, name)
    if target is None:
        return None
    value = attribute(target, "id")
    return f"disqus:{value}" if value else None


def _post(element: Element) -> SourceComment:
    dsq_id = attribute(element, "id")
    author = child(element, "author")
    message = child_text(element, "message")
    created = parse_time(child_text(element, "createdAt"))
    if child_text(element, "isDeleted") == "true":
        status = CommentStatus.DELETED
    elif child_text(element, "isSpam") == "true":
        status = CommentStatus.SPAM
    elif child_text(element, "isApproved", "true") == "false":
        status = CommentStatus.PENDING
    else:
        status = CommentStatus.APPROVED
    record = SourceComment(
        key=f"disqus:{dsq_id}",
        thread_key=_reference(element, "thread") or "",
        parent_key=_reference(element, "parent"),
        text=message,
        html=sanitize(message),
        status=status,
        created_at=created,  # type: ignore[arg-type]
        author=" ".join(child_text(author, "name").split())[:100] if author is not None else "",
        email=clean_email(child_text(author, "email")) if author is not None else None,
        ip=child_text(element, "ipAddress") or None,
    )
    username = child_text(author, "username") if author is not None else ""
    if author is not None and username and child_text(author, "isAnonymous") != "true":
        # A Disqus account: a reader of the site, though not one the publisher vouches for.
        record.reader = SourceReader(subject=f"disqus:{username[:200]}", name=record.author,
                                     email=record.email)
    if not dsq_id:
        # Replies point at dsq:id; without one, a second import could not recognise the post.
        record.problem = "no dsq:id in the source"
    elif created is None:
        record.problem = "no valid date"
    elif not record.thread_key:
        record.problem = "no thread reference"
    return record
