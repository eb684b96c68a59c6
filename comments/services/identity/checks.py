"""Identity's checks in the moderation pipeline: bans that target a signed-in reader."""

from __future__ import annotations

from comments.errors import Banned
from comments.services.moderation.pipeline import Submission, Verdict


def check_reader_ban(sub: Submission, verdict: Verdict) -> None:
    """Refuse a signed-in reader banned by a `ban_reader` rule (their reader id) (403).

    The site's rules are already loaded for the other bans (one query per submission).
    """
    reader_id = sub.comment.reader_id
    if reader_id is not None and str(reader_id) in sub.rules.readers:
        raise Banned()
