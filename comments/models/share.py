"""Shares: tracked links and mails that send an article to a friend, and their clicks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import UTCDateTime, utcnow


class Share(Base):
    """One "Send this to a friend": by the reader's mail program (`link`) or by the site (`email`)."""

    __tablename__ = "shares"
    __table_args__ = (Index("ix_shares_site_created", "site_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # link or email
    clicks: Mapped[int] = mapped_column(default=0)
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    sender_hash: Mapped[str | None] = mapped_column(String(64))
    recipient_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_click_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
