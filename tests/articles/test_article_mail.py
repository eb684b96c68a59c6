"""No mail carries a title a reader typed: share and confirmation mail, through a real SMTP server."""

from __future__ import annotations

import secrets
import time

import pytest

from tests.support.app import sql
from tests.support.mailing import run_once
from tests.support.moderation import set_policy
from tests.support.publisher import ArticleSite

FORGED = "URGENT: verify your account at https://evil.example/login"
URI = "/2019/02/08/summit/"


@pytest.fixture
def config(config):
    config.update(PUBLIC_URL="https://comments.news.example")
    return config


def form_token(app) -> str:
    from comments.services import tokens

    with app.test_request_context():
        return tokens.sign("form", {"t": time.time() - 10, "j": secrets.token_hex(12)})


def stranger_writes(app, client, site: str = "default", uri: str = URI) -> None:
    """A stranger's first post on an article (with "notify me") and a share, both titled FORGED."""
    posted = client.post("/api/v1/comments", json={
        "site": site, "uri": uri, "title": FORGED, "text": "Nice.", "author": "Eve",
        "email": "victim@example.org", "notify_replies": True})
    assert posted.status_code == 201, posted.json
    shared = client.post("/api/v1/shares", json={
        "site": site, "uri": uri, "title": FORGED, "to": "friend@example.org",
        "from_name": "Eve", "from_email": "eve@example.com", "note": "", "hp": "",
        "form_token": form_token(app)})
    assert shared.status_code == 202, shared.json


def delivered(app, smtp_server) -> list[str]:
    app.config["SMTP_URL"] = smtp_server.url
    assert run_once(app).sent == 2
    texts = []
    for message in smtp_server.mailbox.messages:
        texts.append(str(message["Subject"]) + "\n" + message.get_body(("plain",)).get_content()
                     + message.get_body(("html",)).get_content())
    return texts


def test_an_open_sites_mail_names_the_article_by_its_url_only(app, client, smtp_server):
    set_policy(app, share_by_email=True)
    stranger_writes(app, client)
    mails = delivered(app, smtp_server)
    assert len(mails) == 2
    for text in mails:
        assert "URGENT" not in text and "evil.example" not in text
    confirm, share = sorted(mails, key=lambda text: "Confirm" not in text)
    assert "on https://news.example" + URI in confirm and "Read the article" in share
    # Kept for a moderator to confirm, shown to nobody meanwhile.
    assert sql(app, "SELECT title, title_hint FROM threads") == [("", FORGED)]
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["title"] == ""


def test_a_fetching_sites_mail_names_the_article_by_its_pages_title(app, client, smtp_server,
                                                                   article_site: ArticleSite):
    from comments.extensions import db
    from comments.services.sites import create_site

    with app.app_context():
        create_site("paper", article_site.base_url, name="The Paper",
                    settings={"share_by_email": True})
        db.session.remove()
    article_site.page(URI, "Summit talks end early")
    stranger_writes(app, client, site="paper")
    mails = delivered(app, smtp_server)
    for text in mails:
        assert "URGENT" not in text and "evil.example" not in text
        assert "Summit talks end early" in text
