"""Imported identities: the accounts a source names become readers of the site, with badges."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from comments.extensions import db
from comments.models import CommentStatus, Reader, Site
from comments.porting.records import SourceComment, SourceReader
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.hashing import email_hash

#: Where a subject may come from; anything else in a file is not an account of ours.
SUBJECT_SOURCES = ("sso:", "email:", "wordpress:", "disqus:")


def identity_columns(site: Site, record: SourceComment, readers: dict[str, int]) -> dict[str, Any]:
    """The identity columns of an imported comment (the same keys for every row of a batch)."""
    reader = record.reader
    shown = record.status != CommentStatus.DELETED
    if reader is None or not shown or not reader.subject.startswith(SUBJECT_SOURCES):
        return {"reader_id": None, "verified": False, "badges": "",
                "featured": record.featured and shown}
    return {"reader_id": reader_id(site, reader, readers), "verified": reader.verified,
            "badges": ",".join(reader.badges)[:300], "featured": record.featured}


def reader_id(site: Site, source: SourceReader, readers: dict[str, int]) -> int:
    """The site's reader for this account, made the first time a file names it."""
    subject = source.subject[:300]
    if subject in readers:
        return readers[subject]
    found = db.session.execute(
        select(Reader.id).where(Reader.site_id == site.id, Reader.subject == subject)
    ).scalar_one_or_none()
    if found is None:
        address = _address(source.email)
        reader = Reader(site_id=site.id, subject=subject, name=source.name[:100], email=address,
                        email_hash=email_hash(address) if address else None,
                        url=source.url, badges=list(source.badges), verified=source.verified,
                        generation=1, profile_issued_at=0)
        db.session.add(reader)
        db.session.flush()
        found = reader.id
    readers[subject] = found
    return found


def source_reader(data: Any) -> SourceReader | None:
    """A reader as our JSON export writes it, or None when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("subject"), str):
        return None
    badges = data.get("badges")
    url = data.get("url")
    return SourceReader(
        subject=data["subject"][:300],
        name=str(data.get("name") or "")[:100],
        email=_address(data.get("email")),
        badges=[b.strip().lower()[:30] for b in badges if isinstance(b, str) and b.strip()][:10]
        if isinstance(badges, list) else [],
        url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else None,
        verified=data.get("verified") is True,
    )


def _address(value: Any) -> str | None:
    try:
        return normalized_email(value) if isinstance(value, str) and value else None
    except NotAnEmailAddress:
        return None
