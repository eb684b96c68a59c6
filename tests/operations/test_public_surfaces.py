"""Every public answer: the right security headers for its surface, CORS only for the site's
origins, redirects only to stored URLs, and no email, address or hash of either anywhere."""

from __future__ import annotations

import uuid

import pytest

from tests.support.app import SECRET
from tests.support.surfaces import READERS, URI, needles, walk

REFERRER_POLICIES = {"no-referrer", "strict-origin-when-cross-origin", "same-origin",
                     "strict-origin"}


def _directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


@pytest.fixture
def config(config):
    """Cheap password hashing (many sign-ins), and the demo article page as one more surface."""
    return {**config, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "DEMO": True}


@pytest.fixture
def seen(app, client):
    return walk(app, client)


def test_every_response_carries_the_headers_of_its_surface(seen):
    assert len(seen) >= 25
    for answer in seen:
        headers = answer.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", answer.label
        assert headers.get("Referrer-Policy") in REFERRER_POLICIES, answer.label
        assert "Strict-Transport-Security" not in headers, answer.label  # plain http here
        if answer.mimetype in ("text/css", "application/javascript", "text/javascript") \
                or answer.status in (301, 302, 303, 304):
            continue
        policy = headers.get("Content-Security-Policy")
        assert policy, f"{answer.label} ({answer.mimetype}) has no CSP"
        csp = _directives(policy)
        assert csp.get("default-src") == "'none'", (answer.label, policy)
        assert "frame-ancestors" in csp, answer.label
        scripts = csp.get("script-src", "'none'")
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, answer.label
        assert "*" not in scripts.split() and "data:" not in scripts, answer.label
        if answer.mimetype == "text/html" and not answer.label.startswith("GET /embed/thread"):
            assert csp["frame-ancestors"] == "'none'", answer.label  # nobody frames these
        if answer.label.startswith("GET /embed/thread") and "site=nope" in answer.label:
            assert csp["frame-ancestors"] == "'none'", answer.label  # an unknown site: nobody
        elif answer.label.startswith("GET /embed/thread"):
            assert set(csp["frame-ancestors"].split()) == {  # the site's own pages, nobody else
                "https://news.example", "https://www.news.example"}, policy
        if answer.mimetype == "application/json":
            assert csp["frame-ancestors"] == "'none'", answer.label


def test_no_public_answer_holds_an_email_an_address_or_a_hash_of_either(app, seen):
    forbidden = needles(app)
    assert len(forbidden) > 100
    for answer in seen:
        text = " ".join([answer.body, *(f"{k}: {v}" for k, v in answer.headers.items()
                                        if k.lower() != "set-cookie")])
        for token in answer.tokens:
            text = text.replace(token, "<the mailed token>")  # the owner's own capability
        lowered = text.lower()
        for needle, what in forbidden.items():
            assert needle not in text and needle.lower() not in lowered, \
                f"{answer.label} shows {what}"


def test_every_redirect_goes_to_a_stored_url_or_stays_home(seen):
    redirects = [answer for answer in seen if 300 <= answer.status < 400 and answer.status != 304]
    assert redirects, "the walk follows at least the share link"
    for answer in redirects:
        location = answer.headers["Location"]
        assert location == f"https://news.example{URI}" or (
            location.startswith("/") and not location.startswith("//")), (answer.label, location)


def test_a_share_link_goes_to_the_stored_article_whatever_the_request_says(client):
    url = client.post("/api/v1/shares/links", json={"uri": URI}).json["url"]
    path = "/" + url.split("/", 3)[3]
    for query, headers in (("", {}), ("?next=https://evil.example/", {}),
                           ("?url=//evil.example", {"Host": "evil.example",
                                                    "X-Forwarded-Host": "evil.example",
                                                    "Referer": "https://evil.example/"})):
        response = client.get(path + query, headers=headers)
        assert response.status_code == 302
        assert response.headers["Location"] == f"https://news.example{URI}"


OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
            "/moderate\\@evil.example", "javascript:alert(1)", "https:evil.example",
            " //evil.example", "/%2F%2Fevil.example", "///evil.example"]


def test_signing_in_never_sends_anyone_off_site(app):
    from tests.support.moderation import csrf_token, make_moderator

    make_moderator(app, "admin@example.com", role="admin", all_sites=True)
    for target in OFF_SITE:
        client = app.test_client()
        token = csrf_token(client)
        response = client.post("/moderate/signin", data={
            "email": "admin@example.com", "password": "correct horse battery staple",
            "csrf_token": token, "next": target})
        assert response.status_code == 303
        assert response.headers["Location"] == "/moderate/", (target, response.headers)


ORIGINS = [("https://www.news.example", True), ("https://news.example", True),  # its own
           ("https://www.news.example.evil.example", False), ("http://www.news.example", False),
           ("null", False), ("https://evil.example", False), (None, False)]


def test_public_reads_answer_cors_only_to_the_sites_origins(client, post):
    post(text="counted")
    for path in (f"/api/v1/counts?uri={URI}", f"/api/v1/comments?uri={URI}",
                 f"/api/v1/feeds/comments.atom?uri={URI}", "/api/v1/feeds/recent.atom"):
        for origin, allowed in ORIGINS:
            response = client.get(path, headers={"Origin": origin} if origin else {})
            assert response.status_code == 200
            assert "Origin" in response.headers.get("Vary", ""), path
            assert response.headers.get("Access-Control-Allow-Origin") == (
                origin if allowed else None), (path, origin)
            assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("proxies, forwarded, hsts", [
    (1, "https", True),   # TLS ends at our proxy, which says so
    (0, "https", False),  # nobody we trust said so: a client's header is not https
    (1, "http", False),
])
def test_hsts_only_behind_https_as_a_trusted_proxy_reports_it(
        database_url, tmp_path, monkeypatch, proxies, forwarded, hsts):
    from comments import create_app
    from comments.extensions import db

    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_ENABLED": False, "TRUSTED_PROXIES": proxies,
                      "PUBLIC_URL": "https://comments.news.example"})
    client = app.test_client()
    for path in ("/healthz", "/moderate/signin", f"/api/v1/counts?uri={URI}&site=none"):
        # base_url: the test client would otherwise take https from PUBLIC_URL.
        response = client.get(path, base_url="http://comments.news.example/",
                              headers={"X-Forwarded-Proto": forwarded,
                                       "X-Forwarded-For": "192.0.2.1"})
        value = response.headers.get("Strict-Transport-Security")
        if hsts:
            assert value and int(value.split("max-age=")[1].split(";")[0]) >= 15_552_000, path
        else:
            assert value is None, path
    with app.app_context():
        db.engine.dispose()


def test_sign_in_is_throttled_per_account_whatever_the_address(database_url, tmp_path,
                                                               monkeypatch):
    from comments import create_app
    from comments.extensions import db, limiter
    from tests.support.moderation import csrf_token, make_moderator

    monkeypatch.setenv("COMMENTS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True,
                      "RATELIMIT_ENABLED": True, "SIGNIN_LIMIT": "3 per minute",
                      "RATELIMIT_KEY_PREFIX": uuid.uuid4().hex, "TRUSTED_PROXIES": 1,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    make_moderator(app, "admin@example.com", role="admin", all_sites=True)
    statuses = []
    for attempt in range(5):
        client = app.test_client()  # a new session and a new address every time
        token = csrf_token(client)
        response = client.post("/moderate/signin", data={
            "email": "Admin@Example.com", "password": f"guess {attempt}", "csrf_token": token},
            headers={"X-Forwarded-For": f"192.0.2.{attempt + 10}"})
        statuses.append(response.status_code)
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429], statuses
    client = app.test_client()
    token = csrf_token(client)
    right = client.post("/moderate/signin", data={
        "email": "admin@example.com", "password": "correct horse battery staple",
        "csrf_token": token}, headers={"X-Forwarded-For": "192.0.2.99"})
    assert right.status_code == 429  # even the right password waits: guessing must not pay
    with app.app_context():
        limiter.reset()
        db.engine.dispose()


def test_the_walk_covers_what_readers_wrote(seen):
    """The search above is only worth something if the walk saw the readers' comments."""
    thread = next(answer for answer in seen if answer.label == f"GET /api/v1/comments?uri={URI}")
    assert "First, with a" in thread.body and "A reply." in thread.body
    assert READERS[0][0] not in thread.body


def test_the_search_finds_what_moderators_may_see(app, client, seen):
    """The moderation API shows emails (to moderators): the same search must catch them."""
    from tests.support.moderation import make_moderator, make_token

    token = make_token(app, make_moderator(app, "mod@example.com", role="admin", all_sites=True))
    body = client.get("/api/v1/moderation/comments?status=approved",
                      headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
    assert any(needle.lower() in body.lower() for needle in needles(app))
