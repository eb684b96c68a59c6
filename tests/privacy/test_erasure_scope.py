"""Erasing an address on one site touches that site's rows only: mail, shares, earlier requests."""

from __future__ import annotations

from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_site, make_token

EMAIL = "reader@example.org"


def other_sites_rows(app):
    """The reader's rows on site `other`: a waiting mail, a share and an earlier request."""
    from comments.database.engine import write_transaction
    from comments.models import PrivacyRequest, Share
    from comments.services.discussion.threads import ensure_thread
    from comments.services.hashing import email_hash
    from comments.services.mail.outbox import queue_mail
    from comments.services.sites import get_site

    with app.app_context(), write_transaction() as session:
        site = get_site("other")
        thread = ensure_thread(site, "/elsewhere/", "Elsewhere")
        queue_mail(site=site, recipient=EMAIL, template="share", context={"x": 1}, kind="share")
        session.add(Share(site_id=site.id, thread_id=thread.id, kind="email", clicks=0,
                          sender_hash=email_hash(EMAIL), recipient_hash=email_hash(EMAIL)))
        session.add(PrivacyRequest(site_id=site.id, email_hash=email_hash(EMAIL), kind="export",
                                   status="requested", requested_by="reader"))


def test_a_one_site_moderator_erasing_an_address_leaves_other_sites_alone(app, client, post):
    make_site(app, "other")
    token = make_token(app, make_moderator(app, "mod@news.example", sites=["default"]))
    post(text="Mine", email=EMAIL, author="Reader")
    other_sites_rows(app)
    before = sql(app, "SELECT recipient, status, context FROM outbox ORDER BY id")
    gone = client.post("/api/v1/moderation/privacy/erase",
                       json={"email": EMAIL, "site": "default", "erase_text": False},
                       headers=bearer(token))
    assert gone.status_code == 200 and gone.json["comments"] == 1
    assert sql(app, "SELECT recipient, status, context FROM outbox ORDER BY id") == before
    assert sql(app, "SELECT sender_hash IS NOT NULL, recipient_hash IS NOT NULL FROM shares"
               ) == [(True, True)]
    assert sql(app, "SELECT email_hash <> '' FROM privacy_requests WHERE requested_by = 'reader'"
               ) == [(True,)]
