"""Every link that leaves a request starts from COMMENTS_PUBLIC_URL, never from the Host a sender typed."""

from __future__ import annotations

import re
import secrets
import time

import pytest

from tests.support.app import sql
from tests.support.mailing import run_once
from tests.support.moderation import make_moderator, set_policy

URI = "/2019/02/08/summit/"
EVIL = "http://evil.example"
PUBLIC = "https://comments.news.example"


def privacy_form_token(client, base_url):
    page = client.get("/privacy/?site=default", base_url=base_url)
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def share_form_token(app):
    from comments.services import tokens

    with app.test_request_context():
        return tokens.sign("form", {"t": time.time() - 10, "j": secrets.token_hex(12)})


def attack(app, client):
    """What a stranger sends with a forged Host: a held comment, a privacy request, shares."""
    from comments.services.sites import update_site

    make_moderator(app, "mod@news.example", role="admin", all_sites=True)
    set_policy(app, moderation="hold_all")
    with app.app_context():
        update_site("default", settings={"share_by_email": True, "min_submit_seconds": 2})
    held = client.post("/api/v1/comments", base_url=EVIL, json={
        "uri": URI, "text": "Please look", "author": "Eve", "email": "victim@example.org",
        "notify_replies": True})
    privacy = client.post("/privacy/", base_url=EVIL, data={
        "site": "default", "email": "victim@example.org", "kind": "export",
        "form_token": privacy_form_token(client, EVIL)})
    link = client.post("/api/v1/shares/links", base_url=EVIL, json={"uri": URI})
    share = client.post("/api/v1/shares", base_url=EVIL, json={
        "uri": URI, "to": "friend@example.org", "from_name": "Eve", "note": "",
        "form_token": share_form_token(app), "hp": ""})
    return held, privacy, link, share


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, SMTP_TIMEOUT=2)
    return config


class TestWithoutPublicUrl:
    @pytest.fixture
    def config(self, config):
        return {**config, "PUBLIC_URL": None}

    def test_a_forged_host_never_reaches_a_mail_and_nothing_is_sent(self, app, client,
                                                                      smtp_server, caplog):
        from comments.errors import NoPublicUrl

        held, privacy, link, share = attack(app, client)
        assert held.status_code == 202  # posting works without mail
        # What only exists to send a link answers 503 and says why.
        assert (link.status_code, link.json["error"]) == (503, "mail_unavailable")
        assert (share.status_code, share.json["error"]) == (503, "mail_unavailable")
        assert privacy.status_code == 503
        stored = " ".join(str(row) for row in sql(app, "SELECT context FROM outbox"))
        assert "evil.example" not in stored
        with pytest.raises(NoPublicUrl):
            run_once(app)
        assert smtp_server.mailbox.messages == []
        assert "COMMENTS_PUBLIC_URL is not set" in caplog.text

    def test_readyz_says_why_no_mail_is_sent(self, client):
        answer = client.get("/readyz")
        assert answer.status_code == 200  # reads and posts work: not a reason to drain
        assert answer.json["mail"] is False
        assert "COMMENTS_PUBLIC_URL is not set" in answer.json["mail_problems"][0]

    def test_the_worker_command_refuses_and_says_why(self, runner):
        result = runner.invoke(["worker", "--once"])
        assert result.exit_code != 0
        assert "COMMENTS_PUBLIC_URL is not set" in result.output


class TestWithPublicUrl:
    @pytest.fixture
    def config(self, config):
        return {**config, "PUBLIC_URL": PUBLIC + "/"}

    def test_every_mailed_link_starts_from_the_public_url_whatever_the_host(self, app, client,
                                                                            smtp_server):
        held, privacy, link, share = attack(app, client)
        assert (held.status_code, privacy.status_code, share.status_code) == (202, 200, 202)
        assert link.json["url"].startswith(PUBLIC + "/s/")
        assert run_once(app).sent == 3  # moderator, privacy confirmation, share
        kinds = set()
        for mail in smtp_server.mailbox.messages:
            text = mail.get_body(("plain",)).get_content()
            html = mail.get_body(("html",)).get_content()
            assert "evil.example" not in text + html + str(mail)
            links = re.findall(r"https?://[^\s\"'<>]+", text)
            ours = [url for url in links if not url.startswith("https://news.example")]
            assert ours and all(url.startswith(PUBLIC + "/") for url in ours), links
            kinds.add(mail["To"])
        assert kinds == {"mod@news.example", "victim@example.org", "friend@example.org"}

    def test_readyz_reports_mail_ready(self, client):
        assert client.get("/readyz").json["mail"] is True
