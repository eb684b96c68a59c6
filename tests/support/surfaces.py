"""The public surfaces a stranger can reach, after readers with known emails and addresses wrote."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient

from tests.support.app import sql

URI = "/2019/02/08/summit/"
READERS = [  # (email, address) of each writer
    ("Secret.Reader@Example.org", "203.0.113.77"),
    ("second.reader@example.net", "2001:db8:85a3::8a2e:370:7334"),
    ("sharer@example.com", "198.51.100.23"),
]
FRIEND = "friend.of.sharer@example.org"


@dataclass
class Seen:
    """One response a stranger can get: what was asked, and the answer."""

    label: str
    status: int
    mimetype: str
    headers: dict[str, str]
    body: str
    tokens: list[str] = field(default_factory=list)  # capabilities in the URL, mailed to the owner


def seed(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Comments, a reply, votes, a flag, shares, subscriptions and a privacy request."""
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"share_by_email": True, "min_submit_seconds": 0})
    (email1, ip1), (email2, ip2), (email3, ip3) = READERS
    first = client.post("/api/v1/comments", json={
        "uri": URI, "title": "Summit", "text": "First, with a [link](https://ann.example/).",
        "author": "Ann", "email": email1, "website": "https://ann.example/",
        "notify_replies": True}, environ_base={"REMOTE_ADDR": ip1})
    reply = client.post("/api/v1/comments", json={
        "uri": URI, "text": "A reply.", "author": "Bob", "email": email2,
        "parent_id": first.json["id"], "notify_replies": True},
        environ_base={"REMOTE_ADDR": ip2})
    vote = client.post(f"/api/v1/comments/{first.json['id']}/votes", json={"value": 1},
                       environ_base={"REMOTE_ADDR": ip3})
    flag = client.post(f"/api/v1/comments/{reply.json['id']}/flags", json={"reason": "spam"},
                       environ_base={"REMOTE_ADDR": ip3})
    link = client.post("/api/v1/shares/links", json={"uri": URI},
                       environ_base={"REMOTE_ADDR": ip3})
    from comments.services import tokens

    with app.test_request_context():
        form = tokens.sign("form", {"t": time.time() - 60, "j": secrets.token_hex(12)})
    mailed = client.post("/api/v1/shares", json={
        "uri": URI, "to": FRIEND, "from_name": "Sharer", "from_email": email3, "note": "",
        "form_token": form, "hp": ""}, environ_base={"REMOTE_ADDR": ip3})
    assert first.status_code == 201 and reply.status_code == 201, (first.json, reply.json)
    assert vote.status_code == 200 and flag.status_code == 202 and mailed.status_code == 202
    return {"first": first, "reply": reply, "vote": vote, "flag": flag, "link": link,
            "mailed": mailed}


def _seen(label: str, response: Any, tokens: list[str] | None = None) -> Seen:
    return Seen(label, response.status_code, response.mimetype or "",
                dict(response.headers), response.get_data(as_text=True), tokens or [])


def walk(app: Flask, client: FlaskClient) -> list[Seen]:
    """Every public answer, JSON and HTML, after `seed`."""
    from comments.services.mail import subscription_links

    answers = seed(app, client)
    seen = [_seen(f"POST {name}", response) for name, response in answers.items()]
    gets = [f"/api/v1/comments?uri={URI}", f"/api/v1/comments?uri={URI}&sort=newest",
            f"/api/v1/comments?uri={URI}&sort=top&limit=1", f"/api/v1/counts?uri={URI}&uri=/x/",
            f"/api/v1/feeds/comments.atom?uri={URI}", "/api/v1/feeds/recent.atom",
            "/api/openapi.json", "/healthz", "/readyz", "/privacy/", "/privacy/style.css",
            "/moderate/signin", "/moderate/", "/nope", "/api/v1/comments/1", "/s/forged",
            f"/embed/thread?site=default&uri={URI}", f"/embed/thread?uri={URI}&sort=newest",
            "/embed/thread?uri=/nobody-wrote-here/", "/embed/thread?site=nope&uri=/a/",
            "/embed/token", "/embed.js", "/"]
    seen += [_seen(f"GET {path}", client.get(path)) for path in gets]
    seen.append(_seen("POST preview", client.post("/api/v1/preview", json={"text": "*hi*"})))
    share_path = "/" + answers["link"].json["url"].split("/", 3)[3]
    seen.append(_seen(f"GET {share_path}", client.get(share_path)))
    subscription = sql(app, "SELECT id FROM subscriptions ORDER BY id")[0][0]
    with app.test_request_context():
        unsubscribe = subscription_links.unsubscribe_token(READERS[0][0], "all")
        confirm = subscription_links.confirm_url(subscription).rsplit("/", 1)[1]
    for path, token in ((f"/mail/unsubscribe/{unsubscribe}", unsubscribe),
                        (f"/mail/confirm/{confirm}", confirm)):
        seen.append(_seen(f"GET {path}", client.get(path), [token]))
        seen.append(_seen(f"POST {path}", client.post(path, data={"scope": "all"}), [token]))
    seen.append(_seen("POST /privacy/", client.post("/privacy/", data={
        # The form shows back what its sender typed: an address nobody commented with.
        "kind": "export", "email": "a.stranger@example.com", "form_token": "x"})))
    return seen


def needles(app: Flask) -> dict[str, str]:
    """What must never show: each email and address, plain, encoded or hashed, keyed or not."""
    from comments.services.hashing import address_range, keyed_hash

    found: dict[str, str] = {}
    values = [value for pair in READERS for value in pair] + [FRIEND]
    with app.app_context():
        for value in values:
            forms = {value, value.lower(), value.strip().lower()}
            if ":" in value or value.count(".") == 3:
                forms.add(address_range(value))
            for form in forms:
                found[form] = f"{value} itself"
                found[quote(form, safe="")] = f"{value} url-encoded"
                found[base64.b64encode(form.encode()).decode().rstrip("=")] = f"{value} base64"
                found[base64.urlsafe_b64encode(form.encode()).decode().rstrip("=")] = \
                    f"{value} base64url"
                for name in ("md5", "sha1", "sha256", "sha512"):
                    digest = hashlib.new(name, form.encode()).hexdigest()
                    found[digest[:16]] = f"{name} of {value}"
                for purpose in ("email", "address", "quota", "share", "ip"):
                    found[keyed_hash(purpose, form)[:16]] = f"keyed {purpose} hash of {value}"
    return found
