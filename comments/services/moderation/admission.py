"""The pipeline's first checks, which refuse outright: size and shape, an open thread, a reply target."""

from __future__ import annotations

from comments.errors import Invalid, ThreadClosed
from comments.models import CommentStatus
from comments.services.discussion.threads import is_closed
from comments.services.moderation.pipeline import Submission, Verdict


def check_size_and_shape(sub: Submission, verdict: Verdict) -> None:
    """Refuse (422) a missing name or address the site requires, a bad address, too long a text."""
    settings = sub.site.settings
    if sub.new is not None:
        errors: dict[str, list[str]] = {}
        if settings.require_author and not sub.comment.author:
            errors["author"] = ["A name is required on this site."]
        if sub.email_problem:
            errors["email"] = [sub.email_problem]
        elif settings.require_email and not sub.comment.email:
            errors["email"] = ["An email address is required on this site."]
        if errors:
            raise Invalid(errors=errors)
    if len(sub.comment.text) > settings.text_max_length:
        raise Invalid(errors={"text": [f"Longer than {settings.text_max_length} characters."]})


def check_thread_closed(sub: Submission, verdict: Verdict) -> None:
    """Refuse (403) new comments on a thread a moderator closed or the site's age limit did.

    An author may still edit within the window: the comment is already there.
    """
    if not sub.editing and is_closed(sub.site, sub.thread):
        raise ThreadClosed()


def check_reply_target(sub: Submission, verdict: Verdict) -> None:
    """Refuse (422) a reply to a comment of another thread, or to one not published."""
    if sub.new is None or sub.new.parent_id is None:
        return
    parent = sub.parent
    if parent is None or parent.thread_id != sub.thread.id:
        raise Invalid(errors={"parent_id": ["Not a comment of this thread."]})
    if parent.status != CommentStatus.APPROVED:
        raise Invalid(errors={"parent_id": ["This comment cannot be replied to."]})
