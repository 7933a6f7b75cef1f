"""Whole-graph admin operations: counting what is stored, and emptying the graph."""

from __future__ import annotations

from engine.store import GraphStore, Row

DELETE_BATCH = 10_000  # nodes per transaction when emptying Neo4j, to bound its memory


def _n(rows: list[Row]) -> int:
    return int(rows[0]["n"]) if rows else 0


def graph_counts(store: GraphStore) -> dict[str, int]:
    """Nodes and relationships of each kind in the model.

    One query per count: each is a label or type count both databases answer
    from their statistics, while a UNION of them makes FalkorDB scan (~100x slower).
    """
    return {
        "users": _n(store.read("admin/count_users")),
        "posts": _n(store.read("admin/count_posts")),
        "tags": _n(store.read("admin/count_tags")),
        "follows": _n(store.read("admin/count_follows")),
        "engagements": _n(store.read("admin/count_engagements")),
        "impressions": _n(store.read("admin/count_impressions")),
        "interests": _n(store.read("admin/count_interests")),
    }


def is_empty(store: GraphStore) -> bool:
    rows = store.read("admin/find_any_node")
    return not rows or not rows[0]["found"]


def delete_everything(store: GraphStore) -> None:
    """Empty the configured graph and restore its schema.

    FalkorDB drops the named graph at once; Neo4j Community has one database,
    which is emptied in batches so no single transaction holds the whole graph.
    """
    from engine.store.falkordb import FalkorDBStore

    if isinstance(store, FalkorDBStore):
        store.delete_graph()
        store.apply_schema()  # the indexes and constraints went with the graph
        store.compact()
        return
    while store.write("admin/delete_all", limit=DELETE_BATCH)[0]["deleted"]:
        pass
