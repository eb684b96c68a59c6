"""Publisher single sign-on: real JWTs (HS256, RS256) in, reader tokens out; every forgery 403."""

from __future__ import annotations

import base64
import json
import time

import jwt

from tests.identity.support import (
    claims,
    hs256_secret,
    public_pem,
    reader_token,
    rsa_key,
    sign_in,
    sso_token,
    unique,
)


def test_an_hs256_token_signs_a_reader_in(client, runner):
    secret = hs256_secret(runner)
    response = sign_in(client, sso_token(secret, badges=None))
    assert response.status_code == 200
    body = response.get_json()
    assert body["reader"]["name"] == "Jane Reader"
    assert body["reader"]["verified"] is True
    me = client.get("/api/v1/readers/me", headers={"X-Reader-Token": body["reader_token"]})
    assert me.status_code == 200
    assert me.get_json()["reader"]["id"] == body["reader"]["id"]
    assert me.headers["Cache-Control"] == "private, no-store"


def test_the_secret_is_printed_once_and_a_new_one_replaces_it(client, runner):
    old = hs256_secret(runner)
    new = hs256_secret(runner)
    assert old != new
    assert sign_in(client, sso_token(old)).status_code == 403
    assert sign_in(client, sso_token(new)).status_code == 200
    listed = runner.invoke(["sites", "list", "--json"])
    assert new not in listed.output


def test_an_rs256_token_signs_a_reader_in_with_badges(client, runner, tmp_path):
    key = rsa_key()
    pem = tmp_path / "publisher.pem"
    pem.write_bytes(public_pem(key))
    result = runner.invoke(["sites", "update", "default", "--sso-public-key", str(pem)])
    assert "RS256" in result.output
    token = jwt.encode(claims(user={"id": 42, "username": "Kim", "email": "kim@example.org",
                                    "badges": ["Subscriber", "staff"]}), key, algorithm="RS256")
    response = sign_in(client, token)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reader"]["badges"] == ["subscriber", "staff"]


def test_forged_expired_foreign_and_unsigned_tokens_are_refused(client, runner, app):
    secret = hs256_secret(runner)
    from comments.services.sites import create_site

    with app.app_context():
        create_site("other", "https://other.example")
    now = int(time.time())
    refused = {
        "forged": sso_token("not-the-secret-but-long-enough-to-be-a-secret-32b"),
        "expired": jwt.encode({**claims(), "iat": now - 7200, "exp": now - 3600}, secret,
                              algorithm="HS256"),
        "wrong audience": sso_token(secret, aud="other"),
        "no audience": jwt.encode({k: v for k, v in claims().items() if k != "aud"}, secret,
                                  algorithm="HS256"),
        "no iat": jwt.encode({k: v for k, v in claims().items() if k != "iat"}, secret,
                             algorithm="HS256"),
        "too long a life": jwt.encode({**claims(), "exp": now + 8 * 86400}, secret,
                                      algorithm="HS256"),
        "issued in the future": jwt.encode({**claims(), "iat": now + 3600, "exp": now + 7200},
                                           secret, algorithm="HS256"),
        "alg none": _unsigned(claims()),
        "HS512 with the secret": jwt.encode(claims(), secret, algorithm="HS512"),
        "no user": jwt.encode({**claims(), "user": "jane"}, secret, algorithm="HS256"),
        "garbage": "not.a.jwt",
    }
    for why, token in refused.items():
        response = sign_in(client, token)
        assert response.status_code == 403, why
        assert response.get_json()["error"] == "bad_sso_token", why
    # The other site has no SSO key: a valid token for it has nothing to be checked with.
    assert sign_in(client, sso_token(secret, aud="other"), site="other").status_code == 403


def test_hs256_signed_with_the_rsa_public_key_is_refused(client, runner, tmp_path):
    key = rsa_key()
    pem_bytes = public_pem(key)
    pem = tmp_path / "publisher.pem"
    pem.write_bytes(pem_bytes)
    runner.invoke(["sites", "update", "default", "--sso-public-key", str(pem)])
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode())
    signing_input = header.rstrip(b"=") + b"." + payload.rstrip(b"=")
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(
        hmac.new(pem_bytes, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    confused = (signing_input + b"." + signature).decode()
    assert sign_in(client, confused).status_code == 403


def test_a_jti_is_accepted_once(client, runner):
    secret = hs256_secret(runner)
    token = sso_token(secret, jti=unique())
    assert sign_in(client, token).status_code == 200
    replay = sign_in(client, token)
    assert replay.status_code == 403
    assert sign_in(client, sso_token(secret, jti=unique())).status_code == 200


def test_a_newer_iat_changes_the_name_and_an_older_one_does_not(client, runner):
    secret = hs256_secret(runner)
    now = int(time.time())
    first = jwt.encode({**claims(name="Jane"), "iat": now - 60}, secret, algorithm="HS256")
    token = sign_in(client, first).get_json()["reader_token"]
    from tests.support.app import post_comment

    post_comment(client, text="Signed in.", headers={"X-Reader-Token": token})
    newer = jwt.encode({**claims(name="Jane Q. Reader"), "iat": now}, secret, algorithm="HS256")
    assert sign_in(client, newer).get_json()["reader"]["name"] == "Jane Q. Reader"
    older = jwt.encode({**claims(name="Old Jane"), "iat": now - 30}, secret, algorithm="HS256")
    assert sign_in(client, older).get_json()["reader"]["name"] == "Jane Q. Reader"
    page = client.get("/api/v1/comments?uri=/2019/02/08/summit/").get_json()
    assert [c["author"] for c in page["comments"]] == ["Jane Q. Reader"]


def test_signing_out_everywhere_revokes_every_token(client, runner):
    secret = hs256_secret(runner)
    first = reader_token(client, secret)
    second = reader_token(client, secret)
    assert client.delete("/api/v1/readers/session",
                         headers={"X-Reader-Token": first}).status_code == 204
    for token in (first, second):
        response = client.get("/api/v1/readers/me", headers={"X-Reader-Token": token})
        assert response.status_code == 403
        assert response.get_json()["error"] == "bad_reader_token"
    assert client.get("/api/v1/readers/me", headers={"X-Reader-Token": reader_token(
        client, secret)}).status_code == 200


def test_a_reader_token_is_bound_to_its_site(client, runner, app):
    secret = hs256_secret(runner)
    token = reader_token(client, secret)
    from comments.services.sites import create_site

    with app.app_context():
        create_site("other", "https://other.example")
    # A token of the default site cannot post on the other one.
    from tests.support.app import post_comment

    response = post_comment(client, site="other", headers={"X-Reader-Token": token})
    assert response.status_code == 403
    assert response.get_json()["error"] == "bad_reader_token"


def test_a_session_needs_one_way_in(client):
    assert client.post("/api/v1/readers/session", json={"site": "default"}).status_code == 422
    response = client.post("/api/v1/readers/session",
                           json={"sso_token": "x", "email": "a@example.org"})
    assert response.status_code == 422
    assert client.get("/api/v1/readers/me").status_code == 400


def _unsigned(body: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(body)}."


def test_an_eddsa_key_verifies_eddsa_tokens_only(client, runner, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    key = ed25519.Ed25519PrivateKey.generate()
    pem = tmp_path / "ed25519.pem"
    pem.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert "EdDSA" in runner.invoke(["sites", "update", "default", "--sso-public-key",
                                     str(pem)]).output
    assert sign_in(client, jwt.encode(claims(), key, algorithm="EdDSA")).status_code == 200
    rsa_signed = jwt.encode(claims(), rsa_key(), algorithm="RS256")
    assert sign_in(client, rsa_signed).status_code == 403
    weak = tmp_path / "weak.pem"
    weak.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=1024)
                     .public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo))
    result = runner.invoke(["sites", "update", "default", "--sso-public-key", str(weak)])
    assert result.exit_code != 0 and "2048" in result.output
    assert sign_in(client, jwt.encode(claims(), key, algorithm="EdDSA")).status_code == 200
