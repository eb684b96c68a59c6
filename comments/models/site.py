"""Sites: one publisher's key, base URL, allowed origins and comment policy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from comments.extensions import Base
from comments.models.types import JSONType, UTCDateTime, utcnow

MODERATION_MODES = ("publish", "hold_all", "hold_first", "hold_until")
# Where an article's title and existence come from: the site's own page, the publisher's API,
# or readers (titles confirmed by a moderator before they are shown). See services/articles/.
ARTICLE_FACTS_MODES = ("fetch", "publisher", "open")
IDENTITY_MODES = ("anyone", "signed_in_or_anyone", "signed_in")


@dataclass
class SiteSettings:
    """A site's policy; every field has the default a fresh site gets."""

    require_author: bool = False
    require_email: bool = False
    edit_window: int = 900  # seconds a reader may edit or delete their comment
    max_depth: int = 5  # nesting shown indented; deeper replies are shown flat
    close_after_days: int | None = None
    text_max_length: int = 10_000
    moderation: str = "publish"  # one of MODERATION_MODES
    hold_until_approved: int = 1  # for "hold_until": approved comments an author needs
    hold_links: int | None = 3  # hold comments with this many links or more
    flag_threshold: int = 3  # networks whose readers must flag a comment to send it to the queue
    min_submit_seconds: int = 3  # faster form submissions are held as bot-like
    require_form_token: bool = False  # hold comments not sent through the embed's form
    akismet: bool = True  # ask Akismet when the install has a key
    duplicate_min_length: int = 48  # hold repeated texts this long or longer (0: never)
    post_limit: str = "5 per minute;30 per hour"
    edit_limit: str = "20 per minute"
    vote_limit: str = "30 per minute;300 per hour"
    flag_limit: str = "10 per minute;50 per hour"
    share_by_email: bool = False
    share_limit_per_client: int = 5  # per day, per client address range
    share_limit_per_sender: int = 5  # per day
    share_limit_per_recipient: int = 2  # per day
    share_limit_per_site: int = 500  # per day
    erase_text: bool = False  # whether erasure removes a reader's text too
    retention_ip_days: int = 90
    retention_spam_days: int = 30
    article_facts: str = "fetch"  # one of ARTICLE_FACTS_MODES
    new_threads_per_network: int = 20  # per day, on an `open` site: threads one network may start
    # Readers' identity (services/identity/): who may post, vote and flag (IDENTITY_MODES).
    identity: str = "anyone"
    email_sign_in: bool = True  # the embed offers sign-in by emailed code (unless identity=anyone)
    # Seconds a signed-in reader may edit their own comment (deleting it has no limit).
    reader_edit_window: int = 7 * 24 * 3600
    # Verified readers with this many approved comments skip the hold of hold_first/hold_until.
    trust_verified_after: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SiteSettings:
        """Build settings from stored JSON, ignoring keys this version does not know."""
        return cls(**{k: v for k, v in (data or {}).items() if k in _KNOWN_SETTINGS})

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready data."""
        return asdict(self)


# The names from_dict keeps (a site's settings are read several times a post).
_KNOWN_SETTINGS = frozenset(f.name for f in fields(SiteSettings))


class Site(Base):
    """A publisher's site: articles live under `base_url`, embeds run on `allowed_origins`."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    base_url: Mapped[str] = mapped_column(String(500))
    allowed_origins: Mapped[list[str]] = mapped_column(JSONType, default=list)
    mail_from: Mapped[str | None] = mapped_column(String(320))
    settings_data: Mapped[dict[str, Any]] = mapped_column("settings", JSONType, default=dict)
    # The publisher's single sign-on key: an HS256 secret, or a PEM public key (RS256/EdDSA).
    sso_secret: Mapped[str | None] = mapped_column(String(200))
    sso_public_key: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def settings(self) -> SiteSettings:
        """The site's policy with defaults filled in."""
        return SiteSettings.from_dict(self.settings_data)

    @settings.setter
    def settings(self, value: SiteSettings) -> None:
        self.settings_data = value.to_dict()

    def article_url(self, uri: str) -> str:
        """The absolute URL of the article at `uri` on this site."""
        return self.base_url.rstrip("/") + uri
