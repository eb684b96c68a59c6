"""The Notices tab in a real Chromium: trusted first, decide, a second moderator on appeal, figures."""

from __future__ import annotations

import pytest

from tests.notices.support import PUBLIC, appeal_token, deliver, notice_body, public_comment, status_of, to
from tests.support.moderation import PASSWORD, make_moderator

pytestmark = pytest.mark.browser
HOSTILE = "<img src=x onerror=alert('law')>"


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, PUBLIC_URL=PUBLIC, SMTP_TIMEOUT=2)
    return config


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/moderate/signin")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button:has-text("Sign in")')
    page.wait_for_url(f"{live_server.url}/moderate/")


def test_notices_are_decided_in_the_ui_and_an_appeal_by_another_moderator_reverses(
        app, client, admin, live_server, page, smtp_server):
    from comments.services.notices import trusted

    make_moderator(app, "second@example.com", sites=["default"])
    with app.app_context():
        trusted.add_flagger("default", "hotline.example", "test")
    comment_id = public_comment(client)
    assert client.post("/api/v1/notices", json=notice_body(
        comment_id, law=HOSTILE, explanation="</dd><script>alert('x')</script>")).status_code == 202
    assert client.post("/api/v1/notices", json=notice_body(
        comment_id, reporter_email="desk@hotline.example", reporter_name="Hotline")
    ).status_code == 202
    deliver(app, smtp_server)

    sign_in(page, live_server, "admin@example.com")
    page.click('.tabs a:has-text("Notices")')
    notices = page.locator("article.notice")
    assert notices.count() == 2
    assert "Trusted flagger" in notices.first.inner_text()  # filed later, listed first
    assert HOSTILE in notices.nth(1).locator(".law").inner_text()  # shown as text
    assert status_of(app, comment_id) == "approved"  # the notices hid nothing
    form = notices.first.locator("form.decide")
    form.locator('select[name="outcome"]').select_option("delete")
    form.locator('select[name="ground"]').select_option("illegal")
    form.locator('input[name="law_or_rule"]').fill("StGB § 130")
    form.locator('textarea[name="facts"]').fill("Calls for violence against a group.")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "Notice decided: delete" in page.locator(".flash").inner_text()
    assert page.locator("article.notice").count() == 0  # both notices on it are answered
    assert status_of(app, comment_id) == "deleted"
    mail = deliver(app, smtp_server)
    assert len(to(mail, "author@example.org")) == 1
    assert len(to(mail, "rita@example.net")) == 1 and len(to(mail, "desk@hotline.example")) == 1

    token = appeal_token(to(mail, "author@example.org")[0])
    assert client.post("/api/v1/appeals", json={"token": token,
                                                "explanation": "Satire."}).status_code == 202
    page.reload()
    appeal = page.locator("article.appeal")
    assert "another moderator decides" in appeal.inner_text()
    assert appeal.locator("form.rule").count() == 0

    page.context.clear_cookies()
    sign_in(page, live_server, "second@example.com")
    page.goto(f"{live_server.url}/moderate/notices")
    form = page.locator("article.appeal form.rule")
    form.locator('select[name="reverse"]').select_option("yes")
    form.locator('textarea[name="reasons"]').fill("Satire, clear from the article.")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    assert "reversed" in page.locator(".flash").inner_text()
    assert status_of(app, comment_id) == "approved"
    told = deliver(app, smtp_server)
    assert sorted(m["To"].addresses[0].addr_spec for m in told) == [
        "author@example.org", "desk@hotline.example", "rita@example.net"]

    page.click('.tabs a:has-text("Transparency")')
    figure = {key: page.locator(f"#{key}").inner_text() for key in (
        "notices_received", "notices_from_trusted_flaggers", "decisions_human",
        "decisions_automated", "appeals_received", "reversals", "actions_without_notice")}
    assert figure == {"notices_received": "2", "notices_from_trusted_flaggers": "1",
                      "decisions_human": "1", "decisions_automated": "0",
                      "appeals_received": "1", "reversals": "1", "actions_without_notice": "0"}
    assert page.locator('td[data-key="illegal/delete"]').inner_text() == "2"
    assert page.problems == []
