"""Trusted flaggers per site: the CLI, the moderation API (admins only), and their notices first."""

from __future__ import annotations

from tests.notices.support import notice_body, public_comment
from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_site, make_token


def test_the_cli_adds_lists_and_removes_addresses_and_domains(app, runner):
    assert runner.invoke(["trusted-flaggers", "add", "default", "@Hotline.Example",
                          "--note", "national hotline"]).exit_code == 0
    assert runner.invoke(["trusted-flaggers", "add", "default", "desk@ngo.example"]).exit_code == 0
    again = runner.invoke(["trusted-flaggers", "add", "default", "hotline.example"])
    assert again.exit_code != 0 and "already" in again.output
    bad = runner.invoke(["trusted-flaggers", "add", "default", "not a domain"])
    assert bad.exit_code != 0 and "pattern" in bad.output
    listed = runner.invoke(["trusted-flaggers", "list", "default"]).output.splitlines()
    assert listed == ["hotline.example\tcli\tnational hotline", "desk@ngo.example\tcli\t"]
    assert runner.invoke(["trusted-flaggers", "remove", "default", "hotline.example"]).exit_code == 0
    assert runner.invoke(["trusted-flaggers", "list", "default"]).output == "desk@ngo.example\tcli\t\n"
    assert runner.invoke(["trusted-flaggers", "remove", "default", "x.example"]).exit_code != 0
    actions = [row[0] for row in sql(app, "SELECT action FROM moderation_events ORDER BY id")]
    assert actions == ["trusted_flagger_added", "trusted_flagger_added", "trusted_flagger_removed"]


def test_only_admins_mark_flaggers_through_the_api_and_their_notices_come_first(
        app, client, admin_token):
    make_site(app, "other")
    moderator = make_token(app, make_moderator(app, "mod@example.com", sites=["default"]))
    refused = client.post("/api/v1/moderation/trusted-flaggers", headers=bearer(moderator),
                          json={"site": "default", "pattern": "hotline.example"})
    assert refused.status_code == 403
    added = client.post("/api/v1/moderation/trusted-flaggers", headers=bearer(admin_token),
                        json={"site": "default", "pattern": "hotline.example"})
    assert added.status_code == 201 and added.json["flaggers"][0]["pattern"] == "hotline.example"
    comment_id = public_comment(client)
    for email in ("a@example.net", "desk@hotline.example", "b@sub.hotline.example",
                  "c@nothotline.example"):
        assert client.post("/api/v1/notices", json=notice_body(
            comment_id, reporter_email=email)).status_code == 202
    listed = client.get("/api/v1/moderation/notices", headers=bearer(moderator)).json["notices"]
    assert [(n["reporter_email"], n["trusted"]) for n in listed] == [
        ("desk@hotline.example", True), ("b@sub.hotline.example", True),
        ("a@example.net", False), ("c@nothotline.example", False)]
    listing = client.get("/api/v1/moderation/trusted-flaggers?site=default",
                         headers=bearer(moderator))
    assert [f["pattern"] for f in listing.json["flaggers"]] == ["hotline.example"]
    removed = client.post("/api/v1/moderation/trusted-flaggers/delete",
                          headers=bearer(admin_token),
                          json={"site": "default", "pattern": "hotline.example"})
    assert removed.status_code == 204
    assert client.get("/api/v1/moderation/notices",
                      headers=bearer(make_token(app, make_moderator(
                          app, "elsewhere@example.com", sites=["other"])))).json["notices"] == []
    assert client.get("/api/v1/moderation/notices").status_code == 401


def test_a_moderator_of_another_site_sees_and_decides_nothing_here(app, client):
    make_site(app, "other")
    outsider = make_token(app, make_moderator(app, "out@example.com", sites=["other"]))
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id))
    decided = client.post("/api/v1/moderation/notices/1/decision", headers=bearer(outsider),
                          json={"outcome": "delete", "ground": "terms", "law_or_rule": "1",
                                "facts": "x"})
    assert decided.status_code == 403
    figures = client.get("/api/v1/moderation/transparency?site=default&from=2026-01-01"
                         "&to=2026-12-31", headers=bearer(outsider))
    assert figures.status_code == 403
    flaggers = client.get("/api/v1/moderation/trusted-flaggers?site=default",
                          headers=bearer(outsider))
    assert flaggers.status_code == 403
    assert sql(app, "SELECT status FROM notices") == [("open",)]


def test_bad_transparency_periods_are_a_400(app, client, admin_token):
    for query in ("from=2026-02-01&to=2026-01-01", "from=nope&to=2026-01-01",
                  "from=2000-01-01&to=2026-01-01", "to=2026-01-01"):
        answer = client.get(f"/api/v1/moderation/transparency?site=default&{query}",
                            headers=bearer(admin_token))
        assert answer.status_code in (400, 422), (query, answer.status_code)
    csv = client.get("/api/v1/moderation/transparency?site=default&from=2026-01-01&to=2026-01-31"
                     "&format=csv", headers=bearer(admin_token))
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True).splitlines()[:2] == ["figure,value", "site,default"]
