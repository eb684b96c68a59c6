"""Statements of reasons (DSA Art. 17) and answers to reporters: the mail, the links, the record."""

from __future__ import annotations

from datetime import timedelta

from comments.extensions import db
from comments.models import Comment, Decision, Notice, Site, Thread
from comments.services import audit, tokens
from comments.services.mail import outbox
from comments.services.public_links import public_url

EXCERPT = 600


def appeal_link(decision: Decision, notice: Notice | None) -> str:
    """The signed link to appeal `decision`, as its author (no notice) or as a notice's reporter."""
    payload = {"d": decision.id, "n": notice.id if notice is not None else None}
    return public_url("/appeal/?token=" + tokens.sign("appeal", payload))


def appeal_until(decision: Decision) -> str:
    """The last day an appeal against `decision` can come (six months)."""
    until = decision.created_at + timedelta(seconds=tokens.PURPOSES["appeal"])
    return until.strftime("%Y-%m-%d")


def decision_context(decision: Decision, thread: Thread) -> dict[str, object]:
    """What every mail about a decision shows (JSON-ready; the templates escape it)."""
    return {"reference": f"D-{decision.id}", "outcome": decision.outcome,
            "ground": decision.ground, "law_or_rule": decision.law_or_rule,
            "facts": decision.facts, "automated": decision.automated,
            "with_notice": decision.with_notice, "title": thread.title or thread.uri,
            "decided_at": decision.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            "appeal_until": appeal_until(decision)}


def send_statement(decision: Decision, comment: Comment, thread: Thread, site: Site) -> None:
    """The statement of reasons to the comment's author, when they left an address."""
    if not comment.email:
        return
    context = decision_context(decision, thread)
    context.update(author=comment.author or "", excerpt=comment.text[:EXCERPT],
                   appeal_url=appeal_link(decision, None))
    outbox.queue_mail(site=site, recipient=comment.email, template="statement",
                      kind="statement", context=context)
    audit.record("statement_sent", actor="system", site_id=site.id, comment=comment,
                 after={"decision_id": decision.id, "to": "author"})


def answer_reporter(decision: Decision, notice: Notice, thread: Thread, site: Site) -> None:
    """Tell one reporter what was decided on their notice, with their own appeal link."""
    if not notice.reporter_email:
        return
    context = decision_context(decision, thread)
    context.update(reference=notice.reference, reporter_name=notice.reporter_name,
                   appeal_url=appeal_link(decision, notice))
    outbox.queue_mail(site=site, recipient=notice.reporter_email, template="notice_outcome",
                      kind="notice", language=notice.language, context=context)
    audit.record("notice_answered", actor="system", site_id=site.id,
                 comment=db.session.get(Comment, notice.comment_id) if notice.comment_id else None,
                 after={"decision_id": decision.id, "reference": notice.reference})
