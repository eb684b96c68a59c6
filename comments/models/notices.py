"""Notices of illegal content, statements of reasons, appeals and trusted flaggers (DSA 16-22)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import UTCDateTime, utcnow


class Notice(Base):
    """Someone's report that a comment is illegal, with the law, an explanation and who they are."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_site_status", "site_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    law: Mapped[str] = mapped_column(String(300))
    explanation: Mapped[str] = mapped_column(Text)
    reporter_name: Mapped[str] = mapped_column(String(100))
    reporter_email: Mapped[str | None] = mapped_column(String(320))
    reporter_email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    good_faith: Mapped[bool] = mapped_column(default=True)
    trusted: Mapped[bool] = mapped_column(default=False)  # filed by a trusted flagger
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open or decided
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Decision(Base):
    """A decision on a comment and its statement of reasons (ground, law or rule, facts)."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_site_created", "site_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # keep, reject, delete, spam, restore
    ground: Mapped[str | None] = mapped_column(String(16))  # illegal or terms; None to keep
    law_or_rule: Mapped[str] = mapped_column(String(300), default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    automated: Mapped[bool] = mapped_column(default=False)
    with_notice: Mapped[bool] = mapped_column(default=False)
    decided_by: Mapped[str] = mapped_column(String(200))
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="SET NULL"))
    author_email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    reverses: Mapped[bool] = mapped_column(default=False)  # an appeal's decision, undoing one
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Appeal(Base):
    """A complaint against a decision by its author or a reporter, decided by someone else."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"),
                                             index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))
    appellant: Mapped[str] = mapped_column(String(16))  # author or reporter
    email: Mapped[str | None] = mapped_column(String(320))
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open or decided
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld or reversed
    reasons: Mapped[str] = mapped_column(Text, default="")
    # The decision on the appeal (a new statement of reasons when the first one is reversed).
    result_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="SET NULL"))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("moderators.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TrustedFlagger(Base):
    """An address (ann@ngo.example) or a whole domain (ngo.example) whose notices go first."""

    __tablename__ = "trusted_flaggers"
    __table_args__ = (UniqueConstraint("site_id", "pattern"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    pattern: Mapped[str] = mapped_column(String(320))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
