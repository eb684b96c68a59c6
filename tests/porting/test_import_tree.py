"""Linking imported replies: any order, any depth, loops and missing parents end as a sound tree."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from comments.porting.tree import link_replies


def resolve(parents: list[int | None]) -> tuple[dict[int, tuple], Counter]:
    """Run link_replies over comments 1..n of one thread, `parents[i]` the source parent of i+1."""
    entries = [(7, "t", f"k{i + 1}", f"k{p}" if p is not None else None)
               for i, p in enumerate(parents)]
    ids = {7: {f"k{i + 1}": i + 1 for i in range(len(parents))}}
    notes: Counter = Counter()
    changed = link_replies(entries, ids, {}, notes)
    tree = {i + 1: (None, None, 0) for i in range(len(parents))}
    for row in changed:
        assert row["thread_id"] == 7
        tree[row["id"]] = (row["parent_id"], row["root_id"], row["depth"])
    return tree, notes


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=40)), max_size=40))
def test_any_source_graph_becomes_a_tree_with_true_roots_and_depths(parents):
    tree, notes = resolve(parents)
    for node, (parent, root, depth) in tree.items():
        chain = [node]
        while tree[chain[-1]][0] is not None:
            chain.append(tree[chain[-1]][0])
            assert len(chain) <= len(tree), "a loop survived"
        assert depth == len(chain) - 1
        assert root == (chain[-1] if parent is not None else None)
        source = parents[node - 1]
        if source is None:
            assert parent is None
        elif not 1 <= source <= len(parents) or source == node:
            assert parent is None  # missing or itself: made top-level, and noted
    missing = sum(1 for i, p in enumerate(parents) if p is not None and not 1 <= p <= len(parents))
    assert notes["reply whose parent is not in the file or thread, made top-level"] == missing


def test_a_loop_is_cut_once_and_the_rest_hangs_below_it():
    tree, notes = resolve([2, 3, 1, 3])  # 1→2→3→1, and 4 replies to 3
    assert notes["replies that formed a loop, one made top-level"] == 1
    roots = [node for node, (parent, _root, _depth) in tree.items() if parent is None]
    assert len(roots) == 1
    # 1 becomes the root; 3 hangs below it, 2 below 3, and 4 stays on 3.
    assert {node: depth for node, (_p, _r, depth) in tree.items()} == {1: 0, 3: 1, 2: 2, 4: 2}


def test_a_deep_chain_needs_no_recursion():
    depth = 5000
    tree, _notes = resolve([None] + list(range(1, depth)))
    assert tree[depth] == (depth - 1, 1, depth - 1)
