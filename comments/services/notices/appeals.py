"""Appeals (DSA Art. 20): filed through a signed link within six months, decided by another person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from comments.database.engine import write_transaction
from comments.errors import BadLink, Conflict, Forbidden, NotFound
from comments.extensions import db
from comments.models import Appeal, Comment, CommentStatus, Decision, Moderator, Notice, Site, Thread
from comments.models.types import utcnow
from comments.services import audit, tokens
from comments.services.discussion.status import change_status
from comments.services.hashing import email_hash
from comments.services.mail import outbox
from comments.services.moderation.actions import actor_of
from comments.services.notices import fields
from comments.services.notices.deciding import (
    TARGETS,
    DecisionForm,
    checked,
    deciding,
    decision_in_context,
    record_decision,
)


@dataclass(frozen=True)
class AppealRuling:
    """A second moderator's answer: whether the first decision is reversed, and why."""

    reverse: bool
    reasons: str
    #: When a kept comment is removed on appeal: the ground and its law or rule.
    ground: str | None = None
    law_or_rule: str = ""


def read_link(token: str) -> tuple[int, int | None]:
    """The decision and the notice (None: the author's link) an appeal link is for."""
    try:
        payload = tokens.unsign("appeal", token)
        notice_id = payload.get("n")
        return int(payload["d"]), int(notice_id) if notice_id is not None else None
    except tokens.ExpiredToken as error:
        raise BadLink("The six months to appeal this decision are over.") from error
    except (tokens.InvalidToken, KeyError, TypeError, ValueError, AttributeError) as error:
        raise BadLink() from error


def decision_of_link(token: str) -> Decision:
    """The decision an appeal link contests (for the appeal page)."""
    decision_id, _notice_id = read_link(token)
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        raise BadLink()
    return decision


def file_appeal(token: str, explanation: str) -> Appeal:
    """Record an appeal from the link of a statement or of a reporter's answer."""
    decision_id, notice_id = read_link(token)
    errors: dict[str, list[str]] = {}
    text = fields.text(explanation, "explanation", fields.EXPLANATION_MAX, errors)
    fields.raise_if(errors)
    with write_transaction():
        decision, comment, _thread, site = decision_in_context(decision_id)
        notice = db.session.get(Notice, notice_id) if notice_id is not None else None
        if notice_id is not None and (notice is None or notice.decision_id != decision.id):
            raise BadLink()
        email = notice.reporter_email if notice is not None else (
            comment.email if comment is not None else None)
        appellant = "reporter" if notice is not None else "author"
        same_person = (Appeal.notice_id == notice.id if notice is not None
                       else Appeal.notice_id.is_(None))
        pending = db.session.execute(select(Appeal.id).where(
            Appeal.decision_id == decision.id, same_person, Appeal.status == "open")).first()
        if pending is not None:
            raise Conflict("An appeal against this decision is already waiting.")
        appeal = Appeal(site_id=site.id, decision_id=decision.id,
                        notice_id=notice.id if notice else None, appellant=appellant,
                        email=email, email_hash=email_hash(email) if email else None,
                        explanation=text)
        db.session.add(appeal)
        db.session.flush()
        audit.record("appeal_filed", actor=appellant, site_id=site.id, comment=comment,
                     after={"appeal_id": appeal.id, "decision_id": decision.id})
        return appeal


def open_appeals(moderator: Moderator, limit: int = 200) -> list[tuple[Appeal, Decision]]:
    """Appeals waiting for a decision on this moderator's sites, oldest first."""
    statement = (select(Appeal, Decision).join(Decision, Decision.id == Appeal.decision_id)
                 .where(Appeal.status == "open").order_by(Appeal.created_at, Appeal.id)
                 .limit(limit))
    if not moderator.all_sites:
        statement = statement.where(Appeal.site_id.in_([site.id for site in moderator.sites]))
    return [(a, d) for a, d in db.session.execute(statement).all()]


def decide_appeal(appeal_id: int, ruling: AppealRuling, moderator: Moderator) -> Appeal:
    """Uphold or reverse the first decision; never by the one who made it. Both sides are told."""
    errors: dict[str, list[str]] = {}
    reasons = fields.text(ruling.reasons, "reasons", fields.FACTS_MAX, errors)
    fields.raise_if(errors)
    with write_transaction():
        appeal = db.session.get(Appeal, appeal_id)
        if appeal is None:
            raise NotFound("No such appeal.")
        decision, comment, thread, site = decision_in_context(appeal.decision_id)
        if not moderator.may_moderate(site.id):
            raise Forbidden("You do not moderate this site.")
        actor = actor_of(moderator)
        if decision.decided_by == actor or decision.moderator_id == moderator.id:
            raise Forbidden("An appeal is decided by someone other than the first decision's "
                            "moderator.")
        if appeal.status != "open":
            raise Conflict("This appeal was decided already.")
        restored = False
        if ruling.reverse:
            if comment is None or thread is None:
                raise Conflict("The comment is gone; the decision cannot be reversed.")
            restored = decision.outcome != "keep"
            form = (DecisionForm("restore", None, "", reasons) if restored else checked(
                DecisionForm("reject", ruling.ground, ruling.law_or_rule, reasons),
                outcomes=("reject",)))
            result = record_decision(comment, thread, site, form, actor=actor,
                                     moderator_id=moderator.id, notices=[], reverses=True,
                                     action="appeal_reversal")
            target = CommentStatus.APPROVED if restored else TARGETS["reject"]
            with deciding():
                change_status(comment, thread, site, target, actor=actor,
                              moderator_id=moderator.id, note=f"appeal {appeal.id}")
            appeal.result_decision_id = result.id
        appeal.status, appeal.outcome = "decided", "reversed" if ruling.reverse else "upheld"
        appeal.reasons, appeal.decided_by = reasons, actor
        appeal.moderator_id, appeal.decided_at = moderator.id, utcnow()
        audit.record("appeal_decided", actor=actor, site_id=site.id, comment=comment,
                     moderator_id=moderator.id,
                     after={"appeal_id": appeal.id, "decision_id": decision.id,
                            "outcome": appeal.outcome, "reversed": ruling.reverse})
        _tell_both_sides(appeal, decision, comment, thread, site, restored)
        db.session.flush()
        return appeal


def _tell_both_sides(appeal: Appeal, decision: Decision, comment: Comment | None,
                     thread: Thread | None, site: Site, restored: bool) -> None:
    recipients: list[tuple[str, str]] = []
    if comment is not None and comment.email:
        recipients.append((comment.email, "en"))
    for notice in db.session.execute(select(Notice).where(
            Notice.decision_id == decision.id).order_by(Notice.id)).scalars():
        if notice.reporter_email:
            recipients.append((notice.reporter_email, notice.language))
    title = (thread.title or thread.uri) if thread is not None else ""
    for address, language in recipients:
        outbox.queue_mail(site=site, recipient=address, template="appeal_outcome",
                          kind="statement", language=language,
                          context={"reference": f"D-{decision.id}", "title": title,
                                   "reversed": appeal.outcome == "reversed",
                                   "restored": restored, "reasons": appeal.reasons})
    audit.record("appeal_answered", actor="system", site_id=site.id, comment=comment,
                 after={"appeal_id": appeal.id, "told": len(recipients)})
