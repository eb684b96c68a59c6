"""Delivering the outbox over real SMTP: headers, both parts, retries, bounces and TLS."""

from __future__ import annotations

import time

import pytest

from comments.services.mail.compose import TEMPLATE_ROOT
from tests.support.app import sql
from tests.support.mailing import outbox, queue, run_once
from tests.support.smtp import self_signed_certificate, start_server

FAST = {"MAIL_RETRY_BASE_SECONDS": 0.2, "MAIL_RETRY_MAX_SECONDS": 0.4, "SMTP_TIMEOUT": 2}


@pytest.fixture
def config(config, smtp_server):
    config.update(FAST, SMTP_URL=smtp_server.url, PUBLIC_URL="https://comments.news.example")
    return config


def test_a_reader_mail_arrives_with_the_right_headers_and_both_parts(app, smtp_server):
    sql(app, "UPDATE sites SET mail_from = 'letters@news.example'")
    [message_id] = queue(app)
    assert run_once(app).sent == 1
    [mail] = smtp_server.mailbox.messages
    assert mail["Message-ID"] == message_id
    assert mail["From"].addresses[0].addr_spec == "letters@news.example"
    assert mail["From"].addresses[0].display_name == "The Example Times"
    assert mail["To"] == "friend@example.org"
    assert mail["Subject"] == "An article from The Example Times, sent by a reader"
    assert mail["Auto-Submitted"] == "auto-generated"
    unsubscribe = mail["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://comments.news.example/mail/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire as one plain line: providers do not decode encoded words in this header.
    raw_line = next(line for line in smtp_server.mailbox.raw[0].split(b"\r\n")
                    if line.startswith(b"List-Unsubscribe:"))
    assert raw_line == b"List-Unsubscribe: " + unsubscribe.encode()
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Ann <script> thinks you would like" in text and "Read this & <that>" in text
    assert "Ann &lt;script&gt;" in html and "Read this &amp; &lt;that&gt;" in html
    assert "<script>" not in html and "Summit &lt;b&gt;talks&lt;/b&gt;" in html
    assert smtp_server.mailbox.envelopes == [("letters@news.example", ["friend@example.org"])]
    [(_id, status, attempts, *_rest)] = outbox(app)
    assert (status, attempts) == ("sent", 1)


def test_without_a_site_address_the_configured_default_sender_is_used(app, smtp_server):
    queue(app)
    run_once(app)
    assert smtp_server.mailbox.messages[0]["From"].addresses[0].addr_spec == \
        "comments@comments.news.example"


def test_moderator_mail_carries_no_reader_unsubscribe(app, smtp_server):
    queue(app, kind="moderation", recipient="mod@news.example")
    run_once(app)
    [mail] = smtp_server.mailbox.messages
    assert "List-Unsubscribe" not in mail and mail["Auto-Submitted"] == "auto-generated"


def test_a_451_is_retried_later_with_the_same_message_id(app, smtp_server):
    app.config.update(MAIL_RETRY_BASE_SECONDS=1, MAIL_RETRY_MAX_SECONDS=1)  # 0.5 to 1 s
    smtp_server.mailbox.script = ["451 4.7.1 greylisted, try later"]
    [message_id] = queue(app)
    tally = run_once(app)
    assert (tally.sent, tally.retried) == (0, 1)
    [(_id, status, attempts, _to, _mid, error, _kind)] = outbox(app)
    assert (status, attempts) == ("pending", 1) and "451" in error
    assert run_once(app).sent == 0  # not due yet: backing off
    time.sleep(1.05)
    assert run_once(app).sent == 1
    assert smtp_server.mailbox.message_ids == [message_id]


def test_a_550_fails_for_good_and_suppresses_the_address(app, smtp_server):
    smtp_server.mailbox.script = ["550 5.1.1 no such user"]
    queue(app, recipient="gone@example.org")
    assert run_once(app).failed == 1
    assert [row[1] for row in outbox(app)] == ["failed"]
    assert len(sql(app, "SELECT id FROM suppressions WHERE reason = 'bounced'")) == 1
    queue(app, recipient="Gone@example.org")
    tally = run_once(app)
    assert (tally.sent, tally.skipped) == (0, 1)
    assert smtp_server.mailbox.messages == []
    assert [row[1] for row in outbox(app)] == ["failed", "suppressed"]


def test_a_disconnect_during_data_is_retried(app, smtp_server):
    smtp_server.mailbox.script = ["drop"]
    [message_id] = queue(app)
    assert run_once(app).retried == 1
    time.sleep(0.45)
    assert run_once(app).sent == 1
    assert smtp_server.mailbox.message_ids == [message_id]


def test_a_server_slower_than_the_timeout_is_retried(app, smtp_server):
    app.config["SMTP_TIMEOUT"] = 0.5
    smtp_server.mailbox.script = [("slow", 3.0)]
    [message_id] = queue(app)
    started = time.monotonic()
    assert run_once(app).retried == 1
    assert time.monotonic() - started < 2.5  # the worker gave up waiting, it did not hang
    time.sleep(0.45)
    assert run_once(app).sent == 1
    assert smtp_server.mailbox.message_ids == [message_id]


def test_temporary_failures_give_up_after_the_last_attempt(app, smtp_server):
    app.config.update(MAIL_MAX_ATTEMPTS=2, MAIL_RETRY_BASE_SECONDS=0.01)
    smtp_server.mailbox.script = ["421 4.3.2 closing"] * 2
    queue(app)
    run_once(app)
    time.sleep(0.05)
    run_once(app)
    [(_id, status, attempts, _to, _mid, error, _kind)] = outbox(app)
    assert (status, attempts) == ("failed", 2) and error.startswith("gave up")
    assert sql(app, "SELECT id FROM suppressions") == []


def test_a_message_that_cannot_be_built_fails_without_sending(app, smtp_server):
    queue(app, recipient="victim@example.org\r\nBcc: everyone@example.org")
    queue(app, template="../../etc/passwd")
    assert run_once(app).failed == 2
    assert smtp_server.mailbox.messages == []


def test_backoff_doubles_with_jitter_and_is_capped(app):
    from comments.services.mail.worker import retry_delay

    app.config.update(MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=600)
    with app.app_context():
        delays = {attempt: [retry_delay(attempt) for _ in range(200)] for attempt in (1, 2, 3, 8)}
    assert min(delays[1]) >= 30 and max(delays[1]) <= 60
    assert min(delays[2]) >= 60 and max(delays[2]) <= 120
    assert min(delays[3]) >= 120 and max(delays[3]) <= 240
    assert min(delays[8]) >= 300 and max(delays[8]) <= 600
    assert len(set(delays[3])) > 100  # jittered, not one value


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_tls_relays_with_a_password(app, tmp_path, scheme):
    certificate = self_signed_certificate(tmp_path)
    server = start_server(scheme, certificate, credentials=("relay-user", "p@ss:word"))
    try:
        url = server.url.replace("p@ss:word", "p%40ss%3Aword")
        app.config.update(SMTP_URL=url, SMTP_CA_FILE=str(certificate[0]))
        [message_id] = queue(app)
        assert run_once(app).sent == 1
        assert server.mailbox.message_ids == [message_id]
        # A wrong password is our misconfiguration: retried, never blamed on the reader.
        app.config["SMTP_URL"] = url.replace("relay-user", "someone-else")
        queue(app)
        assert run_once(app).retried == 1
        assert sql(app, "SELECT id FROM suppressions") == []
    finally:
        server.stop()


def test_tls_to_an_untrusted_certificate_is_refused_and_retried(app, tmp_path):
    certificate = self_signed_certificate(tmp_path)
    server = start_server("smtps", certificate)
    try:
        app.config.update(SMTP_URL=server.url)
        queue(app)
        assert run_once(app).retried == 1
        assert server.mailbox.messages == []
    finally:
        server.stop()


def test_a_broken_template_or_sender_fails_that_message_and_the_worker_goes_on(app, smtp_server):
    broken = TEMPLATE_ROOT / "test_broken.subject.txt"
    for part, body in (("subject.txt", "{{ 1 / 0 }}"), ("txt", "x"), ("html", "x")):
        (TEMPLATE_ROOT / f"test_broken.{part}").write_text(body)
    try:
        queue(app, template="test_broken")
        [good] = queue(app)
        tally = run_once(app)
    finally:
        for part in ("subject.txt", "txt", "html"):
            (TEMPLATE_ROOT / f"test_broken.{part}").unlink()
    assert (tally.sent, tally.failed) == (1, 1) and broken.parent.exists()
    assert smtp_server.mailbox.message_ids == [good]
    assert "ZeroDivisionError" in outbox(app)[0][5]
    sql(app, "UPDATE sites SET mail_from = :bad", bad="news@example.org\r\nBcc: x@evil.example")
    app.config["MAIL_FROM"] = "not an address"
    queue(app)
    assert run_once(app).failed == 1
    assert "no valid sender" in outbox(app)[-1][5]


@pytest.mark.parametrize("name", ["Zeitung für Ölkunde", 'The "Quoted", Times', "Times Bcc: all@example.org"])
def test_each_site_sends_under_its_own_name_though_repeated_headers_are_shared(app, smtp_server, name):
    # compose.py parses a repeated header (From, MIME headers) once and shares it between
    # mails: two sites in one run must still each get their own sender, encoded right.
    from comments.services.sites import create_site

    with app.app_context():
        create_site("second", "https://second.example", name=name)
    sql(app, "UPDATE sites SET mail_from = 'letters@news.example'")
    queue(app)
    queue(app, site_key="second")
    queue(app)
    assert run_once(app).sent == 3
    names = [mail["From"].addresses[0].display_name for mail in smtp_server.mailbox.messages]
    assert sorted(names) == sorted(["The Example Times", "The Example Times", name])
    for raw in smtp_server.mailbox.raw:
        assert all(ord(" ") <= byte < 127 or byte in b"\r\n\t" for byte in raw.split(b"\r\n\r\n")[0])
