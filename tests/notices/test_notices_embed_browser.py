"""The embed's "Report illegal content" path in Chromium, in English and in German."""

from __future__ import annotations

import pytest

from tests.support.app import sql
from tests.support.embed_host import allow_host, open_article

pytestmark = pytest.mark.browser


def test_a_reader_sends_a_legal_notice_from_the_report_choices(app, live_server, page, post,
                                                              publisher):
    allow_host(app, publisher.url)
    seeded = post(text="A comment someone finds illegal", author="Bert",
                  environ={"REMOTE_ADDR": "10.9.0.1"})
    comment_id = seeded.json["id"]
    frame = open_article(page, live_server, publisher)
    frame.click(f"#comment-{comment_id} .c-flag")
    frame.click(f"#comment-{comment_id} .c-illegal")
    form = f"#comment-{comment_id} form.c-dsa"
    frame.wait_for_selector(form)
    assert frame.query_selector(f"#comment-{comment_id} .c-flagging") is None
    assert frame.inner_text(f"{form} h3") == "Report illegal content"
    frame.fill(f"#c-notice-{comment_id}-law", "<b>StGB</b> § 186")
    frame.fill(f"#c-notice-{comment_id}-explanation", "It states false facts about me.")
    frame.fill(f"#c-notice-{comment_id}-reporter_name", "Rita")
    frame.fill(f"#c-notice-{comment_id}-reporter_email", "rita@example.net")
    frame.click(f"{form} [type=submit]")
    assert frame.get_attribute(f"{form} [name=good_faith]", "aria-invalid") == "true"
    assert sql(app, "SELECT COUNT(*) FROM notices") == [(0,)]
    frame.check(f"{form} [name=good_faith]")
    frame.click(f"{form} [type=submit]")
    inline = frame.wait_for_selector(f"#comment-{comment_id} .c-inline.c-ok")
    [(reference, law, status)] = sql(app, "SELECT n.reference, n.law, c.status FROM notices n "
                                          "JOIN comments c ON c.id = n.comment_id")
    assert inline.inner_text() == f"Received, reference {reference}. We have emailed you a receipt."
    assert law == "<b>StGB</b> § 186" and status == "approved"
    assert frame.query_selector(form) is None
    assert page.problems == []


def test_the_notice_form_speaks_german(app, live_server, page, post, publisher):
    allow_host(app, publisher.url)
    comment_id = post(text="Ein Kommentar", author="Bert",
                      environ={"REMOTE_ADDR": "10.9.0.2"}).json["id"]
    frame = open_article(page, live_server, publisher, lang="de")
    frame.click(f"#comment-{comment_id} .c-flag")
    assert frame.inner_text(f"#comment-{comment_id} .c-illegal") == \
        "Rechtswidriger Inhalt: Meldung nach DSA"
    frame.click(f"#comment-{comment_id} .c-illegal")
    assert frame.inner_text(f"#comment-{comment_id} form.c-dsa h3") == \
        "Rechtswidrige Inhalte melden"
    frame.click(f"#comment-{comment_id} form.c-dsa .c-cancel")
    assert frame.query_selector(f"#comment-{comment_id} form.c-dsa") is None
    assert page.problems == []
