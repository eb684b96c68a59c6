"""A commenter's website is served in one normal form (yarl), never with raw quotes or brackets."""

from __future__ import annotations

import pytest

from tests.support.app import sql

URI = "/2019/02/08/summit/"


def websites(client):
    return [c["website"] for c in client.get(f"/api/v1/comments?uri={URI}").json["comments"]]


def test_quotes_and_brackets_are_percent_encoded(client, post):
    answer = post(website='https://example.org/a"<b>?q=<i>#"x"')
    assert answer.status_code == 201
    assert answer.json["website"] == "https://example.org/a%22%3Cb%3E?q=%3Ci%3E#%22x%22"
    assert websites(client) == ["https://example.org/a%22%3Cb%3E?q=%3Ci%3E#%22x%22"]


def test_international_names_become_their_ascii_form(client, post):
    assert post(website="bücher.example/straße").json["website"] == \
        "https://xn--bcher-kva.example/stra%C3%9Fe"


@pytest.mark.parametrize("website", [
    'https://ex"ample.org/', "https://exa<mple.org/", "https://bank.example@evil.example/",
    "javascript:alert(1)", "https:///nohost", "ftp://example.org/",
])
def test_what_cannot_be_a_plain_web_address_is_refused(post, website):
    answer = post(website=website)
    assert answer.status_code == 422, website
    assert "website" in answer.json["errors"]


def test_a_website_stored_before_is_served_in_the_normal_form_or_not_at_all(app, client, post):
    first = post(text="one", website="https://example.org/").json["id"]
    second = post(text="two", website="https://example.org/").json["id"]
    sql(app, "UPDATE comments SET website = :w WHERE id = :i", w='https://example.org/"><x', i=first)
    sql(app, "UPDATE comments SET website = :w WHERE id = :i", w='https://e"x.org/', i=second)
    assert websites(client) == ["https://example.org/%22%3E%3Cx", None]
    page = client.get(f"/embed/thread?site=default&uri={URI}").text
    assert 'href="https://example.org/%22%3E%3Cx"' in page and "e&#34;x.org" not in page


def test_imported_websites_take_the_same_form():
    from comments.porting.records import clean_website

    assert clean_website('https://example.org/"<x>') == "https://example.org/%22%3Cx%3E"
    assert clean_website("https://user:pw@example.org/") is None
