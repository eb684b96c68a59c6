"""Filing a notice (DSA Art. 16): checked, recorded, acknowledged by mail at once; hides nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from comments.database.engine import write_transaction
from comments.errors import BadFormToken, CommentNotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Notice, Site, Thread
from comments.models.types import utcnow
from comments.services import audit
from comments.services.client import Client
from comments.services.form_signs import Stamp, read_signs
from comments.services.hashing import email_hash
from comments.services.mail import outbox
from comments.services.notices import fields
from comments.services.notices.trusted import is_trusted
from comments.services.sites import get_site
from comments.signals import notice_filed

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class NoticeRequest:
    """A notice as the schema shaped it; every text field is untrusted."""

    site: str
    comment_id: int
    law: str
    explanation: str
    reporter_name: str
    reporter_email: str
    good_faith: bool
    form_token: str = ""
    hp: str = ""
    language: str = ""


def new_reference() -> str:
    """A reference a person can read out on the phone: N- and ten unambiguous characters."""
    return "N-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


def file_notice(request: NoticeRequest, client: Client) -> str:
    """Record a notice and queue its receipt in one transaction; the notice's reference."""
    with write_transaction():
        site = get_site(request.site)
        signs = read_signs(request.form_token, request.hp)
        if signs.stamp is Stamp.BAD or (signs.stamp is Stamp.MISSING
                                        and site.settings.require_form_token):
            raise BadFormToken()
        law, explanation, name, email = _checked(request)
        if signs.honeypot_filled:
            return new_reference()  # a bot: the same answer, nothing kept, nobody mailed
        comment, thread = _public_comment(site, request.comment_id)
        notice = Notice(reference=new_reference(), site_id=site.id, comment_id=comment.id,
                        law=law, explanation=explanation, reporter_name=name,
                        reporter_email=email, reporter_email_hash=email_hash(email),
                        good_faith=True, trusted=is_trusted(site, email),
                        language=(request.language or client.language or "en")[:16])
        db.session.add(notice)
        db.session.flush()
        audit.record("notice_filed", actor="reporter", site_id=site.id, comment=comment,
                     after={"reference": notice.reference, "trusted": notice.trusted,
                            "notice_id": notice.id})
        outbox.queue_mail(site=site, recipient=email, template="notice_receipt", kind="notice",
                          language=notice.language,
                          context={"reference": notice.reference, "reporter_name": name,
                                   "title": thread.title or thread.uri, "law": law,
                                   "explanation": explanation,
                                   "received_at": utcnow().strftime("%Y-%m-%d %H:%M UTC")})
        notice_filed.send(notice, site=site, comment=comment)
        return notice.reference


def _checked(request: NoticeRequest) -> tuple[str, str, str, str]:
    errors: dict[str, list[str]] = {}
    law = fields.text(request.law, "law", fields.LAW_MAX, errors, multiline=False)
    explanation = fields.text(request.explanation, "explanation", fields.EXPLANATION_MAX, errors)
    name = fields.text(request.reporter_name, "reporter_name", fields.NAME_MAX, errors,
                       multiline=False)
    email = fields.email(request.reporter_email, "reporter_email", errors)
    if request.good_faith is not True:
        errors["good_faith"] = ["Confirm that the notice is accurate and made in good faith."]
    fields.raise_if(errors)
    return law, explanation, name, email


def _public_comment(site: Site, comment_id: int) -> tuple[Comment, Thread]:
    row = db.session.execute(
        select(Comment, Thread).join(Thread, Thread.id == Comment.thread_id)
        .where(Comment.id == comment_id, Thread.site_id == site.id)
    ).first()
    if row is None or row[0].status != CommentStatus.APPROVED:
        raise CommentNotFound()
    return row[0], row[1]

