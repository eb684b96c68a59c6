"""Identities move with the comments: our JSON round trip, WordPress users and Disqus accounts."""

from __future__ import annotations

import gzip
import json

from tests.identity.support import hs256_secret, reader_token, sso_token
from tests.support.app import post_comment, sql
from tests.support.moderation import bearer
from tests.support.porting_files import cleaned_remark42_disqus, real_export


def run(runner, *args):
    result = runner.invoke(list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_the_json_round_trip_keeps_readers_badges_and_picks(app, client, runner, tmp_path,
                                                            admin_token):
    secret = hs256_secret(runner)
    token = reader_token(client, secret, user={"id": "u-7", "username": "Jane Reader",
                                               "email": "jane@example.org",
                                               "badges": ["subscriber", "staff"]})
    mine = post_comment(client, text="Signed and picked.", headers={"X-Reader-Token": token})
    post_comment(client, text="Anonymous.", author="Ann")
    client.post(f"/api/v1/moderation/comments/{mine.get_json()['id']}/feature",
                headers=bearer(admin_token))
    path = tmp_path / "export.json"
    run(runner, "export", "json", "--output", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    [thread] = document["threads"]
    signed = next(c for c in thread["comments"] if c["text"] == "Signed and picked.")
    assert signed["reader"] == {"subject": "sso:u-7", "name": "Jane Reader",
                                "email": "jane@example.org", "badges": ["subscriber", "staff"],
                                "url": None, "verified": True}
    assert signed["featured"] is True and signed["badges"] == ["subscriber", "staff"]

    run(runner, "sites", "add", "copy", "--base-url", "https://copy.example")
    result = run(runner, "import", "json", str(path), "--site", "copy")
    assert "imported 2" in result.output
    rows = sql(app, "SELECT c.verified, c.badges, c.featured, r.subject FROM comments c "
                    "JOIN threads t ON t.id = c.thread_id JOIN sites s ON s.id = t.site_id "
                    "JOIN readers r ON r.id = c.reader_id WHERE s.key = 'copy'")
    assert rows == [(True, "subscriber,staff", True, "sso:u-7")]
    picks = client.get("/api/v1/comments?site=copy&uri=/2019/02/08/summit/&sort=featured")
    assert picks.get_json()["thread"]["featured_count"] == 1
    # The publisher's SSO on the new site finds the same reader and their history.
    copy_secret = hs256_secret(runner, site="copy")
    signed_in = client.post("/api/v1/readers/session", json={
        "site": "copy", "sso_token": sso_token(copy_secret, aud="copy", user_id="u-7",
                                               email="jane@example.org", name="Jane Reader")})
    me = client.get("/api/v1/readers/me",
                    headers={"X-Reader-Token": signed_in.get_json()["reader_token"]})
    assert [c["text"] for c in me.get_json()["comments"]] == ["Signed and picked."]
    again = run(runner, "import", "json", str(path), "--site", "copy")
    assert "unchanged 2" in again.output
    assert sql(app, "SELECT COUNT(*) FROM readers") == [(2,)]


def test_wordpress_users_become_readers(app, runner):
    run(runner, "import", "wordpress", str(real_export("wordpress-a11y-theme-unit-test.xml")))
    readers = sql(app, "SELECT subject, verified FROM readers")
    assert readers == [("wordpress:24783058", True)]
    assert sql(app, "SELECT COUNT(*) FROM comments WHERE reader_id IS NOT NULL") == [(4,)]
    assert sql(app, "SELECT COUNT(*) FROM comments WHERE reader_id IS NULL") == [(21,)]


def test_disqus_accounts_become_readers(app, runner, tmp_path):
    path = tmp_path / "disqus.xml.gz"
    path.write_bytes(gzip.compress(cleaned_remark42_disqus().encode()))
    run(runner, "import", "disqus", str(path), "--map", "http://radio-t.umputun.com/=/old/")
    subjects = [row[0] for row in sql(app, "SELECT subject FROM readers ORDER BY subject")]
    assert subjects and all(s.startswith("disqus:") for s in subjects)
    assert sql(app, "SELECT COUNT(*) FROM readers WHERE verified") == [(0,)]
    linked = sql(app, "SELECT COUNT(*) FROM comments WHERE reader_id IS NOT NULL")[0][0]
    assert linked >= 1


def test_wordpress_users_go_back_as_users_in_the_wxr_export(app, runner, tmp_path):
    run(runner, "import", "wordpress", str(real_export("wordpress-a11y-theme-unit-test.xml")))
    path = tmp_path / "export.xml"
    run(runner, "export", "wxr", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    assert text.count("<wp:comment_user_id>24783058</wp:comment_user_id>") == 4
    run(runner, "sites", "add", "again", "--base-url", "https://news.example")
    run(runner, "import", "wordpress", str(path), "--site", "again")
    assert sql(app, "SELECT COUNT(*) FROM comments c JOIN readers r ON r.id = c.reader_id "
                    "JOIN sites s ON s.id = r.site_id WHERE s.key = 'again'") == [(4,)]
