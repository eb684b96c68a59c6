"""Moderation rules: blocked and held words, and bans by email, domain or address range."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import UTCDateTime, utcnow

RULE_KINDS = ("block_word", "hold_word", "ban_email", "ban_domain", "ban_network", "ban_reader")


class Rule(Base):
    """One rule for one site (or every site when `site_id` is NULL), optionally expiring."""

    __tablename__ = "rules"
    __table_args__ = (Index("ix_rules_site_kind", "site_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # one of RULE_KINDS
    pattern: Mapped[str] = mapped_column(String(500))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
