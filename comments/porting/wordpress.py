"""WordPress WXR (1.0 to 1.2): items become threads, their `wp:comment`s become comments."""

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
    clean_website,
    html_like_wordpress,
    parse_time,
)
from comments.porting.xmlstream import child_text, iter_records, local_name

# wp:comment_approved → our status; WordPress also writes "post-trashed" for comments of a
# trashed post.
STATUSES = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,
}


def _is_item(path: list[str]) -> bool:
    return path[-1] == "item" and len(path) >= 2 and path[-2] == "channel"


def read(stream: IO[bytes], uris: UriMap) -> Iterator[SourceThread | SourceComment]:
    """Threads and comments of a WXR file, one item at a time."""
    seen_channel = False
    for item in iter_records(stream, _is_item, markers=lambda path: path == ["rss", "channel"]):
        if local_name(item.tag) == "channel":
            seen_channel = True
            continue
        yield from _item(item, uris)
    if not seen_channel:
        raise_not_wxr()


def raise_not_wxr() -> None:
    from comments.porting.xmlstream import UnreadableExport

    raise UnreadableExport("not a WordPress export: no <rss><channel> found")


def _item(item: Element, uris: UriMap) -> Iterator[SourceThread | SourceComment]:
    comments = [element for element in item if local_name(element.tag) == "comment"]
    if not comments:
        return
    post_id = child_text(item, "post_id")
    link = child_text(item, "link")
    thread_key = f"wordpress:{post_id or link}"
    yield SourceThread(
        key=thread_key,
        uri=uris.path_of(link),
        title=child_text(item, "title")[:500],
        closed=child_text(item, "comment_status") == "closed",
        link=link,
    )
    for element in comments:
        yield _comment(element, thread_key)


def _comment(element: Element, thread_key: str) -> SourceComment:
    comment_id = child_text(element, "comment_id")
    parent = child_text(element, "comment_parent")
    raw_status = child_text(element, "comment_approved", "1")
    kind = child_text(element, "comment_type") or "comment"
    created = parse_time(child_text(element, "comment_date_gmt")) or parse_time(
        child_text(element, "comment_date"))
    content = child_text(element, "comment_content")
    record = SourceComment(
        key=f"wordpress:{comment_id}",
        thread_key=thread_key,
        parent_key=f"wordpress:{parent}" if parent and parent != "0" else None,
        text=content,
        html=html_like_wordpress(content),
        status=STATUSES.get(raw_status, CommentStatus.PENDING),
        created_at=created,  # type: ignore[arg-type]
        author=" ".join(child_text(element, "comment_author").split())[:100],
        email=clean_email(child_text(element, "comment_author_email")),
        website=clean_website(child_text(element, "comment_author_url")),
        ip=child_text(element, "comment_author_IP") or None,
        kind=kind if kind in ("pingback", "trackback") else "comment",
    )
    user_id = child_text(element, "comment_user_id")
    if user_id.isdigit() and user_id != "0":
        # A registered user of the publisher's WordPress (services/identity/: a reader).
        record.reader = SourceReader(subject=f"wordpress:{user_id}", name=record.author,
                                     email=record.email, url=record.website, verified=True)
    if not comment_id:
        record.problem = "no comment id in the source"
    elif created is None:
        record.problem = "no valid date"
    return record
