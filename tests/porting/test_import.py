"""`comments import ...`: real exports come in whole, nested, with statuses, and only once."""

from __future__ import annotations

import gzip
import sqlite3

import pytest

from tests.support.app import sql
from tests.support.porting_files import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    HERE,
    cleaned_remark42_disqus,
    real_export,
    wxr,
    wxr_comment,
)


def run(runner, *args):
    return runner.invoke(list(args), catch_exceptions=False)


def snapshot(app):
    comments = sql(app, "SELECT id, thread_id, parent_id, root_id, depth, author, email, website,"
                        " text, html, status, ip_hash, email_hash, import_key, created_at"
                        " FROM comments ORDER BY id")
    threads = sql(app, "SELECT id, uri, title, closed, count, pending_count, version"
                       " FROM threads ORDER BY id")
    return comments, threads


def by_text(app, text):
    rows = sql(app, "SELECT id, parent_id, root_id, depth, status FROM comments WHERE text LIKE :t",
               t=text + "%")
    assert len(rows) == 1, rows
    return rows[0]


def test_the_wordpress_theme_unit_test_comes_in_nested_with_pingbacks_skipped(runner, app, client):
    result = run(runner, "import", "wordpress", str(real_export("wordpress-a11y-theme-unit-test.xml")))
    assert result.exit_code == 0, result.output
    assert "imported 25, updated 0, unchanged 0, skipped 4" in result.output
    assert "skipped 4: pingback or trackback" in result.output
    top = by_text(app, "Comment Depth 01")
    deepest = by_text(app, "Comment Depth 10")
    assert top[1] is None and top[3] == 0
    assert deepest[2] == top[0] and deepest[3] == 9
    page = client.get("/api/v1/comments?uri=/2012/01/03/template-comments/&limit=100").json
    assert page["thread"]["count"] == 19
    assert page["thread"]["title"] == "Template: Comments"
    node = next(c for c in page["comments"] if c["id"] == top[0])
    for _ in range(9):
        assert len(node["replies"]) == 1
        node = node["replies"][0]
    assert "Comment Depth 10" in node["html"]
    # WordPress shows comment HTML through wpautop; headings (not ours to show) become bold.
    markup = sql(app, "SELECT html FROM comments WHERE text LIKE '<h2>Headings%'")[0][0]
    assert "<p><strong>Header one</strong></p>" in markup
    assert "<blockquote>Stay hungry. Stay foolish.</blockquote>" in markup
    assert "<h1>" not in markup and "<table" not in markup
    # The counts on every thread equal the comments actually there.
    for count, actual in sql(app, "SELECT t.count, (SELECT count(*) FROM comments c WHERE "
                                  "c.thread_id = t.id AND c.status = 'approved') FROM threads t"):
        assert count == actual


def test_pingbacks_come_in_when_asked_for(runner, app):
    path = real_export("wordpress-a11y-theme-unit-test.xml")
    result = run(runner, "import", "wordpress", str(path), "--keep-pingbacks")
    assert "imported 29," in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 29


def test_a_gzipped_export_reads_like_the_plain_one(runner, app):
    zipped = HERE / "fixtures" / "wordpress-a11y-theme-unit-test.xml.gz"
    result = run(runner, "import", "wordpress", str(zipped))
    assert "imported 25," in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 25


def test_a_second_import_of_the_same_file_changes_nothing(runner, app):
    path = str(real_export("wordpress-a11y-theme-unit-test.xml"))
    run(runner, "import", "wordpress", path)
    before = snapshot(app)
    result = run(runner, "import", "wordpress", path)
    assert "imported 0, updated 0, unchanged 25" in result.output
    assert snapshot(app) == before


def test_the_isso_wxr_sample_keeps_emails_paths_and_reply_chains(runner, app):
    result = run(runner, "import", "wordpress", str(real_export("wordpress-isso.xml")))
    assert "imported 8," in result.output
    threads = dict(sql(app, "SELECT uri, count FROM threads"))
    assert threads == {"/2014/test/": 7, "/?p=4": 1}
    # Whitespace inside the email element is export noise, not part of the address.
    assert {row[0] for row in sql(app, "SELECT email FROM comments")} == {
        "test@example.org", "info@posativ.org", "multiline@example.org"}
    reply = by_text(app, "Yet another reply.")
    parent = by_text(app, "Drölfter!")
    grandparent = by_text(app, "Zweiter.")
    assert reply[1] == parent[0] and parent[1] == grandparent[0]
    assert reply[2] == grandparent[0] and reply[3] == 2
    html = sql(app, "SELECT html FROM comments WHERE author = 'Multiline Author'")[0][0]
    assert html == "<p>When you have a comment with multiple lines:<br>WordPress exports it like this.</p>"
    # Addresses are kept only as keyed hashes, never as typed.
    assert all(len(row[0]) == 64 for row in sql(app, "SELECT ip_hash FROM comments"))


def test_statuses_map_and_parents_may_come_after_their_replies(runner, app, tmp_path, client):
    comments = [
        wxr_comment(5, "A reply to a parent further down", parent=4),
        wxr_comment(4, "Approved parent"),
        wxr_comment(6, "Waiting for moderation", approved="0"),
        wxr_comment(7, "Buy pills", approved="spam"),
        wxr_comment(8, "Trashed but replied to", approved="trash"),
        wxr_comment(9, "Reply under the trashed one", parent=8),
        wxr_comment(10, "Trashed and alone", approved="trash"),
        wxr_comment(11, "Its parent is gone", parent=999),
        wxr_comment(12, "A pingback", kind="pingback"),
        wxr_comment(13, "<script>alert(1)</script><b onclick=x>bold</b> <a href='javascript:x'>l</a>"),
        wxr_comment(14, "x" * 100_001),
    ]
    path = tmp_path / "blog.xml"
    path.write_text(wxr([{"link": "https://old.example/2020/01/a/", "post_id": 1,
                          "comments": comments, "closed": True}]), encoding="utf-8")
    result = run(runner, "import", "wordpress", str(path))
    assert "imported 8, updated 0, unchanged 0, skipped 3" in result.output
    assert "skipped 1: longer than 100000 characters" in result.output
    assert "deleted in the source, without replies" in result.output
    assert "reply whose parent is not in the file or thread, made top-level" in result.output
    assert by_text(app, "A reply to a parent further down")[1] == by_text(app, "Approved parent")[0]
    assert by_text(app, "Waiting for moderation")[4] == "pending"
    assert by_text(app, "Buy pills")[4] == "spam"
    assert by_text(app, "Its parent is gone")[1:4] == (None, None, 0)
    placeholder = sql(app, "SELECT id, status, author, text, html FROM comments"
                           " WHERE import_key = 'wordpress:8'")[0]
    assert placeholder[1:] == ("deleted", "", "", "")
    assert by_text(app, "Reply under the trashed one")[1] == placeholder[0]
    assert sql(app, "SELECT count, pending_count, closed FROM threads")[0] == (5, 1, True)
    hostile = sql(app, "SELECT html FROM comments WHERE import_key = 'wordpress:13'")[0][0]
    assert "<script" not in hostile and "onclick" not in hostile and "javascript:" not in hostile
    page = client.get("/api/v1/comments?uri=/2020/01/a/").json
    shown = [c for c in page["comments"] if c["id"] == placeholder[0]][0]
    assert shown["status"] == "deleted" and shown["replies"][0]["html"]


def test_changed_comments_are_updated_on_the_next_import(runner, app, tmp_path):
    path = tmp_path / "blog.xml"
    item = {"link": "https://old.example/a/", "post_id": 1}
    first = [wxr_comment(1, "First"), wxr_comment(2, "Second", approved="0")]
    path.write_text(wxr([{**item, "comments": first}]))
    run(runner, "import", "wordpress", str(path))
    version = sql(app, "SELECT version FROM threads")[0][0]
    path.write_text(wxr([{**item, "comments": [wxr_comment(1, "First, edited"), wxr_comment(2, "Second")]}]))
    result = run(runner, "import", "wordpress", str(path))
    assert "imported 0, updated 2, unchanged 0" in result.output
    assert sql(app, "SELECT count, pending_count FROM threads")[0] == (2, 0)
    assert sql(app, "SELECT version FROM threads")[0][0] > version
    assert {r[0] for r in sql(app, "SELECT text FROM comments")} == {"First, edited", "Second"}


def test_map_moves_article_links_to_paths_and_dry_run_writes_nothing(runner, app, tmp_path):
    path = tmp_path / "blog.xml"
    path.write_text(wxr([
        {"link": "https://old.example/blog/2019/a/", "post_id": 1, "comments": [wxr_comment(1, "One")]},
        {"link": "mailto:nobody", "post_id": 2, "comments": [wxr_comment(2, "Two")]},
    ], namespace="https://wordpress.org/export/1.1/"))
    dry = run(runner, "import", "wordpress", str(path), "--map", "https://old.example/blog/=/news/",
              "--dry-run")
    assert "Dry run, nothing written: imported 1" in dry.output
    assert "article link is not a path on the site" in dry.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0
    assert sql(app, "SELECT count(*) FROM threads")[0][0] == 0
    run(runner, "import", "wordpress", str(path), "--map", "https://old.example/blog/=/news/")
    assert sql(app, "SELECT uri FROM threads") == [("/news/2019/a/",)]
    bad = runner.invoke(["import", "wordpress", str(path), "--map", "no-equals-sign"])
    assert bad.exit_code == 2 and "OLD=NEW" in bad.output


def test_the_remark42_disqus_export_is_refused_whole_for_its_malformed_parts(runner, app):
    result = runner.invoke(["import", "disqus", str(real_export("disqus-remark42.xml"))])
    assert result.exit_code == 1
    assert "not well-formed XML" in result.output and "Nothing was imported" in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0
    assert sql(app, "SELECT count(*) FROM threads")[0][0] == 0


def test_a_readable_disqus_export_keeps_text_statuses_and_threads(runner, app, tmp_path):
    path = tmp_path / "disqus.xml.gz"
    path.write_bytes(gzip.compress(cleaned_remark42_disqus().encode()))
    result = run(runner, "import", "disqus", str(path), "--map", "http://radio-t.umputun.com/=/old/")
    assert "imported 4, updated 0, unchanged 0, skipped 1" in result.output
    assert "skipped 1: no dsq:id in the source" in result.output
    threads = dict(sql(app, "SELECT uri, count FROM threads"))
    assert threads == {"/p/2011/03/05/podcast-229/": 2, "/old/2011/03/229_8880.html": 1}
    assert sql(app, "SELECT closed FROM threads WHERE uri = '/p/2011/03/05/podcast-229/'")[0][0]
    texts = [row[0] for row in sql(app, "SELECT html FROM comments WHERE status = 'approved'")]
    assert any("Microsoft показал проводник" in html for html in texts)
    assert sql(app, "SELECT status, author FROM comments WHERE import_key = 'disqus:299986073'") == [
        ("spam", "Spam Noname")]
    again = run(runner, "import", "disqus", str(path), "--map", "http://radio-t.umputun.com/=/old/")
    assert "imported 0, updated 0, unchanged 4" in again.output


def test_disqus_replies_nest_and_deleted_parents_stay_as_placeholders(runner, app, tmp_path):
    def post(pid, text, parent=None, deleted=False, thread=1):
        parent_el = f'<parent dsq:id="{parent}"/>' if parent else ""
        return (f'<post dsq:id="{pid}"><message><![CDATA[<p>{text}</p>]]></message>'
                f"<createdAt>2020-01-0{pid % 9 + 1}T10:00:00Z</createdAt>"
                f"<isDeleted>{'true' if deleted else 'false'}</isDeleted><isSpam>false</isSpam>"
                f"<author><email>a{pid}@example.org</email><name>A{pid}</name></author>"
                f'<thread dsq:id="{thread}"/>{parent_el}</post>')

    posts = [post(3, "grandchild", parent=2), post(2, "child", parent=1, deleted=True),
             post(1, "top"), post(4, "lonely deleted", deleted=True)]
    document = ('<?xml version="1.0"?><disqus xmlns="http://disqus.com" '
                'xmlns:dsq="http://disqus.com/disqus-internals">' + "".join(posts) +
                '<thread dsq:id="1"><link>https://old.example/x/</link><title>X</title></thread>'
                "</disqus>")
    path = tmp_path / "d.xml"
    path.write_text(document)
    result = run(runner, "import", "disqus", str(path))
    assert "imported 3," in result.output and "deleted in the source, without replies" in result.output
    query = "SELECT import_key, parent_id, root_id, depth, status, html FROM comments"
    rows = {r[0]: r[1:] for r in sql(app, query)}
    top_id = sql(app, "SELECT id FROM comments WHERE import_key = 'disqus:1'")[0][0]
    child_id = sql(app, "SELECT id FROM comments WHERE import_key = 'disqus:2'")[0][0]
    assert rows["disqus:2"] == (top_id, top_id, 1, "deleted", "")
    assert rows["disqus:3"] == (child_id, top_id, 2, "approved", "<p>grandchild</p>")
    assert sql(app, "SELECT count FROM threads")[0][0] == 2


@pytest.mark.parametrize("kind, document", [("disqus", BILLION_LAUGHS), ("wordpress", EXTERNAL_ENTITY)])
def test_hostile_xml_is_refused_before_anything_is_expanded(runner, app, tmp_path, kind, document):
    path = tmp_path / "hostile.xml"
    path.write_text(document)
    result = runner.invoke(["import", kind, str(path)])
    assert result.exit_code == 1
    assert "refused" in result.output and "Nothing was imported" in result.output
    assert "root:" not in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0


def test_a_file_broken_after_many_good_comments_imports_nothing(runner, app, tmp_path):
    good = wxr([{"link": f"https://old.example/{n}/", "post_id": n,
                 "comments": [wxr_comment(n * 10 + k, f"c{n}-{k}") for k in range(5)]}
                for n in range(1, 300)])
    path = tmp_path / "broken.xml"
    path.write_text(good.replace("</channel></rss>", "<item><title>cut off"))
    result = runner.invoke(["import", "wordpress", str(path)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0
    assert sql(app, "SELECT count(*) FROM threads")[0][0] == 0


def test_not_an_export_at_all_is_a_clear_error(runner, app, tmp_path):
    path = tmp_path / "other.xml"
    path.write_text("<html><body>hi</body></html>")
    result = runner.invoke(["import", "wordpress", str(path)])
    assert result.exit_code == 1 and "not a WordPress export" in result.output
    result = runner.invoke(["import", "json", str(path)])
    assert result.exit_code == 1 and "not valid JSON" in result.output
    result = runner.invoke(["import", "isso", str(path)])
    assert result.exit_code == 1 and "not an SQLite database" in result.output
    result = runner.invoke(["import", "wordpress", str(path), "--site", "nope"])
    assert result.exit_code == 1


ISSO_SCHEMA = """
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
"""


def test_an_isso_database_comes_in_with_markdown_rendered(runner, app, tmp_path):
    path = tmp_path / "isso.db"
    with sqlite3.connect(path) as db:
        db.executescript(ISSO_SCHEMA)
        db.execute("INSERT INTO threads VALUES (1, '/2018/05/isso/', 'Isso post')")
        rows = [
            (1, 3, 2, 1527000300.5, None, 1, "203.0.113.0", "third *level*", "C", None, None, 0, 0),
            (1, 1, None, 1527000100.0, None, 1, "203.0.113.0", "**Hello** [link](https://a.example)",
             "A", "a@example.org", "https://a.example", 3, 1),
            (1, 2, 1, 1527000200.0, 1527000250.0, 4, "203.0.113.0", "", None, None, None, 0, 0),
            (1, 4, None, 1527000400.0, None, 2, "203.0.113.0", "waiting", "D", None, None, 0, 0),
        ]
        db.executemany("INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr,"
                       " text, author, email, website, likes, dislikes, voters)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?, x'')", rows)
    result = run(runner, "import", "isso", str(path))
    assert "imported 4," in result.output
    first = sql(app, "SELECT id, html, likes, dislikes, website FROM comments WHERE import_key = 'isso:1'")[0]
    assert first[1].startswith("<p><strong>Hello</strong> <a href=\"https://a.example\"")
    assert first[2:] == (3, 1, "https://a.example")
    third = sql(app, "SELECT root_id, depth FROM comments WHERE import_key = 'isso:3'")[0]
    assert third == (first[0], 2)
    assert sql(app, "SELECT count, pending_count, title FROM threads")[0] == (2, 1, "Isso post")
    assert "unchanged 4" in run(runner, "import", "isso", str(path)).output


def test_a_truncated_gzip_and_a_bare_dtd_are_refused_whole(runner, app, tmp_path):
    whole = (HERE / "fixtures" / "wordpress-a11y-theme-unit-test.xml.gz").read_bytes()
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    result = runner.invoke(["import", "wordpress", str(cut)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    dtd = tmp_path / "dtd.xml"
    dtd.write_text('<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://evil.example/x.dtd">'
                   "<rss><channel></channel></rss>")
    result = runner.invoke(["import", "wordpress", str(dtd)])
    assert result.exit_code == 1 and "refused" in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0
