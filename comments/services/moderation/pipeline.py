"""The moderation pipeline every new or edited comment passes, in DESIGN.md's order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.services.client import Client
from comments.services.discussion.new_comment import NewComment
from comments.services.discussion.rendering import count_links


@dataclass
class Submission:
    """Everything the checks may look at for one comment being written."""

    site: Site
    thread: Thread
    comment: Comment
    client: Client
    #: What the reader sent; None for an edit, which changes only the text.
    new: NewComment | None = None
    editing: bool = False
    # Answers of slow outside services, asked before the write transaction began (prechecks).
    external: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verdict:
    """What the pipeline decided: a status and, when held, the reasons."""

    status: str = CommentStatus.APPROVED
    reasons: list[str] = field(default_factory=list)

    def hold(self, reason: str) -> None:
        """Send the comment to the queue for `reason` (unless something stricter already did)."""
        if self.status == CommentStatus.APPROVED:
            self.status = CommentStatus.PENDING
        self.reasons.append(reason)

    def mark(self, status: str, reason: str) -> None:
        """Send the comment straight to `status` (spam or rejected) for `reason`."""
        self.status = status
        self.reasons.append(reason)


Check = Callable[[Submission, Verdict], None]

#: The checks, in order. Other modules insert theirs at the right place with `register`.
CHECKS: list[tuple[int, str, Check]] = []


def register(order: int, name: str) -> Callable[[Check], Check]:
    """Add a check to the pipeline at position `order` (lower runs first)."""

    def decorator(check: Check) -> Check:
        CHECKS[:] = [entry for entry in CHECKS if entry[1] != name]
        CHECKS.append((order, name, check))
        CHECKS.sort(key=lambda entry: entry[0])
        return check

    return decorator


Precheck = Callable[[NewComment, Client], Any]

#: Checks that ask a service over the network. They run before the write transaction opens,
#: so a slow answer never holds the database's write lock; their answers reach the checks
#: through `Submission.external[name]`.
PRECHECKS: dict[str, Precheck] = {}


def register_precheck(name: str) -> Callable[[Precheck], Precheck]:
    """Add a precheck whose answer the pipeline's checks read as `external[name]`."""

    def decorator(precheck: Precheck) -> Precheck:
        PRECHECKS[name] = precheck
        return precheck

    return decorator


def run_prechecks(new: NewComment, client: Client) -> dict[str, Any]:
    """Ask every precheck about a new comment; None answers are left out."""
    answers = {name: precheck(new, client) for name, precheck in PRECHECKS.items()}
    return {name: answer for name, answer in answers.items() if answer is not None}


def run(submission: Submission) -> Verdict:
    """Run every check over the submission; a check may raise to refuse it outright."""
    verdict = Verdict()
    for _order, _name, check in CHECKS:
        check(submission, verdict)
    return verdict


# Order: size/shape 10, closed 20, bans 30, blocked words 40, bot signs 50, links 60,
# duplicates 70, held words 80, site policy 90, spam service 100.


@register(60, "links")
def check_links(sub: Submission, verdict: Verdict) -> None:
    """Hold comments carrying the site's limit of links or more."""
    limit = sub.site.settings.hold_links
    if limit and count_links(sub.comment.html) >= limit:
        verdict.hold(f"links: {count_links(sub.comment.html)} links (limit {limit})")


@register(90, "site_policy")
def check_site_policy(sub: Submission, verdict: Verdict) -> None:
    """Apply the site's moderation mode (publish, hold all, first-timers, until N approved)."""
    settings = sub.site.settings
    mode = settings.moderation
    if mode == "publish" or sub.editing:
        return
    if mode == "hold_all":
        verdict.hold("policy: every comment is reviewed")
        return
    needed = 1 if mode == "hold_first" else max(1, settings.hold_until_approved)
    approved = approved_count(sub.site, sub.comment.email_hash)
    if approved < needed:
        label = "first-time commenter" if mode == "hold_first" else (
            f"author has {approved} approved comments (needs {needed})"
        )
        verdict.hold(f"policy: {label}")


def approved_count(site: Site, email_hash: str | None) -> int:
    """How many approved comments this email address has on this site."""
    if not email_hash:
        return 0
    statement = (
        select(func.count(Comment.id))
        .join(Thread, Thread.id == Comment.thread_id)
        .where(Thread.site_id == site.id, Comment.email_hash == email_hash,
               Comment.status == CommentStatus.APPROVED)
    )
    return int(db.session.execute(statement).scalar_one())
