"""The pipeline's checks in DESIGN.md's order, and its prechecks: create_app installs these."""

from __future__ import annotations

from comments.services.identity import checks as identity_checks
from comments.services.moderation import admission, checks
from comments.services.moderation.pipeline import Check, Precheck

#: Refusals first (they raise), then the screening that holds or marks, the spam service last.
CHECKS: tuple[Check, ...] = (
    admission.check_size_and_shape,
    admission.check_thread_closed,
    # A reply's target is judged once the thread is known to be open, as clients always saw.
    admission.check_reply_target,
    checks.check_bans,
    identity_checks.check_reader_ban,
    checks.check_blocked_words,
    checks.check_bot_signs,
    checks.check_links,
    checks.check_duplicates,
    checks.check_held_words,
    checks.check_site_policy,
    checks.check_spam_service,
)

#: Asked before the write transaction; `check_spam_service` reads the answer as external["akismet"].
PRECHECKS: dict[str, Precheck] = {
    "akismet": checks.ask_spam_service,
}
