"""Engagement counters kept beside each post, and their backfill.

``ingest/create_engagements`` keeps ``(:Post)-[:HAS_COUNTS]->(:PostCounts {engagers,
engagements, likes})`` up to date with every batch, so the feed, Explore and the post
views read a post's popularity instead of counting its engagements on every request
(a popular post has thousands). They sit on a node of their own, not on the post:
FalkorDB 4.16 re-inserts a node into its label's vector index whenever any of its
properties is set, which costs ~0.5 ms per post and loses index entries (nearest-neighbour
queries then return fewer results).

Readers count live where a post has no counters, so a graph written before them stays
correct; :func:`backfill_post_counts` writes them once for such a graph.
"""

from __future__ import annotations

from engine.store import GraphStore


def backfill_post_counts(store: GraphStore, batch: int = 20_000) -> int:
    """Give every post without counters its counters, ``batch`` posts per transaction.

    Returns how many posts got them (0 when every post had them already)."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    total = 0
    while True:
        rows = store.write("recommend/create_post_counts", batch=batch)
        done = int(rows[0]["posts"]) if rows else 0
        total += done
        if done < batch:
            return total
