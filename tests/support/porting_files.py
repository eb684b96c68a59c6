"""Export files for import tests: the real ones, and small generated ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def real_export(name: str) -> Path:
    """A real export from ../shared/fixtures (beside the checkout), else our copy in tests/."""
    shared = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / name
    if shared.exists():
        return shared
    local = HERE / "fixtures" / name
    if local.exists():
        return local
    zipped = HERE / "fixtures" / (name + ".gz")
    assert zipped.exists(), f"fixture {name} is neither in ../shared/fixtures nor tests/fixtures"
    return zipped


def wxr_comment(comment_id: int, text: str, *, parent: int = 0, approved: str = "1",
                kind: str = "", author: str = "Reader", email: str = "reader@example.org",
                date: str = "2020-01-02 03:04:05") -> str:
    return f"""<wp:comment>
  <wp:comment_id>{comment_id}</wp:comment_id>
  <wp:comment_author><![CDATA[{author}]]></wp:comment_author>
  <wp:comment_author_email>{email}</wp:comment_author_email>
  <wp:comment_author_url>https://reader.example/</wp:comment_author_url>
  <wp:comment_author_IP>192.0.2.7</wp:comment_author_IP>
  <wp:comment_date>{date}</wp:comment_date>
  <wp:comment_date_gmt>{date}</wp:comment_date_gmt>
  <wp:comment_content><![CDATA[{text}]]></wp:comment_content>
  <wp:comment_approved>{approved}</wp:comment_approved>
  <wp:comment_type>{kind}</wp:comment_type>
  <wp:comment_parent>{parent}</wp:comment_parent>
</wp:comment>"""


def wxr(items: list[dict[str, Any]], namespace: str = "http://wordpress.org/export/1.2/") -> str:
    """A WXR document; each item: link, title, post_id, comments (strings), closed."""
    body = []
    for item in items:
        status = "closed" if item.get("closed") else "open"
        body.append(f"""<item><title>{item.get('title', 'An article')}</title>
<link>{item['link']}</link><wp:post_id>{item['post_id']}</wp:post_id>
<wp:comment_status>{status}</wp:comment_status><wp:post_type>post</wp:post_type>
{''.join(item.get('comments', []))}</item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="{namespace}" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Old blog</title>
{''.join(body)}</channel></rss>"""


def cleaned_remark42_disqus() -> str:
    """The remark42 Disqus export without its two deliberate defects (a stray leading backtick
    and a malformed last post), to check what a readable Disqus file turns into."""
    text = real_export("disqus-remark42.xml").read_text(encoding="utf-8").lstrip("`")
    start = text.index('<post dsq:id="x299986073">')
    end = text.index("</post>", start) + len("</post>")
    return text[:start] + text[end:]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><link>https://old.example/a/</link><title>&lol9;</title></thread>
<post dsq:id="2"><message>&lol9;</message><createdAt>2020-01-01T00:00:00Z</createdAt>
<isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>x</name></author>
<thread dsq:id="1"/></post>
</disqus>
"""

EXTERNAL_ENTITY = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<item><title>A</title><link>https://old.example/a/</link><wp:post_id>1</wp:post_id>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author>x</wp:comment_author>
<wp:comment_date_gmt>2020-01-01 00:00:00</wp:comment_date_gmt>
<wp:comment_content>&secret;</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
<wp:comment_parent>0</wp:comment_parent></wp:comment></item></channel></rss>
"""
