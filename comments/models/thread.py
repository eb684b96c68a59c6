"""Threads: one article's conversation, with its visible count and a version for ETags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comments.extensions import Base
from comments.models.site import Site
from comments.models.types import UTCDateTime, utcnow


class Thread(Base):
    """The comments under one article, keyed by the article's path on its site."""

    __tablename__ = "threads"
    __table_args__ = (UniqueConstraint("site_id", "uri"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    uri: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(500), default="")  # the publisher's, never a reader's
    # Article facts (services/articles/): where `title` came from ("page", "publisher",
    # "import", "moderator"), a reader's title awaiting confirmation on an `open` site, and the
    # last reading of the site's page (when, and its HTTP status; 0: no answer).
    title_source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    title_hint: Mapped[str] = mapped_column(String(500), default="", server_default="")
    facts_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    facts_status: Mapped[int | None] = mapped_column()
    closed: Mapped[bool] = mapped_column(default=False)
    count: Mapped[int] = mapped_column(default=0)  # approved comments, the public count
    pending_count: Mapped[int] = mapped_column(default=0)
    featured_count: Mapped[int] = mapped_column(default=0)  # approved editors' picks
    version: Mapped[int] = mapped_column(default=1)  # bumped on every visible change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship(lazy="raise")
