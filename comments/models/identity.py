"""Readers' identity: signed-in readers, the SSO token ids already seen, email sign-in codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import JSONType, UTCDateTime, utcnow


class Reader(Base):
    """A reader of one site who signed in: through the publisher's SSO or an emailed code.

    `subject` is how the site knows them: `sso:<the publisher's stable user id>` or
    `email:<the normalized address>`. Reader tokens carry `generation`; raising it signs the
    reader out everywhere.
    """

    __tablename__ = "readers"
    __table_args__ = (UniqueConstraint("site_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    url: Mapped[str | None] = mapped_column(String(500))
    badges: Mapped[list[str]] = mapped_column(JSONType, default=list)
    verified: Mapped[bool] = mapped_column(default=True)
    generation: Mapped[int] = mapped_column(default=1)
    # The `iat` of the newest SSO token seen: only a newer one may change name and badges.
    profile_issued_at: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: Not a column: whether the reader's address is a moderator's of their site, when the
    #: reader was loaded with it (sessions.reader_of_token); None when not known yet.
    is_staff = None


class SeenTokenId(Base):
    """An SSO token's `jti`, kept until the token expires so that it is accepted only once."""

    __tablename__ = "seen_token_ids"
    __table_args__ = (UniqueConstraint("site_id", "jti_hash"),
                      Index("ix_seen_token_ids_expires_at", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    jti_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignInCode(Base):
    """A 6-digit code mailed to an address, kept only as a keyed hash; few tries, short life."""

    __tablename__ = "sign_in_codes"
    __table_args__ = (Index("ix_sign_in_codes_lookup", "site_id", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    email_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    tries_left: Mapped[int] = mapped_column(default=5)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
