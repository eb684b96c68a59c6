"""Rule matching with thousands of rules: compile per request, match words, bans and hostile text.

Run: .venv/bin/python bench/rule_matching.py [--rules 5000]
Prints milliseconds per operation (median of several runs). Nothing here is a test: budgets
are read by people from the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import tempfile
import time
from collections.abc import Callable
from typing import Any


def timed(label: str, work: Callable[[], Any], repeat: int = 7) -> Any:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        runs.append((time.perf_counter() - started) * 1000)
    print(f"{label:<58} {statistics.median(runs):9.2f} ms  (max {max(runs):.2f})")
    return result


def words(count: int, rng: random.Random) -> list[str]:
    made = set()
    while len(made) < count:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10)))
        shape = rng.random()
        if shape < 0.15:
            word += "*"
        elif shape < 0.25:
            word = "*" + word
        elif shape < 0.30:
            word = word[:2] + "?" + word[3:]
        elif shape < 0.35:
            word = word[:3] + "*" + word[3:]
        made.add(word)
    return sorted(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=5000, help="rules of each kind")
    options = parser.parse_args()
    n = options.rules
    rng = random.Random(42)

    from comments.services.moderation.rules import compile_rules

    rows = [("block_word", w) for w in words(n, rng)] + [("hold_word", w) for w in words(n, rng)]
    rows += [("ban_email", f"user{i}@example{i % 97}.com") for i in range(n)]
    rows += [("ban_domain", f"spam{i}.example") for i in range(n)]
    rows += [("ban_network", f"{10 + i % 200}.{i % 256}.{(i * 7) % 256}.0/24") for i in range(n)]
    rows += [("ban_network", f"2001:db8:{i:x}::/48") for i in range(n // 2)]
    print(f"{len(rows)} rules: {n} blocked words, {n} held words, {n} emails, {n} domains, "
          f"{n + n // 2} networks")

    from comments.services.moderation.rules import _compile_rows

    def cold() -> Any:
        _compile_rows.cache_clear()
        return compile_rules(rows)

    rules = timed("compile all rules, cold (first post after a rule change)", cold)
    timed("compile all rules, same rows again (memoised by content)", lambda: compile_rules(rows))

    prose = " ".join(rng.choice(["the", "council", "voted", "against", "plan", "yesterday",
                                 "and", "readers", "were", "angry", "about", "it"])
                     for _ in range(2000))
    for size in (1_000, 10_000, 100_000):
        text = (prose * (size // len(prose) + 1))[:size]
        timed(f"blocked + held words, clean prose, {size // 1000}k chars",
              lambda text=text: (rules.blocked_word(text), rules.held_word(text)))
    hostile = {
        "one 100k-letter word": "a" * 100_000,
        "100k of 'ab' repeated": "ab" * 50_000,
        "100k random letters and spaces": "".join(
            rng.choice(string.ascii_lowercase + "    ") for _ in range(100_000)),
        "100k zero-width-split letters": "a\u200b" * 50_000,
    }
    for label, text in hostile.items():
        timed(f"words, hostile: {label}", lambda text=text: rules.blocked_word(text), repeat=3)

    timed("ban check: email + address (10 000 lookups)",
          lambda: [rules.ban_reason(f"x{i}@mail.spam{i % 50}.example", f"10.{i % 256}.1.1")
                   for i in range(10_000)], repeat=3)

    bench_database(rows)


def bench_database(rows: list[tuple[str, str]]) -> None:
    """Loading the rules of a site from SQLite in one query, then compiling: a post's overhead."""
    folder = tempfile.mkdtemp(prefix="bench-rules-")
    os.environ["COMMENTS_INSTANCE_PATH"] = folder
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from comments import create_app
    from comments.extensions import db
    from comments.models import Rule
    from comments.services.moderation.rules import load_rules
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        site = create_site("default", "https://news.example")
        db.session.execute(insert(Rule), [{"site_id": site.id, "kind": k, "pattern": p,
                                           "note": "", "created_by": "bench"} for k, p in rows])
        db.session.commit()
        site_id = site.id
        timed(f"load {len(rows)} rules from SQLite (one query), memoised compile",
              lambda: load_rules(site_id))
        db.session.remove()


if __name__ == "__main__":
    main()
