"""`comments export json|wxr`: a site's comments leave whole and come back exactly."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from tests.support.app import sql
from tests.support.porting_files import real_export, wxr, wxr_comment


def run(runner, *args):
    result = runner.invoke(list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def fill(runner, app, post, tmp_path):
    """A site with imported history, fresh comments, a reply, a held one and a subscription."""
    run(runner, "import", "wordpress", str(real_export("wordpress-a11y-theme-unit-test.xml")))
    run(runner, "import", "wordpress", str(real_export("wordpress-isso.xml")))
    first = post(uri="/fresh/", text="Fresh *markdown* with a [link](https://x.example)",
                 email="Fresh@Example.org", author="Fresh", website="https://fresh.example")
    post(uri="/fresh/", text="A reply\n\nin two paragraphs", parent_id=first.json["id"])
    sql(app, "UPDATE comments SET status = 'pending' WHERE text = 'A reply\n\nin two paragraphs'")
    sql(app, "UPDATE threads SET count = count - 1, pending_count = pending_count + 1 WHERE uri = '/fresh/'")
    # The publisher's title (a reader's is only a hint, which no export carries).
    sql(app, "UPDATE threads SET title = 'Fresh news', title_source = 'publisher' WHERE uri = '/fresh/'")
    thread_id = sql(app, "SELECT id FROM threads WHERE uri = '/fresh/'")[0][0]
    sql(app, "INSERT INTO subscriptions (site_id, thread_id, comment_id, email, email_hash, mode,"
             " language, created_at, confirmed_at) VALUES (1, :t, :c, 'Fresh@Example.org', 'h', "
             "'instant', 'en', '2024-01-01 10:00:00', '2024-01-01 10:05:00')",
        t=thread_id, c=first.json["id"])


def exported(runner, tmp_path, name):
    path = tmp_path / name
    run(runner, "export", "json", "--output", str(path))
    document = json.loads(path.read_text(encoding="utf-8"))
    document.pop("exported_at")
    return path, document


def test_json_round_trip_into_an_emptied_database_is_exact(runner, app, post, tmp_path):
    fill(runner, app, post, tmp_path)
    counts_before = sql(app, "SELECT uri, count, pending_count FROM threads ORDER BY uri")
    path, before = exported(runner, tmp_path, "export.json")
    assert before["format"] == "comments-export" and before["site"]["key"] == "default"
    assert sum(len(t["comments"]) for t in before["threads"]) == 25 + 8 + 2
    sql(app, "UPDATE sites SET settings = :s", s=json.dumps({"erase_text": True, "max_depth": 3}))
    path, before = exported(runner, tmp_path, "export.json")
    for table in ("subscriptions", "votes", "flags", "moderation_events", "idempotency_keys",
                  "comments", "threads", "outbox", "sites"):
        sql(app, f"DELETE FROM {table}")  # an empty database, as far as comments go
    result = run(runner, "import", "json", str(path))
    assert "imported 35, updated 0, unchanged 0, skipped 0" in result.output
    assert "created the site 'default' from the export" in result.output
    _again, after = exported(runner, tmp_path, "again.json")
    assert after == before
    assert sql(app, "SELECT uri, count, pending_count FROM threads ORDER BY uri") == counts_before
    assert "unchanged 35" in run(runner, "import", "json", str(path)).output


def test_the_json_export_can_be_gzipped(runner, app, post, tmp_path):
    post(uri="/a/", text="hello")
    path = tmp_path / "site.json.gz"
    run(runner, "export", "json", "-o", str(path))
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    sql(app, "DELETE FROM comments")
    sql(app, "DELETE FROM threads")
    assert "imported 1," in run(runner, "import", "json", str(path)).output


def test_wxr_export_is_read_back_by_our_wordpress_importer(runner, app, post, tmp_path):
    fill(runner, app, post, tmp_path)
    path = tmp_path / "site.wxr"
    run(runner, "export", "wxr", "--output", str(path))
    tree = ElementTree.parse(path)  # well-formed XML
    ns = {"wp": "http://wordpress.org/export/1.2/"}
    assert len(tree.findall(".//item/wp:comment", ns)) == 35
    identifiers = [e.text for e in tree.iter("{http://www.disqus.com/}thread_identifier")]
    assert "/fresh/" in identifiers  # what Disqus matches threads on
    run(runner, "sites", "add", "mirror", "--base-url", "https://mirror.example")
    result = run(runner, "import", "wordpress", str(path), "--site", "mirror",
                 "--map", "https://news.example/=/")
    assert "imported 35, updated 0, unchanged 0, skipped 0" in result.output
    shape = ("SELECT t.uri, c.depth, c.status, c.author, c.html, c.created_at FROM comments c "
             "JOIN threads t ON t.id = c.thread_id JOIN sites s ON s.id = t.site_id "
             "WHERE s.key = :site ORDER BY t.uri, c.created_at, c.depth, c.html")

    def rows(site):  # WXR dates are to the second
        return [(*row[:5], str(row[5])[:19]) for row in sql(app, shape, site=site)]

    assert rows("mirror") == rows("default")
    counts = ("SELECT t.uri, t.count, t.pending_count, t.title FROM threads t JOIN sites s ON "
              "s.id = t.site_id WHERE s.key = :site ORDER BY t.uri")
    assert sql(app, counts, site="mirror") == sql(app, counts, site="default")


def test_wxr_export_drops_characters_xml_cannot_carry(runner, app, tmp_path):
    source = tmp_path / "in.xml"
    source.write_text(wxr([{"link": "https://old.example/a/", "post_id": 1,
                            "comments": [wxr_comment(1, "fine &amp; <i>dandy</i>")]}]))
    run(runner, "import", "wordpress", str(source))
    sql(app, "UPDATE comments SET author = :a", a="bell\x07 ]]> <&>")
    out = tmp_path / "out.xml"
    run(runner, "export", "wxr", "-o", str(out))
    root = ElementTree.parse(out).getroot()
    author = root.find(".//{http://wordpress.org/export/1.2/}comment_author")
    assert author.text == "bell ]]> <&>"


def test_export_of_an_unknown_site_fails_clearly(runner):
    result = runner.invoke(["export", "json", "--site", "nope"])
    assert result.exit_code == 1 and "No site" in result.output


def test_json_is_read_as_a_stream_whatever_its_layout(runner, app, post, tmp_path, monkeypatch):
    from comments.porting import jsonstream

    post(uri="/a/", text="first ünïcode", author="Ann")
    post(uri="/b/", text="second", author="Bob")
    path, document = exported(runner, tmp_path, "export.json")
    sql(app, "DELETE FROM comments")
    sql(app, "DELETE FROM threads")
    # Pretty-printed by another tool, with a field after the list, read in 7-byte chunks.
    document["threads"].insert(0, {"uri": "/empty/", "title": "", "closed": False, "comments": []})
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps({**document, "zz_after": [1, {"x": 2}]}, indent=3,
                                 ensure_ascii=True), encoding="utf-8")
    monkeypatch.setattr(jsonstream, "CHUNK", 7)
    result = run(runner, "import", "json", str(pretty))
    assert "imported 2, updated 0, unchanged 0, skipped 0; 2 new threads" in result.output
    assert sql(app, "SELECT text FROM comments ORDER BY text") == [("first ünïcode",), ("second",)]


def test_a_json_export_broken_halfway_imports_nothing(runner, app, post, tmp_path):
    for n in range(30):
        post(uri=f"/a{n}/", text=f"comment {n}")
    path, _document = exported(runner, tmp_path, "export.json")
    sql(app, "DELETE FROM comments")
    sql(app, "DELETE FROM threads")
    text = path.read_text(encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    result = runner.invoke(["import", "json", str(broken)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 0
    other = tmp_path / "other.json"
    other.write_text('{"format": "something-else", "threads": []}')
    result = runner.invoke(["import", "json", str(other)])
    assert result.exit_code == 1 and "not a comments export" in result.output
