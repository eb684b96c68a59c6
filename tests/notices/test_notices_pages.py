"""The moderator pages without a browser: trusted flaggers for admins only, CSV, bounds, escaping."""

from __future__ import annotations

from tests.notices.support import notice_body, public_comment
from tests.support.app import sql
from tests.support.moderation import csrf_token, make_moderator, sign_in


def test_admins_add_and_remove_trusted_flaggers_on_their_page(app, client, admin):
    sign_in(client, "admin@example.com")
    token = csrf_token(client, "/moderate/trusted-flaggers")
    added = client.post("/moderate/trusted-flaggers/add", data={
        "csrf_token": token, "site": "default", "pattern": "Hotline.Example", "note": "<b>x</b>"})
    assert added.status_code == 303
    page = client.get("/moderate/trusted-flaggers").get_data(as_text=True)
    assert "hotline.example" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    bad = client.post("/moderate/trusted-flaggers/add", data={
        "csrf_token": token, "site": "default", "pattern": "no spaces allowed"})
    assert bad.status_code == 422
    forged = client.post("/moderate/trusted-flaggers/add", data={
        "site": "default", "pattern": "evil.example"})
    assert forged.status_code == 400  # no CSRF token
    removed = client.post("/moderate/trusted-flaggers/remove", data={
        "csrf_token": token, "site": "default", "pattern": "hotline.example"})
    assert removed.status_code == 303
    assert sql(app, "SELECT COUNT(*) FROM trusted_flaggers") == [(0,)]


def test_moderators_are_no_admins_of_trusted_flaggers_but_see_notices_and_figures(app, client):
    make_moderator(app, "mod@example.com", sites=["default"])
    comment_id = public_comment(client)
    client.post("/api/v1/notices", json=notice_body(comment_id, explanation="x" * 4000))
    sign_in(client, "mod@example.com")
    assert client.get("/moderate/trusted-flaggers").status_code == 403
    notices = client.get("/moderate/notices")
    assert notices.status_code == 200 and "x" * 4000 in notices.get_data(as_text=True)
    token = csrf_token(client, "/moderate/notices")
    too_long = client.post("/moderate/notices/1/decide", data={
        "csrf_token": token, "outcome": "keep", "facts": "y" * 4001})
    assert too_long.status_code == 400
    no_ground = client.post("/moderate/notices/1/decide", data={
        "csrf_token": token, "outcome": "delete", "facts": "Removed."})
    assert no_ground.status_code == 422 and "needs a ground" in no_ground.get_data(as_text=True)
    assert sql(app, "SELECT status FROM notices") == [("open",)]
    csv = client.get("/moderate/transparency.csv?site=default")
    assert csv.status_code == 200 and "notices_received,1" in csv.get_data(as_text=True)
    assert client.get("/moderate/transparency?from=bad").status_code == 400
