"""Seeding through a service's own public API: the same thread shapes for every service."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# post(uri, text, parent_id) -> the new comment's id
Poster = Callable[[str, str, "int | None"], int]

WORDS = [
    "the",
    "minister",
    "said",
    "the",
    "vote",
    "would",
    "come",
    "before",
    "the",
    "summer",
    "recess",
    "and",
    "that",
    "the",
    "opposition",
    "had",
    "been",
    "briefed",
    "on",
    "every",
    "detail",
    "of",
    "the",
    "plan",
    "though",
    "few",
    "believed",
    "it",
]


def thread_shape(size: int, seed: int) -> list[int | None]:
    """For each comment, the index of the comment it replies to (None: top-level).

    About 40% top-level; replies go to earlier comments, so threads nest a few levels deep.
    """
    rng = random.Random(seed)
    shape: list[int | None] = []
    for index in range(size):
        if index and rng.random() < 0.6:
            shape.append(rng.randrange(index))
        else:
            shape.append(None)
    return shape


def comment_text(rng: random.Random, number: int) -> str:
    """A plausible comment of 20 to 60 words with a little markdown, unique by `number`."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
    words[rng.randrange(len(words))] = f"**{words[0]}**"
    return f"Comment {number}: " + " ".join(words) + "."


@dataclass
class Seeded:
    """What seeding one thread took."""

    ids: list[int] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)


def seed_thread(post: Poster, uri: str, size: int, seed: int = 1) -> Seeded:
    """Post `size` comments to `uri` in the shape of `thread_shape`, timing every post."""
    rng = random.Random(seed * 7919)
    seeded = Seeded()
    for number, parent in enumerate(thread_shape(size, seed)):
        parent_id = seeded.ids[parent] if parent is not None else None
        begin = time.perf_counter()
        seeded.ids.append(post(uri, comment_text(rng, number), parent_id))
        seeded.post_ms.append((time.perf_counter() - begin) * 1000)
    return seeded
