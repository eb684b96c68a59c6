"""Bounded imports (issue 13, finding 7): decompression bombs, files of unwanted elements, huge
attributes and slow files, each run through the real `comments import` process."""

from __future__ import annotations

import gzip
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.clients.servers import COMMENTS
from tests.support.app import SECRET, sql

pytestmark = pytest.mark.slow

HEAD = (b'<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        b"<title>Blog</title>")
ITEM = (b"<item><title>Post</title><link>https://news.example/p/</link><wp:post_id>1</wp:post_id>"
        b"<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
        b"<wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt>"
        b"<wp:comment_content>Kept.</wp:comment_content><wp:comment_approved>1"
        b"</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment></item>")
TAIL = b"</channel></rss>"


def run_import(database_url: str, tmp_path: Path, path: Path) -> tuple[int, str, float, int]:
    """`comments import wordpress PATH`: exit status, output, seconds, peak memory in MiB."""
    env = {**os.environ, "COMMENTS_DATABASE_URL": database_url, "COMMENTS_SECRET_KEY": SECRET,
           "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance")}
    log = tmp_path / "import.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen([COMMENTS, "import", "wordpress", str(path)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return (process.returncode, log.read_text(), time.monotonic() - started,
            usage.ru_maxrss // 1024)


def gz(tmp_path: Path, name: str, *parts: Any) -> Path:
    path = tmp_path / name
    with gzip.open(path, "wb", compresslevel=9) as out:
        for part in parts:
            if callable(part):
                part(out)
            else:
                out.write(part)
    return path


def test_millions_of_unwanted_elements_are_read_in_little_memory(app, database_url, tmp_path):
    path = gz(tmp_path, "many.xml.gz", HEAD,
              lambda out: [out.write(b"<x/>" * 100_000) for _ in range(20)], ITEM, TAIL)
    assert path.stat().st_size < 200_000  # 2 million elements (8 MiB) in a small file
    status, output, _seconds, peak = run_import(database_url, tmp_path, path)
    assert status == 0, output
    assert sql_count(database_url) == 1
    # The same import of a one-item file, in the same run: what the process needs anyway.
    small = gz(tmp_path, "one.xml.gz", HEAD, ITEM, TAIL)
    status, output, _seconds, baseline = run_import(database_url, tmp_path, small)
    assert status == 0, output
    # Held all at once, 1.5 million such elements took 126 MiB above that (219 against 93 MiB;
    # 600 MiB near 4 million); read as a stream, the import needs no more than a one-item file.
    assert peak < baseline + 50, (peak, baseline)


def sql_count(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    from comments.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        count = int(conn.execute(text("SELECT count(*) FROM comments")).scalar_one())
    engine.dispose()
    return count


def test_a_record_with_too_many_elements_is_refused(app, database_url, tmp_path):
    path = gz(tmp_path, "fat.xml.gz", HEAD, b"<item>",
              lambda out: [out.write(b"<x/>" * 50_000) for _ in range(3)], b"</item>", TAIL)
    status, output, _seconds, _peak = run_import(database_url, tmp_path, path)
    assert status != 0
    assert "more than 100000 elements" in output and "Traceback" not in output


def test_a_decompression_bomb_is_refused(app, database_url, tmp_path):
    path = gz(tmp_path, "bomb.xml.gz", HEAD,
              lambda out: [out.write(b"<x/>" * 1_000_000) for _ in range(10)], TAIL)
    status, output, seconds, _peak = run_import(database_url, tmp_path, path)
    assert status != 0
    assert "decompression bomb" in output and "Traceback" not in output
    assert seconds < 90  # refused after 8 MiB of it (2 million elements); noisy machine


def test_a_huge_attribute_is_refused_before_expat_sees_it(app, database_url, tmp_path):
    # expat is quadratic here: 16 MiB took about 5 s, 64 MiB minutes.
    path = tmp_path / "attribute.xml"
    path.write_bytes(HEAD + b'<x a="' + b"y" * (16 << 20) + b'"/>' + ITEM + TAIL)
    status, output, seconds, _peak = run_import(database_url, tmp_path, path)
    assert status != 0
    assert "without markup" in output and "Traceback" not in output
    assert seconds < 15
    assert sql_count(database_url) == 0


def test_a_slow_file_does_not_hold_the_write_lock(app, client, database_url, tmp_path):
    fifo = tmp_path / "slow.xml"
    os.mkfifo(fifo)
    result: dict[str, Any] = {}
    importer = threading.Thread(
        target=lambda: result.update(answer=run_import(database_url, tmp_path, fifo)))
    importer.start()
    items = [ITEM.replace(b"<wp:post_id>1<", b"<wp:post_id>%d<" % n)
                 .replace(b"<wp:comment_id>1<", b"<wp:comment_id>%d<" % n)
                 .replace(b"/p/<", b"/p/%d/<" % n) for n in range(1, 1001)]
    with fifo.open("wb") as writer:
        # Far more than the readers' buffers: the importer parses records, then waits for more.
        writer.write(HEAD + b"".join(items))
        writer.flush()
        time.sleep(3)
        started = time.monotonic()
        posted = client.post("/api/v1/comments", json={"uri": "/live/", "text": "still open"})
        waited = time.monotonic() - started
        writer.write(TAIL)
    importer.join(60)
    assert posted.status_code == 201, posted.json
    assert waited < 2, waited
    status, output, _seconds, _peak = result["answer"]
    assert status == 0, output
    assert sql(app, "SELECT count(*) FROM comments") == [(1001,)]
