"""The moderation pipeline: what a check sees and decides, and running the installed checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import Flask, current_app

from comments.models import Comment, CommentStatus, Site, Thread
from comments.services.client import Client
from comments.services.discussion.new_comment import NewComment
from comments.services.discussion.rendering import render
from comments.services.moderation.rules import RuleSet, load_rules


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
    #: Why the address the reader typed is not one (judged by the size-and-shape check).
    email_problem: str | None = None
    #: The comment a reply answers, as found by its id (judged by the reply-target check).
    parent: Comment | None = None
    # Answers of slow outside services, asked before the write transaction began (prechecks).
    external: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def html(self) -> str:
        """The comment's text rendered, once, and only when a check reads it (after the size)."""
        return render(self.comment.text)

    @cached_property
    def rules(self) -> RuleSet:
        """The site's rules, loaded once per submission (one query) and never kept beyond it."""
        return load_rules(self.site.id)


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


#: A check looks at the submission and holds or marks it in the verdict, or raises to refuse it.
Check = Callable[[Submission, Verdict], None]
#: A precheck asks a service over the network before the write transaction opens, so a slow
#: answer never holds the database's write lock; the checks read it as `external[name]`.
Precheck = Callable[[NewComment, Client], Any]


@dataclass(frozen=True)
class Pipeline:
    """The checks an app runs, in order, and its prechecks by name."""

    checks: tuple[Check, ...]
    prechecks: tuple[tuple[str, Precheck], ...]


def init_app(app: Flask, checks: Iterable[Check], prechecks: Mapping[str, Precheck]) -> None:
    """Install the app's checks (run in the order given) and prechecks."""
    app.extensions["comments.pipeline"] = Pipeline(tuple(checks), tuple(prechecks.items()))


def _installed() -> Pipeline:
    pipeline: Pipeline = current_app.extensions["comments.pipeline"]
    return pipeline


def run_prechecks(new: NewComment, client: Client) -> dict[str, Any]:
    """Ask every precheck about a new comment; None answers are left out."""
    answers = {name: precheck(new, client) for name, precheck in _installed().prechecks}
    return {name: answer for name, answer in answers.items() if answer is not None}


def run(submission: Submission) -> Verdict:
    """Run every check over the submission, in order; a check may raise to refuse it outright."""
    verdict = Verdict()
    for check in _installed().checks:
        check(submission, verdict)
    return verdict
