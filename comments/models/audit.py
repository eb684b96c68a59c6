"""The audit log: every moderation decision, who made it, and the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import JSONType, UTCDateTime, utcnow


class ModerationEvent(Base):
    """One recorded action on a comment, thread, rule or account."""

    __tablename__ = "moderation_events"
    __table_args__ = (
        Index("ix_moderation_events_site_created", "site_id", "created_at"),
        Index("ix_moderation_events_comment", "comment_id"),
        Index("ix_moderation_events_moderator", "moderator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(String(200))  # "system", "reader", "moderator:<email>"
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
