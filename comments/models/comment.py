"""Comments, and the votes and flags readers leave on them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import JSONType, UTCDateTime, utcnow


class CommentStatus(enum.StrEnum):
    """Where a comment is in moderation; only approved ones (and placeholders) are public."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


class Comment(Base):
    """One comment: the text as typed, the HTML rendered once at write time, and its status."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_thread_page", "thread_id", "parent_id", "status", "created_at"),
        Index("ix_comments_status_created", "status", "created_at"),
        UniqueConstraint("thread_id", "import_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    # The top-level ancestor, so a page's whole subtree is one query; NULL on top-level comments.
    root_id: Mapped[int | None] = mapped_column(index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=CommentStatus.PENDING)
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)  # why it was held
    pinned: Mapped[bool] = mapped_column(default=False)
    likes: Mapped[int] = mapped_column(default=0)
    dislikes: Mapped[int] = mapped_column(default=0)
    flag_count: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)  # edit tokens are bound to it
    ip_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    avatar_seed: Mapped[str] = mapped_column(String(32), default="")
    notify_replies: Mapped[bool] = mapped_column(default=False)
    import_key: Mapped[str | None] = mapped_column(String(200))  # source:id of an import
    extra: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Identity (services/identity/): who posted, as shown; copied from the reader when written.
    reader_id: Mapped[int | None] = mapped_column(
        ForeignKey("readers.id", ondelete="SET NULL"), index=True)
    verified: Mapped[bool] = mapped_column(default=False)
    # Comma-separated (a read splits a short string instead of parsing JSON on every row).
    badges: Mapped[str] = mapped_column(String(300), default="")
    featured: Mapped[bool] = mapped_column(default=False)  # an editors' pick
    # Who posted, as votes key readers (services/identity/voters.py): own votes are refused.
    author_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_public(self) -> bool:
        """Whether readers may see this comment's content."""
        return self.status == CommentStatus.APPROVED

    @property
    def score(self) -> int:
        """Likes minus dislikes, the order of the "top" sort."""
        return self.likes - self.dislikes


class Vote(Base):
    """One reader's vote on one comment, the reader known only by a keyed hash."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("comment_id", "voter_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    voter_hash: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Flag(Base):
    """A reader's report that a comment breaks the rules."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reporter_hash: Mapped[str] = mapped_column(String(64))
    # The reporter's wider network (services/client.py `operator_network`), keyed and one-way:
    # flags from one network count once towards hiding the comment.
    network_hash: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
