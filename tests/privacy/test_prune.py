"""`comments prune`: old address hashes are forgotten and old junk removed, per site, in batches."""

from __future__ import annotations

import json

import pytest

from tests.support.app import sql

OLD = "2020-01-01 00:00:00"


@pytest.fixture
def aged(app, post):
    """Comments of every kind, some made to look old."""
    ids = {}
    for name in ("old_ok", "new_ok", "old_spam", "new_spam", "old_rejected", "spam_with_reply"):
        ids[name] = post(text=name, email=f"{name}@example.org").json["id"]
    ids["reply"] = post(text="reply", parent_id=ids["spam_with_reply"]).json["id"]
    for name in ("old_spam", "new_spam", "spam_with_reply"):
        sql(app, "UPDATE comments SET status = 'spam' WHERE id = :i", i=ids[name])
    sql(app, "UPDATE comments SET status = 'rejected' WHERE id = :i", i=ids["old_rejected"])
    sql(app, "UPDATE threads SET count = 3")
    for name in ("old_ok", "old_spam", "old_rejected", "spam_with_reply", "reply"):
        sql(app, "UPDATE comments SET created_at = :t, status_changed_at = :t WHERE id = :i",
            t=OLD, i=ids[name])
    return ids


def test_prune_forgets_old_hashes_and_removes_old_junk_in_small_batches(app, runner, aged, client):
    dry = runner.invoke(["prune", "--dry-run"])
    assert "Would forget 5 address hashes; would remove 2 spam or rejected comments and " \
           "emptied 1" in dry.output
    assert sql(app, "SELECT count(*) FROM comments WHERE ip_hash IS NULL")[0][0] == 0
    result = runner.invoke(["prune", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert "Forgot 5 address hashes; removed 2 spam or rejected comments and emptied 1" in result.output
    rows = {r[0]: r[1:] for r in sql(app, "SELECT text, status, ip_hash IS NULL FROM comments")}
    assert set(rows) == {"old_ok", "new_ok", "new_spam", "", "reply"}
    assert rows["old_ok"] == ("approved", True) and rows["new_ok"] == ("approved", False)
    assert rows["new_spam"] == ("spam", False)
    assert rows[""] == ("deleted", True)  # the spam with a reply, now an empty placeholder
    assert sql(app, "SELECT count FROM threads")[0][0] == 3
    page = client.get("/api/v1/comments?uri=/2019/02/08/summit/").json
    assert [r["html"] for c in page["comments"] for r in c["replies"]] == ["<p>reply</p>"]
    again = runner.invoke(["prune"])
    assert "Forgot 0 address hashes; removed 0" in again.output


def test_each_site_keeps_what_its_settings_say(app, runner, aged):
    sql(app, "UPDATE sites SET settings = :s",
        s=json.dumps({"retention_ip_days": 0, "retention_spam_days": 100000}))
    result = runner.invoke(["prune", "--site", "default"])
    assert "Forgot 0 address hashes; removed 0" in result.output
    assert runner.invoke(["prune", "--site", "nope"]).exit_code == 1
