"""Email sign-in: a 6-digit code over real SMTP, 15 minutes, 5 tries, one answer for every address."""

from __future__ import annotations

import re

import pytest

from tests.support.app import sql
from tests.support.mailing import run_once


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, PUBLIC_URL="https://comments.news.example",
                  SMTP_TIMEOUT=5)
    return config


def ask(client, email="reader@example.org", environ=None):
    return client.post("/api/v1/readers/session", json={"site": "default", "email": email},
                       environ_base=environ or {})


def give(client, code, email="reader@example.org"):
    return client.post("/api/v1/readers/session",
                       json={"site": "default", "email": email, "code": code})


def mailed_code(app, smtp_server) -> str:
    run_once(app)
    mail = smtp_server.mailbox.messages[-1]
    text = mail.get_body(("plain",)).get_content()
    found = re.search(r"Your code: (\d{6})", text)
    assert found, text
    assert found.group(1) in mail["Subject"]
    return found.group(1)


def test_a_mailed_code_signs_the_reader_in_once(app, client, smtp_server):
    response = ask(client)
    assert response.status_code == 202
    assert response.get_json() == {"status": "code_sent"}
    code = mailed_code(app, smtp_server)
    assert smtp_server.mailbox.envelopes[-1][1] == ["reader@example.org"]
    signed_in = give(client, code)
    assert signed_in.status_code == 200
    body = signed_in.get_json()
    assert body["reader"]["verified"] is True
    me = client.get("/api/v1/readers/me", headers={"X-Reader-Token": body["reader_token"]})
    assert me.status_code == 200
    assert give(client, code).status_code == 403  # spent
    # The code is kept only as a keyed hash.
    assert not sql(app, f"SELECT id FROM sign_in_codes WHERE code_hash = '{code}'")


def test_five_wrong_tries_spend_the_code(app, client, smtp_server):
    ask(client)
    code = mailed_code(app, smtp_server)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = give(client, wrong)
        assert response.status_code == 403
        assert response.get_json()["error"] == "bad_code"
    assert give(client, code).status_code == 403


def test_a_code_lives_fifteen_minutes(app, client, smtp_server):
    ask(client)
    code = mailed_code(app, smtp_server)
    sql(app, "UPDATE sign_in_codes SET expires_at = created_at")
    assert give(client, code).status_code == 403


def test_a_new_code_replaces_the_old_one(app, client, smtp_server):
    ask(client)
    first = mailed_code(app, smtp_server)
    ask(client)
    second = mailed_code(app, smtp_server)
    if first != second:
        assert give(client, first).status_code == 403
    assert give(client, second).status_code == 200


def test_the_answer_is_the_same_for_any_address_and_over_quota(app, client, smtp_server):
    answers = {ask(client, email=f"someone{i}@example.org").get_data() for i in range(3)}
    answers.add(ask(client, email="not an address").get_data())
    for _ in range(6):
        answers.add(ask(client).get_data())
    assert len(answers) == 1
    run_once(app)
    to_reader = [env for env in smtp_server.mailbox.envelopes if env[1] == ["reader@example.org"]]
    assert len(to_reader) == 5  # SIGN_IN_CODES_PER_ADDRESS_HOUR


def test_codes_are_limited_per_network(app, client, smtp_server):
    app.config["SIGN_IN_CODES_PER_NETWORK_HOUR"] = 3
    for i in range(5):
        assert ask(client, email=f"n{i}@example.org",
                   environ={"REMOTE_ADDR": f"198.51.100.{i + 1}"}).status_code == 202
    ask(client, email="elsewhere@example.org", environ={"REMOTE_ADDR": "203.0.113.9"})
    run_once(app)
    recipients = sorted(env[1][0] for env in smtp_server.mailbox.envelopes)
    assert recipients == ["elsewhere@example.org", "n0@example.org", "n1@example.org",
                          "n2@example.org"]


def test_a_code_is_bound_to_its_site_and_address(app, client, smtp_server):
    from comments.services.sites import create_site

    with app.app_context():
        create_site("other", "https://other.example")
    ask(client)
    code = mailed_code(app, smtp_server)
    assert give(client, code, email="someone-else@example.org").status_code == 403
    other = client.post("/api/v1/readers/session",
                        json={"site": "other", "email": "reader@example.org", "code": code})
    assert other.status_code == 403
    assert give(client, code).status_code == 200


def test_prune_removes_expired_codes_and_token_ids(app, client, runner, smtp_server):
    ask(client)
    ask(client, email="other@example.org")
    sql(app, "UPDATE sign_in_codes SET expires_at = created_at WHERE id = "
             "(SELECT MIN(id) FROM sign_in_codes)")
    assert "Would remove 1 expired" in runner.invoke(["prune", "--dry-run"]).output
    assert "Removed 1 expired" in runner.invoke(["prune"]).output
    assert sql(app, "SELECT COUNT(*) FROM sign_in_codes") == [(1,)]
