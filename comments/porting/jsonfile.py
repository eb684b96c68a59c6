"""Our own JSON export read back: every thread and comment, keyed so a re-import changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from comments.models import CommentStatus
from comments.porting.jsonstream import read_document
from comments.porting.readers import source_reader
from comments.porting.records import (
    SourceComment,
    SourceSite,
    SourceThread,
    UriMap,
    clean_email,
    clean_website,
    parse_time,
)
from comments.porting.xmlstream import UnreadableExport
from comments.services.discussion.rendering import sanitize

FORMAT = "comments-export"
STATUSES = set(CommentStatus)


def load(stream: IO[bytes]) -> tuple[dict[str, Any], Iterator[Any]]:
    """The export's header and its threads, read one at a time; or UnreadableExport."""
    header, threads = read_document(stream, "threads")
    if header.get("format") != FORMAT:
        raise UnreadableExport(f"not a comments export: the `format` field is not {FORMAT!r}")
    if header.get("version") != 1:
        raise UnreadableExport("this export's version is not supported (expected 1)")
    return header, threads


def read(document: tuple[dict[str, Any], Iterator[Any]],
         uris: UriMap) -> Iterator[SourceSite | SourceThread | SourceComment]:
    """The site, then threads and their comments, from an export being read."""
    header, threads = document
    site = header.get("site")
    if isinstance(site, dict) and isinstance(site.get("base_url"), str):
        origins = site.get("allowed_origins")
        settings = site.get("settings")
        yield SourceSite(
            base_url=site["base_url"], name=_text(site.get("name"))[:200],
            origins=[o for o in origins if isinstance(o, str)] if isinstance(origins, list) else [],
            mail_from=_text(site.get("mail_from")) or None,
            settings=settings if isinstance(settings, dict) else {})
    for index, thread in enumerate(threads):
        if not isinstance(thread, dict):
            raise UnreadableExport(f"thread #{index} is not an object")
        key = f"json:{thread.get('uri')}"
        yield SourceThread(key=key, uri=uris.path_of(str(thread.get("uri") or "")),
                           title=str(thread.get("title") or "")[:500],
                           closed=thread.get("closed") is True, link=str(thread.get("uri")))
        for position, comment in enumerate(thread.get("comments") or []):
            if not isinstance(comment, dict):
                raise UnreadableExport(
                    f"comment #{position} of {thread.get('uri')} is not an object")
            yield _comment(comment, key)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _comment(data: dict[str, Any], thread_key: str) -> SourceComment:
    status = data.get("status")
    created = parse_time(_text(data.get("created_at")))
    record = SourceComment(
        key=_text(data.get("key"))[:200],
        thread_key=thread_key,
        parent_key=_text(data.get("parent")) or None,
        text=_text(data.get("text")),
        html=sanitize(_text(data.get("html"))),
        status=status if status in STATUSES else CommentStatus.PENDING,
        created_at=created,  # type: ignore[arg-type]
        edited_at=parse_time(_text(data.get("edited_at"))),
        author=_text(data.get("author"))[:100],
        email=clean_email(_text(data.get("email"))),
        website=clean_website(_text(data.get("website"))),
        likes=_count(data.get("likes")),
        dislikes=_count(data.get("dislikes")),
        pinned=data.get("pinned") is True,
        notify_replies=data.get("notify_replies") is True,
        reasons=[reason[:200] for reason in data.get("reasons") or [] if isinstance(reason, str)],
        subscriptions=[item for item in data.get("subscriptions") or [] if isinstance(item, dict)],
        reader=source_reader(data.get("reader")),
        featured=data.get("featured") is True,
    )
    if not record.key:
        record.problem = "no key"
    elif created is None:
        record.problem = "no valid date"
    return record
