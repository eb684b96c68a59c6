"""Without SMTP a fresh install writes .eml files, and operators and moderators can list them."""

from __future__ import annotations

from tests.support.mailing import queue, run_once


def test_without_smtp_mail_becomes_eml_files_in_the_instance_folder(app, runner, tmp_path):
    from comments.services.mail import eml_files

    [message_id] = queue(app, recipient="friend@example.org")
    assert run_once(app).sent == 1
    folder = tmp_path / "instance" / "mail"
    [written] = list(folder.glob("*.eml"))
    with app.app_context():
        [listed] = eml_files.list_files()
        mail = eml_files.read_file(listed.name)
    assert listed.name == written.name and listed.message_id == message_id
    assert listed.to == "friend@example.org" and listed.subject.startswith("An article from")
    assert "thinks you would like" in eml_files.body_text(mail)
    output = runner.invoke(args=["mail", "list"]).output
    assert written.name in output and "friend@example.org" in output
    shown = runner.invoke(args=["mail", "show", written.name]).output
    assert f"Message-ID: {message_id}" in shown and "thinks you would like" in shown


def test_a_resent_message_replaces_its_file_instead_of_adding_one(app, tmp_path):
    queue(app)
    run_once(app)
    from tests.support.app import sql

    sql(app, "UPDATE outbox SET status = 'pending', claimed_by = NULL")
    run_once(app)
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_mail_file_names_are_checked_never_used_as_paths(app, runner):
    import pytest

    from comments.errors import NotFound
    from comments.services.mail import eml_files

    with app.app_context():
        for name in ("../secret_key", "/etc/passwd", "0" * 24 + ".eml"):
            with pytest.raises(NotFound):
                eml_files.read_file(name)
        assert eml_files.list_files() == []
    result = runner.invoke(args=["mail", "show", "../secret_key"])
    assert result.exit_code != 0 and "No such mail file" in result.output
    assert "No mail files" in runner.invoke(args=["mail", "list"]).output


def test_digest_command_queues_due_digests(app, runner):
    assert "0 digests queued" in runner.invoke(args=["digest"]).output


def test_finished_mail_is_forgotten_after_the_keep_period(app):
    from datetime import timedelta

    from comments.models.types import utcnow
    from comments.services.mail.outbox import prune_finished_mail
    from tests.support.app import sql

    queue(app, count=4)
    sql(app, "UPDATE outbox SET status = 'sent' WHERE id IN (1, 2)")
    sql(app, "UPDATE outbox SET status = 'failed' WHERE id = 3")
    with app.app_context():
        assert prune_finished_mail(utcnow() + timedelta(days=29)) == 0
        assert prune_finished_mail(utcnow() + timedelta(days=31)) == 3
    assert sql(app, "SELECT id, status FROM outbox") == [(4, "pending")]  # never unsent mail
