"""Linking imported replies to their parents, whatever order and depth the source had."""

from __future__ import annotations

from collections import Counter
from typing import Any

Tree = tuple[int | None, int | None, int]  # parent id, root id, depth


def link_replies(entries: list[tuple[int, str, str, str | None]], ids: dict[int, dict[str, int]],
                 current: dict[int, Tree], notes: Counter[str]) -> list[dict[str, Any]]:
    """The parent, root and depth changes that make the stored tree match the source.

    `entries` are (thread id, thread key, key, parent key) of every comment written in this
    import; `ids` maps thread id → key → comment id; `current` holds the stored tree fields of
    comments that existed before (new ones are top-level until linked). Replies whose parent is
    missing become top-level, and a loop of replies is cut; both are noted for the summary.
    """
    parent_of: dict[int, int | None] = {}
    thread_of: dict[int, int] = {}
    for thread_id, _thread_key, key, parent_key in entries:
        comment_id = ids[thread_id][key]
        thread_of[comment_id] = thread_id
        parent_id = ids[thread_id].get(parent_key) if parent_key else None
        if parent_key and parent_id is None:
            notes["reply whose parent is not in the file or thread, made top-level"] += 1
        if parent_id == comment_id:
            notes["reply to itself, made top-level"] += 1
            parent_id = None
        parent_of[comment_id] = parent_id
    placed: dict[int, tuple[int | None, int]] = {}  # id → (root id, depth)
    for comment_id in parent_of:
        _place(comment_id, parent_of, current, placed, notes)
    changed = []
    for comment_id, parent_id in parent_of.items():
        root_id, depth = placed[comment_id]
        if current.get(comment_id, (None, None, 0)) != (parent_id, root_id, depth):
            changed.append({"id": comment_id, "parent_id": parent_id, "root_id": root_id,
                            "depth": depth, "thread_id": thread_of[comment_id]})
    return changed


def _place(start: int, parent_of: dict[int, int | None], current: dict[int, Tree],
           placed: dict[int, tuple[int | None, int]], notes: Counter[str]) -> None:
    """Walk up from `start` without recursion (sources nest deeply), then fill the chain."""
    while start not in placed:
        chain: list[int] = []
        seen: set[int] = set()
        node: int | None = start
        looped = False
        while node is not None and node not in placed:
            if node not in parent_of:  # a comment of an earlier import: trust what is stored
                stored = current.get(node, (None, None, 0))
                placed[node] = (stored[1], stored[2])
                break
            if node in seen:  # a loop in the source: cut it here and walk again
                notes["replies that formed a loop, one made top-level"] += 1
                parent_of[node] = None
                looped = True
                break
            seen.add(node)
            chain.append(node)
            node = parent_of[node]
        if looped:
            continue
        for member in reversed(chain):
            parent = parent_of[member]
            if parent is None:
                placed[member] = (None, 0)
            else:
                root, depth = placed[parent]
                placed[member] = (root or parent, depth + 1)
