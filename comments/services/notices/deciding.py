"""Deciding on notices, and statements for restrictions made without one (DSA Art. 16, 17)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select

from comments.database.engine import write_transaction
from comments.errors import Conflict, Forbidden, NotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Decision, Moderator, Notice, Site, Thread
from comments.models.types import utcnow
from comments.services import audit
from comments.services.discussion.status import change_status
from comments.services.moderation.actions import actor_of
from comments.services.notices import fields, statements

OUTCOMES = ("keep", "reject", "delete")
TARGETS = {"reject": CommentStatus.REJECTED, "delete": CommentStatus.DELETED,
           "spam": CommentStatus.SPAM}
RESTRICTED: dict[str, str] = {str(status): outcome for outcome, status in TARGETS.items()}
#: Set while this package changes a comment's status, so the receiver adds no second statement.
_deciding: ContextVar[bool] = ContextVar("notices_deciding", default=False)


@contextmanager
def deciding() -> Iterator[None]:
    """Status changes inside the block already have their decision and statement."""
    token = _deciding.set(True)
    try:
        yield
    finally:
        _deciding.reset(token)


@dataclass(frozen=True)
class DecisionForm:
    """What a moderator decides: keep or restrict, on which ground, with which facts."""

    outcome: str
    ground: str | None
    law_or_rule: str
    facts: str
    automated: bool = False


def checked(form: DecisionForm, *, outcomes: tuple[str, ...] = OUTCOMES) -> DecisionForm:
    """The form with its texts bounded; a restriction needs a ground and its law or rule."""
    errors: dict[str, list[str]] = {}
    if form.outcome not in outcomes:
        errors["outcome"] = [f"One of {', '.join(outcomes)}."]
    ground = form.ground or None
    restricting = form.outcome not in ("keep", "restore")
    if ground is not None and ground not in fields.GROUNDS:
        errors["ground"] = ["illegal (with the law) or terms (with the rule)."]
    elif restricting and ground is None:
        errors["ground"] = ["A removal needs a ground: illegal or terms."]
    law = fields.text(form.law_or_rule, "law_or_rule", fields.LAW_MAX, errors, multiline=False,
                      required=restricting)
    facts = fields.text(form.facts, "facts", fields.FACTS_MAX, errors)
    fields.raise_if(errors)
    return DecisionForm(form.outcome, ground, law, facts, bool(form.automated))


def open_notices(moderator: Moderator, site_key: str | None = None,
                 limit: int = 200) -> list[tuple[Notice, Comment | None, Thread | None, Site]]:
    """Open notices this moderator may decide: trusted flaggers' first, then oldest first."""
    statement = (
        select(Notice, Comment, Thread, Site).join(Site, Site.id == Notice.site_id)
        .outerjoin(Comment, Comment.id == Notice.comment_id)
        .outerjoin(Thread, Thread.id == Comment.thread_id)
        .where(Notice.status == "open")
        .order_by(case((Notice.trusted.is_(True), 0), else_=1), Notice.created_at, Notice.id)
        .limit(limit)
    )
    if site_key:
        statement = statement.where(Site.key == site_key)
    if not moderator.all_sites:
        statement = statement.where(Site.id.in_([site.id for site in moderator.sites]))
    return [(n, c, t, s) for n, c, t, s in db.session.execute(statement).all()]


def decide_notice(notice_id: int, form: DecisionForm, moderator: Moderator) -> Decision:
    """Decide a notice (and every other open notice on the same comment) in one transaction."""
    form = checked(form)
    with write_transaction():
        notice = db.session.get(Notice, notice_id)
        if notice is None:
            raise NotFound("No such notice.")
        site = db.session.get(Site, notice.site_id)
        assert site is not None
        if not moderator.may_moderate(site.id):
            raise Forbidden("You do not moderate this site.")
        if notice.status != "open":
            raise Conflict("This notice was decided already.")
        comment = db.session.get(Comment, notice.comment_id) if notice.comment_id else None
        if comment is None:
            raise Conflict("The comment is gone; nothing is left to decide.")
        thread = db.session.get(Thread, comment.thread_id)
        assert thread is not None
        notices = list(db.session.execute(
            select(Notice).where(Notice.comment_id == comment.id, Notice.status == "open")
            .order_by(Notice.id)).scalars())
        actor = actor_of(moderator)
        decision = record_decision(comment, thread, site, form, actor=actor,
                                   moderator_id=moderator.id, notices=notices)
        if form.outcome in TARGETS:
            with deciding():
                change_status(comment, thread, site, TARGETS[form.outcome], actor=actor,
                              moderator_id=moderator.id,
                              note=f"notice {notice.reference}: {form.ground}")
        statements.send_statement(decision, comment, thread, site)
        for each in notices:
            statements.answer_reporter(decision, each, thread, site)
        db.session.flush()
        return decision


def record_decision(comment: Comment, thread: Thread, site: Site, form: DecisionForm, *,
                    actor: str, moderator_id: int | None, notices: list[Notice],
                    reverses: bool = False, action: str = "notice_decided") -> Decision:
    """Write the decision, close its notices and put it in the audit log."""
    now = utcnow()
    decision = Decision(site_id=site.id, comment_id=comment.id, outcome=form.outcome,
                        ground=form.ground, law_or_rule=form.law_or_rule, facts=form.facts,
                        automated=form.automated, with_notice=bool(notices), decided_by=actor,
                        moderator_id=moderator_id, author_email_hash=comment.email_hash,
                        reverses=reverses, created_at=now)
    db.session.add(decision)
    db.session.flush()
    for each in notices:
        each.status, each.decided_at, each.decision_id = "decided", now, decision.id
    audit.record(action, actor=actor, site_id=site.id, comment=comment,
                 moderator_id=moderator_id,
                 before={"status": comment.status},
                 after={"decision_id": decision.id, "outcome": form.outcome,
                        "ground": form.ground, "automated": form.automated,
                        "with_notice": bool(notices), "reverses": reverses,
                        "references": [each.reference for each in notices]})
    return decision


def on_status_changed(comment: Comment, *, thread: Thread, site: Site, before: str, after: str,
                      actor: str, **_: Any) -> None:
    """A public comment restricted without a notice (a rule, a ban, flags): its statement."""
    if _deciding.get() or after not in RESTRICTED or before in RESTRICTED:
        return
    if actor in ("reader", "author") or (comment.extra or {}).get("erased"):
        return  # the author's own deletion or erasure is no decision about them
    if before != CommentStatus.APPROVED and not was_public(comment):
        return  # held before anyone saw it: nothing public was restricted
    moderator = actor.startswith("moderator:")
    facts = "; ".join(comment.reasons or []) if not moderator else ""
    form = DecisionForm(outcome=RESTRICTED[after], ground="terms",
                        law_or_rule="The site's comment rules",
                        facts=(facts or "A moderator found that the comment breaks the site's "
                                        "rules.")[:fields.FACTS_MAX],
                        automated=not moderator)
    moderator_id = None
    if moderator:
        moderator_id = db.session.execute(select(Moderator.id).where(
            Moderator.email == actor.removeprefix("moderator:"))).scalar()
    decision = record_decision(comment, thread, site, form, actor=actor,
                               moderator_id=moderator_id, notices=[],
                               action="statement_issued")
    statements.send_statement(decision, comment, thread, site)


def was_public(comment: Comment) -> bool:
    """Whether the comment was ever published (flags or an edit may have sent it back to the queue)."""
    return any((event.before or {}).get("status") == CommentStatus.APPROVED
               for event in audit.events_of_comment(comment.id))


def decision_in_context(decision_id: int) -> tuple[Decision, Comment | None, Thread | None, Site]:
    """A decision with its comment, thread and site (the comment may have been erased)."""
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("No such decision.")
    site = db.session.get(Site, decision.site_id)
    assert site is not None
    comment = db.session.get(Comment, decision.comment_id) if decision.comment_id else None
    thread = db.session.get(Thread, comment.thread_id) if comment is not None else None
    return decision, comment, thread, site


def placeholder_ground(comment_id: int) -> str | None:
    """The ground of the last decision that removed a comment, for its placeholder."""
    row = db.session.execute(
        select(Decision.ground, Decision.outcome).where(Decision.comment_id == comment_id)
        .order_by(Decision.id.desc()).limit(1)).first()
    if row is None or row[1] in ("keep", "restore"):
        return None
    return str(row[0]) if row[0] else None

