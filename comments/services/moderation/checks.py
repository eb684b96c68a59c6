"""The pipeline's screening checks: bans, words, bot signs, links, duplicates, policy, Akismet."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Select, bindparam, func, or_, select

from comments.errors import Banned
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.models.types import utcnow
from comments.services.client import Client
from comments.services.discussion.new_comment import NewComment
from comments.services.discussion.rendering import count_links
from comments.services.form_signs import Stamp, read_signs, spend
from comments.services.moderation import akismet
from comments.services.moderation.pipeline import Submission, Verdict

DUPLICATE_WINDOW = timedelta(days=7)


def check_bans(sub: Submission, verdict: Verdict) -> None:
    """Refuse commenters banned by email, email domain or address range (403)."""
    reason = sub.rules.ban_reason(sub.comment.email, sub.client.address)
    if reason:
        raise Banned()


def check_blocked_words(sub: Submission, verdict: Verdict) -> None:
    """Reject comments with a blocked word; the author is answered as if it were held."""
    rules = sub.rules
    for text in (sub.comment.text, sub.comment.author or "", sub.comment.website or ""):
        word = rules.blocked_word(text)
        if word:
            verdict.mark(CommentStatus.REJECTED, f"blocked word: {word}")
            return


def check_bot_signs(sub: Submission, verdict: Verdict) -> None:
    """The honeypot and the time to submit, carried by the form token the embed issued.

    A request without a form token comes from an API client, not our form: that alone holds
    nothing unless the site sets `require_form_token`. A filled honeypot is spam; a form sent
    faster than a person types, or with a forged or stale token, is held for a look.
    """
    if sub.editing or sub.new is None:
        return
    signs = read_signs(sub.new.form_token, sub.new.hp)
    if signs.honeypot_filled:
        verdict.mark(CommentStatus.SPAM, "bot: honeypot field filled")
        return
    settings = sub.site.settings
    if signs.stamp is Stamp.MISSING:
        if settings.require_form_token:
            verdict.hold("bot: posted without the comment form")
        return
    if signs.stamp is not Stamp.GOOD or signs.elapsed is None:
        verdict.hold("bot: form token invalid or expired")
        return
    if not spend(signs):
        verdict.hold("bot: form token used already")
        return
    elapsed = signs.elapsed
    minimum = settings.min_submit_seconds or 0
    if elapsed < minimum:
        verdict.hold(f"bot: sent {max(elapsed, 0):.1f} s after the form was shown "
                     f"(minimum {minimum} s)")


def check_links(sub: Submission, verdict: Verdict) -> None:
    """Hold comments carrying the site's limit of links or more."""
    limit = sub.site.settings.hold_links
    if limit and count_links(sub.html) >= limit:
        verdict.hold(f"links: {count_links(sub.html)} links (limit {limit})")


def check_duplicates(sub: Submission, verdict: Verdict) -> None:
    """Hold a text already posted in this thread, or by this author anywhere on the site lately.

    Short texts ("Thanks!", "+1") are repeated innocently all the time; spam that is pasted
    around is longer, so only texts of the site's `duplicate_min_length` or more count.
    """
    comment = sub.comment
    minimum = sub.site.settings.duplicate_min_length
    if not minimum or len(comment.text.strip()) < minimum:
        return
    statement = _duplicate_statement(comment.ip_hash is not None, bool(comment.email_hash),
                                     comment.id is not None)
    found = db.session.execute(statement, {
        "site_id": sub.site.id, "text": comment.text, "thread_id": sub.thread.id,
        "ip_hash": comment.ip_hash, "email_hash": comment.email_hash,
        "since": utcnow() - DUPLICATE_WINDOW, "comment_id": comment.id,
    }).first()
    if found:
        verdict.hold("duplicate: the same text was posted before")


@cache
def _duplicate_statement(address_kept: bool, by_email: bool, editing: bool) -> Select[int]:
    """The duplicate check's query, built once for each shape (composing it cost a post more
    than running it); of the tables' columns, so it runs without the ORM's execution steps."""
    comments, threads = Comment.__table__.c, Thread.__table__.c
    same_author = [comments.ip_hash == bindparam("ip_hash") if address_kept
                   else comments.ip_hash.is_(None)]
    if by_email:
        same_author.append(comments.email_hash == bindparam("email_hash"))
    statement = (
        select(comments.id)
        .join(Thread.__table__, threads.id == comments.thread_id)
        .where(
            threads.site_id == bindparam("site_id"),
            comments.text == bindparam("text"),
            comments.status != CommentStatus.DELETED,
            or_(comments.thread_id == bindparam("thread_id"),
                (or_(*same_author)) & (comments.created_at > bindparam("since"))),
        )
        .limit(1)
    )
    if editing:
        statement = statement.where(comments.id != bindparam("comment_id"))
    return statement


def check_held_words(sub: Submission, verdict: Verdict) -> None:
    """Hold comments with a word the site wants a person to look at."""
    rules = sub.rules
    for text in (sub.comment.text, sub.comment.author or ""):
        word = rules.held_word(text)
        if word:
            verdict.hold(f"held word: {word}")
            return


def check_site_policy(sub: Submission, verdict: Verdict) -> None:
    """Apply the site's moderation mode (publish, hold all, first-timers, until N approved).

    Edits pass it too: on a pre-moderated site, text nobody reviewed is never public, however
    it got there. (An approved comment counts toward its own author's approvals, so on a
    first-timer site its author edits freely.)
    """
    settings = sub.site.settings
    mode = settings.moderation
    if mode == "publish":
        return
    if mode == "hold_all":
        verdict.hold("policy: every comment is reviewed")
        return
    from comments.services.identity.authors import trusted_reader

    if trusted_reader(sub.site, sub.comment):
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


def ask_spam_service(new: NewComment, client: Client) -> akismet.Answer | None:
    """Ask Akismet about a new comment before any write lock is taken (None: not asked)."""
    key = current_app.config.get("AKISMET_KEY")
    if not key:
        return None
    site = db.session.execute(select(Site).where(Site.key == new.site)).scalar_one_or_none()
    db.session.commit()  # end the read: nothing is held while we wait on the network
    if site is None or not site.settings.akismet:
        return None
    draft = Comment(author=new.author or "", email=new.email or None,
                    website=new.website, text=new.text, parent_id=new.parent_id)
    return akismet.check(key, site, Thread(uri=new.uri), draft, client)


def check_spam_service(sub: Submission, verdict: Verdict) -> None:
    """Apply Akismet's answer (asked before the transaction); no answer holds the comment."""
    answer = sub.external.get("akismet")
    if answer is None or verdict.status in (CommentStatus.SPAM, CommentStatus.REJECTED):
        return
    if answer is akismet.Answer.SPAM:
        verdict.mark(CommentStatus.SPAM, "akismet: spam")
    elif answer is akismet.Answer.UNKNOWN:
        verdict.hold("akismet: no answer from the spam service, held for review")
