"""Readers' identity: a signed-in post against an anonymous one, and reads with and without it.

Run: .venv/bin/python bench/identity.py [--posts 400] [--backend sqlite|postgresql]
In-process (Flask's test client, rate limits off) on a fresh database; anonymous and
signed-in posts alternate so that both see the same machine. Prints medians in milliseconds.
The goal: a signed-in post adds at most 1 ms at the median; a read costs the same either way
(reads never carry the reader token). Nothing here is a test: people read the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from typing import Any

SECRET = "bench-secret-key-not-for-production"


def median_ms(runs: list[float]) -> str:
    ordered = sorted(runs)
    return (f"{statistics.median(runs):7.2f} ms  (p90 {ordered[int(len(ordered) * 0.9)]:.2f}, "
            f"n={len(runs)})")


def database(backend: str, folder: str) -> tuple[str, Any]:
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench.db", lambda: None
    import psycopg

    admin = os.environ.get("COMMENTS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"comments_bench_identity_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin.rsplit("/", 1)[0] + "/" + name, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=400, help="posts of each kind")
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    options = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-identity-")
    os.environ.setdefault("COMMENTS_INSTANCE_PATH", os.path.join(folder, "instance"))
    url, drop = database(options.backend, folder)
    try:
        run(url, options.posts)
    finally:
        drop()


def run(url: str, posts: int) -> None:
    import jwt
    from flask_migrate import upgrade

    from comments import create_app
    from comments.services.identity.sso_keys import new_sso_secret
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        create_site("default", "https://news.example")
        secret = new_sso_secret("default")
    client = app.test_client()
    now = int(time.time())
    token = jwt.encode({"aud": "default", "iat": now, "exp": now + 86400,
                        "user": {"id": "u-1", "username": "Jane Reader",
                                 "email": "jane@example.org", "badges": ["subscriber"]}},
                       secret, algorithm="HS256")
    answer = client.post("/api/v1/readers/session", json={"site": "default", "sso_token": token})
    reader_token = answer.get_json()["reader_token"]
    signed = {"X-Reader-Token": reader_token}
    anonymous = {"X-Browser-Key": "b" * 32}

    cpu: dict[bool, list[float]] = {False: [], True: []}

    def post(headers: dict[str, str], n: int) -> float:
        body = {"uri": f"/bench/{n % 20}/", "text": f"Comment number {n} on the article.",
                "author": "Ann", "email": "ann@example.org"}
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.post("/api/v1/comments", json=body, headers=headers)
        spent = (time.perf_counter() - started) * 1000
        # CPU time of this thread: what the request itself costs, without waiting for the
        # disk or for the other processes of a busy machine.
        cpu["X-Reader-Token" in headers].append((time.thread_time() - started_cpu) * 1000)
        assert response.status_code == 201, response.get_json()
        return spent

    for n in range(30):  # warm up both paths
        post(anonymous, n)
        post(signed, n)
    cpu[False].clear()
    cpu[True].clear()
    plain: list[float] = []
    identified: list[float] = []
    for n in range(posts):
        if n % 2:
            plain.append(post(anonymous, n))
            identified.append(post(signed, n))
        else:
            identified.append(post(signed, n))
            plain.append(post(anonymous, n))
    print(f"post, anonymous (browser key)   {median_ms(plain)}")
    print(f"post, signed in (reader token)  {median_ms(identified)}")
    print(f"difference of medians           "
          f"{statistics.median(identified) - statistics.median(plain):+7.2f} ms  (goal <= +1 ms)")
    pairs = [b - a for a, b in zip(plain, identified, strict=True)]
    print(f"median of paired differences    {statistics.median(pairs):+7.2f} ms")
    print(f"CPU per post, anonymous         {median_ms(cpu[False])}")
    print(f"CPU per post, signed in         {median_ms(cpu[True])}")
    print(f"CPU difference of medians       "
          f"{statistics.median(cpu[True]) - statistics.median(cpu[False]):+7.2f} ms  (goal <= +1 ms)")

    def read(headers: dict[str, str]) -> float:
        started = time.perf_counter()
        response = client.get("/api/v1/comments?site=default&uri=/bench/1/&limit=50",
                              headers=headers)
        spent = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        return spent

    reads_plain: list[float] = []
    reads_signed: list[float] = []
    for _ in range(posts):
        reads_plain.append(read({}))
        reads_signed.append(read(signed))  # a client that sends it anyway: ignored on reads
    print(f"read, anonymous                 {median_ms(reads_plain)}")
    print(f"read, with a reader token       {median_ms(reads_signed)}")


if __name__ == "__main__":
    main()
