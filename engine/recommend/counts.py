"""Counters kept beside posts (engagements) and users (followers), and their backfill.

``ingest/create_engagements`` keeps ``(:Post)-[:HAS_COUNTS]->(:PostCounts {engagers,
engagements, likes})`` up to date with every batch, so the feed, Explore and the post
views read a post's popularity instead of counting its engagements on every request
(a popular post has thousands). They sit on a node of their own, not on the post:
FalkorDB 4.16 re-inserts a node into its label's vector index whenever any of its
properties is set, which costs ~0.5 ms per post and loses index entries (nearest-neighbour
queries then return fewer results).

Readers count live where a post has no counters, so a graph written before them stays
correct; :func:`backfill_post_counts` writes them once for such a graph.

Likewise ``ingest/create_follows``, ``ingest/delete_follows`` and ``suggest/record_feedback``
(an accepted suggestion follows) keep ``(:User)-[:HAS_COUNTS]->(:UserCounts {followers})``
beside each followed user, so follow
suggestions read a candidate's followers instead of walking them (the shortlist holds
accounts with up to ~19k followers on the 100k world); users are vector-indexed too.
:func:`backfill_user_counts` writes them once for a graph written before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engine.store import GraphStore


def backfill_post_counts(store: GraphStore, batch: int = 20_000) -> int:
    """Give every post without counters its counters, ``batch`` posts per transaction.

    Returns how many posts got them (0 when every post had them already)."""
    return _backfill(lambda: store.write("recommend/create_post_counts", batch=batch),
                     "posts", batch)


def backfill_user_counts(store: GraphStore, batch: int = 20_000) -> int:
    """Give every followed user without a follower counter one, ``batch`` users per
    transaction.

    Returns how many users got one (0 when every followed user had one already)."""
    return _backfill(lambda: store.write("recommend/create_user_counts", batch=batch),
                     "users", batch)


def _backfill(write: Callable[[], Sequence[Mapping[str, Any]]], column: str, batch: int) -> int:
    if batch < 1:
        raise ValueError("batch must be at least 1")
    total = 0
    while True:
        rows = write()
        done = int(rows[0][column]) if rows else 0
        total += done
        if done < batch:
            return total
