"""Fetching an article's facts from the article_site's own page: limits on size, time, redirects, hosts."""

from __future__ import annotations

import time

from comments.services.articles.page import fetch_page
from tests.support.publisher import ArticleSite

LIMITS = {"timeout": 2.0, "max_bytes": 256 * 1024, "max_redirects": 3}


def test_og_title_comes_first_then_the_title(article_site: ArticleSite) -> None:
    article_site.page("/og/", "Site name | Story", og_title="The story")
    article_site.page("/plain/", "Plain story")
    assert fetch_page(article_site.base_url, "/og/", **LIMITS).title == "The story"
    facts = fetch_page(article_site.base_url, "/plain/", **LIMITS)
    assert (facts.status, facts.title) == (200, "Plain story")


def test_a_title_with_markup_is_plain_bounded_text(article_site: ArticleSite) -> None:
    article_site.page("/markup/", "Breaking &lt;b&gt;news&lt;/b&gt; <i>now</i>\n  &amp; later")
    article_site.page("/og-markup/", "x",
                      og_title="&lt;a href=&quot;https://evil.example/&quot;&gt;Click&lt;/a&gt; here")
    article_site.page("/long/", "word " * 400)
    assert fetch_page(article_site.base_url, "/markup/", **LIMITS).title == "Breaking news now & later"
    assert fetch_page(article_site.base_url, "/og-markup/", **LIMITS).title == "Click here"
    long = fetch_page(article_site.base_url, "/long/", **LIMITS).title
    assert 0 < len(long) <= 300 and "<" not in long


def test_a_missing_page_is_not_an_article(article_site: ArticleSite) -> None:
    facts = fetch_page(article_site.base_url, "/nowhere/", **LIMITS)
    assert facts.status == 404 and facts.title == "" and not facts.exists


def test_redirects_on_the_same_host_are_followed(article_site: ArticleSite) -> None:
    article_site.page("/new/", "Moved story")
    article_site.redirect("/old/", "/new/")
    article_site.redirect("/older/", f"{article_site.base_url}/old/", status=301)
    facts = fetch_page(article_site.base_url, "/older/", **LIMITS)
    assert (facts.status, facts.title, facts.exists) == (200, "Moved story", True)


def test_a_redirect_to_another_host_is_refused_unfollowed(article_site: ArticleSite,
                                                         other_host: ArticleSite) -> None:
    other_host.page("/a/", "URGENT: verify your account")
    article_site.redirect("/away/", f"{other_host.base_url}/a/")
    article_site.redirect("/renamed/", f"http://localhost:{article_site.port}/a/")
    for path in ("/away/", "/renamed/"):
        facts = fetch_page(article_site.base_url, path, **LIMITS)
        assert not facts.exists and facts.title == "" and "another host" in facts.problem
    assert other_host.hits == []
    assert all(host == f"127.0.0.1:{article_site.port}" for host, _path in article_site.hits)


def test_endless_redirects_stop(article_site: ArticleSite) -> None:
    article_site.redirect("/loop/", "/loop2/")
    article_site.redirect("/loop2/", "/loop/")
    facts = fetch_page(article_site.base_url, "/loop/", **LIMITS)
    assert not facts.exists and "redirects" in facts.problem
    assert article_site.served("/loop/") + article_site.served("/loop2/") == LIMITS["max_redirects"] + 1


def test_a_huge_page_is_read_only_up_to_the_limit(article_site: ArticleSite) -> None:
    started = time.monotonic()
    facts = fetch_page(article_site.base_url, "/huge/", **LIMITS)
    assert (facts.status, facts.title) == (200, "Huge page")
    assert time.monotonic() - started < 2
    time.sleep(0.3)
    # What the server managed to write before we hung up: our limit plus the sockets' buffers,
    # far from the 128 MB it would send to a reader that reads everything.
    assert article_site.huge_bytes_sent < 16 * 1024 * 1024


def test_a_slow_page_times_out(article_site: ArticleSite) -> None:
    article_site.slow_seconds = 6
    started = time.monotonic()
    facts = fetch_page(article_site.base_url, "/slow/", **{**LIMITS, "timeout": 1.0})
    assert not facts.exists and "time" in facts.problem
    assert time.monotonic() - started < 2


def test_a_trickling_page_is_bounded_in_total_time(article_site: ArticleSite) -> None:
    started = time.monotonic()
    facts = fetch_page(article_site.base_url, "/trickle/", **{**LIMITS, "timeout": 1.0})
    assert not facts.exists and "time" in facts.problem
    assert time.monotonic() - started < 2


def test_only_paths_on_the_site_are_fetched(article_site: ArticleSite, other_host: ArticleSite) -> None:
    for uri in (f"//127.0.0.1:{other_host.port}/a/", f"@127.0.0.1:{other_host.port}/a/",
                "/a/\\..\\", "/a/\n", "/\ud800/"):
        facts = fetch_page(article_site.base_url, uri, **LIMITS)
        assert not facts.exists
    assert other_host.hits == [] and article_site.hits == []


def test_a_page_is_read_from_a_thread_that_already_runs_an_event_loop(
        article_site: ArticleSite) -> None:
    # A browser driven from the test's thread, or an async server, runs a loop there already;
    # the reading must not depend on the caller's thread being loop-free.
    import asyncio

    article_site.page("/story/", "A story")

    async def inside() -> str:
        return fetch_page(article_site.base_url, "/story/", **LIMITS).title

    assert asyncio.run(inside()) == "A story"
