"""The dashboard's figures and its inline SVG charts; the CLI for moderators and tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.app import sql
from tests.support.moderation import set_policy


def test_figures_count_per_day_and_age_the_queue(app, post):
    from comments.extensions import db
    from comments.services.moderation import dashboard

    post(text="today one")
    post(uri="/busy/", text="busy one")
    post(uri="/busy/", text="busy two")
    post(uri="/busy/", text="busy three")
    set_policy(app, moderation="hold_all")
    post(text="held today")
    three_days_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3)
    sql(app, "UPDATE comments SET created_at = :t WHERE text = 'today one'", t=three_days_ago)
    sql(app, "UPDATE comments SET created_at = :t WHERE text = 'held today'",
        t=datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=5))
    with app.app_context():
        board = dashboard.build(None, days=7)
        busiest = [(thread.uri, count) for thread, _site, count in board.busiest]
        db.session.remove()
    assert len(board.comments.values) == 7
    assert board.comments.values[-1] == 4 and board.comments.values[-4] == 1
    assert board.comments.total == 5
    assert board.held.total == 1
    assert board.shares.total == 0
    assert board.pending == 1
    age = datetime.now(UTC) - board.oldest_pending_at
    assert timedelta(hours=4, minutes=59) < age < timedelta(hours=5, minutes=5)
    assert busiest[0] == ("/busy/", 3)


def test_charts_are_plain_svg_with_exact_titles():
    from datetime import date

    from comments.web.moderate.charts import bar_chart

    svg = str(bar_chart([date(2024, 1, 1), date(2024, 1, 2)], [3, 0], "Comments <b>"))
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "2024-01-01: 3" in svg and "Comments &lt;b&gt;" in svg
    assert "<script" not in svg and "style=" not in svg


def test_create_moderator_from_the_cli(app, runner):
    result = runner.invoke(args=["create-moderator", "--email", "Ed@Example.com", "--name", "Ed",
                                 "--role", "admin", "--all-sites", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin ed@example.com for all sites" in result.output
    stored = sql(app, "SELECT email, role, password_hash FROM moderators")[0]
    assert stored[0] == "ed@example.com" and stored[1] == "admin"
    assert stored[2].startswith("$argon2id$")
    again = runner.invoke(args=["create-moderator", "--email", "ed@example.com", "--site",
                                "default", "--password-stdin"], input="a long enough password\n")
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["create-moderator", "--email", "f@example.com", "--site",
                                "default", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "password" in short.output
    nosite = runner.invoke(args=["create-moderator", "--email", "g@example.com", "--site",
                                 "nope", "--password-stdin"], input="a long enough password\n")
    assert nosite.exit_code != 0 and "Unknown site" in nosite.output


def test_tokens_from_the_cli(app, runner, client):
    runner.invoke(args=["create-moderator", "--email", "ed@example.com", "--site", "default",
                        "--password-stdin"], input="a long enough password\n")
    created = runner.invoke(args=["tokens", "create", "--email", "ed@example.com", "--name", "bot"])
    secret = created.output.strip()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/moderation/comments", headers=headers).status_code == 200
    listed = runner.invoke(args=["tokens", "list", "--email", "ed@example.com"])
    assert "bot" in listed.output and secret not in listed.output
    token_id = listed.output.split("\t")[0]
    revoked = runner.invoke(args=["tokens", "revoke", token_id, "--email", "ed@example.com"])
    assert revoked.exit_code == 0
    assert client.get("/api/v1/moderation/comments", headers=headers).status_code == 401


def test_passwords_are_hashed_at_the_production_cost_unless_a_test_lowers_it(app):
    """The suite hashes cheaply (tests/support/app.py); a real install uses RFC 9106's cost."""
    from comments import create_app
    from comments.services.moderation.moderators import _hasher

    production = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"})
    with production.app_context():
        assert _hasher().hash("a long enough password").startswith("$argon2id$v=19$m=65536,t=3,")
    with app.app_context():
        assert _hasher().hash("a long enough password").startswith("$argon2id$v=19$m=1024,t=1,")
