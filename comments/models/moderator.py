"""Moderators and administrators, the sites they look after, and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comments.extensions import Base
from comments.models.site import Site
from comments.models.types import UTCDateTime, utcnow

moderator_sites = Table(
    "moderator_sites",
    Base.metadata,
    Column("moderator_id", ForeignKey("moderators.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True),
)


class Moderator(Base):
    """A person who may moderate: role `admin` or `moderator`, for all sites or some."""

    __tablename__ = "moderators"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="moderator")
    all_sites: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change or "sign out everywhere": older sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mail about held comments: "each" one, a "digest" every `held_mail_minutes`, or "none".
    held_mail: Mapped[str] = mapped_column(String(16), default="each", server_default="each")
    held_mail_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    held_mail_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last digest

    sites: Mapped[list[Site]] = relationship(secondary=moderator_sites, lazy="selectin")

    @property
    def is_admin(self) -> bool:
        """Whether this person may manage moderators, tokens and settings."""
        return self.role == "admin"

    def may_moderate(self, site_id: int) -> bool:
        """Whether this person may act on the given site."""
        return self.all_sites or any(site.id == site_id for site in self.sites)


class ApiToken(Base):
    """A bearer token for integrations; only its hash is kept, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderators.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    moderator: Mapped[Moderator] = relationship(lazy="joined")
