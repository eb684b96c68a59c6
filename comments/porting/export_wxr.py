"""`comments export wxr`: WordPress eXtended RSS 1.2 with comments, for WordPress and Disqus."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime
from typing import IO
from xml.sax.saxutils import escape

from comments.models import Comment, CommentStatus, Site, Thread
from comments.models.types import utcnow
from comments.porting.export_json import site_threads, thread_comments, thread_readers

# Characters XML 1.0 cannot carry at all; a comment may contain them, a file must not.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
APPROVED: dict[str, str] = {
    CommentStatus.APPROVED: "1",
    CommentStatus.PENDING: "0",
    CommentStatus.SPAM: "spam",
    CommentStatus.REJECTED: "trash",
    CommentStatus.DELETED: "trash",
}
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dsq="http://www.disqus.com/">
<channel>
"""


def _text(value: str | None) -> str:
    return escape(NOT_XML.sub("", value or ""))


def _element(name: str, value: str | None) -> str:
    return f"<{name}>{_text(value)}</{name}>"


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def write_wxr(site: Site, out: IO[str]) -> int:
    """Write the site's threads as WXR items with their comments; returns the comment count."""
    out.write(HEAD)
    for name, value in (("title", site.name), ("link", site.base_url), ("description", ""),
                        ("pubDate", format_datetime(utcnow())), ("language", "en"),
                        ("wp:wxr_version", "1.2"), ("wp:base_site_url", site.base_url),
                        ("wp:base_blog_url", site.base_url)):
        out.write(_element(name, value) + "\n")
    written = 0
    for thread in site_threads(site):
        comments = thread_comments(thread)
        if comments:
            out.write(_item(site, thread, comments))
            written += len(comments)
    out.write("</channel>\n</rss>\n")
    return written


def _item(site: Site, thread: Thread, comments: list[Comment]) -> str:
    url = site.article_url(thread.uri)
    slug = thread.uri.strip("/").rsplit("/", 1)[-1] or "home"
    parts = [
        "<item>", _element("title", thread.title or thread.uri), _element("link", url),
        _element("pubDate", format_datetime(thread.created_at)),
        f"<guid isPermaLink=\"false\">{_text(url)}</guid>",
        _element("wp:post_id", str(thread.id)),
        _element("wp:post_date", _local(thread.created_at)),
        _element("wp:post_date_gmt", _local(thread.created_at)),
        _element("wp:comment_status", "closed" if thread.closed else "open"),
        _element("wp:ping_status", "closed"), _element("wp:post_name", slug),
        _element("wp:status", "publish"), _element("wp:post_parent", "0"),
        _element("wp:post_type", "post"),
        # Disqus's importer matches threads on this identifier; the path is what we key on.
        _element("dsq:thread_identifier", thread.uri),
    ]
    readers = thread_readers(comments)
    for comment in comments:
        subject = str(readers.get(comment.reader_id or 0, {}).get("subject", ""))
        # A WordPress user an import made a reader goes back as that user (porting/readers.py).
        user_id = subject.removeprefix("wordpress:") if subject.startswith("wordpress:") else "0"
        parts.append("<wp:comment>" + "".join([
            _element("wp:comment_id", str(comment.id)),
            _element("wp:comment_author", comment.author),
            _element("wp:comment_author_email", comment.email),
            _element("wp:comment_author_url", comment.website),
            _element("wp:comment_author_IP", ""),  # we keep only keyed hashes of addresses
            _element("wp:comment_date", _local(comment.created_at)),
            _element("wp:comment_date_gmt", _local(comment.created_at)),
            _element("wp:comment_content", comment.html),
            _element("wp:comment_approved", APPROVED.get(comment.status, "0")),
            _element("wp:comment_type", ""),
            _element("wp:comment_parent", str(comment.parent_id or 0)),
            _element("wp:comment_user_id", user_id),
        ]) + "</wp:comment>")
    parts.append("</item>\n")
    return "\n".join(parts)
