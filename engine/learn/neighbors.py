"""Nearest neighbours over the active embeddings, through the database's vector index.

No request scans every vector: FalkorDB answers ``db.idx.vector.queryNodes`` from an
HNSW index (cosine *distance*, 0..2), Neo4j ``db.index.vector.queryNodes`` from its
vector index (score = (1 + cosine) / 2). Each dialect's query turns its number into the
cosine similarity (-1..1), so callers get the same scale on both.

Before the first ``graphfeed train embeddings`` (or for a node that has no vector yet)
the answers are empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.store import GraphStore

OVERFETCH = 2  # the index answers k' = OVERFETCH * k + 1: self and removed posts drop out


def similar_posts(store: GraphStore, post_id: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` posts (not removed) whose vectors are closest to ``post_id``'s."""
    return similar_posts_many(store, [post_id], k).get(post_id, [])


def similar_users(store: GraphStore, user_id: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` accounts whose vectors are closest to ``user_id``'s."""
    return similar_users_many(store, [user_id], k).get(user_id, [])


def similar_posts_many(store: GraphStore, post_ids: Sequence[str], k: int
                       ) -> dict[str, list[tuple[str, float]]]:
    """For each seed post, its ``k`` nearest posts as (id, cosine similarity), best first."""
    if not post_ids or k < 1:
        return {}
    rows = store.read("neighbors/find_similar_posts", ids=list(post_ids),
                      candidates=OVERFETCH * k + 1)
    return _by_seed(rows, k)


def similar_users_many(store: GraphStore, user_ids: Sequence[str], k: int
                       ) -> dict[str, list[tuple[str, float]]]:
    """For each seed user, its ``k`` nearest users as (id, cosine similarity), best first."""
    if not user_ids or k < 1:
        return {}
    rows = store.read("neighbors/find_similar_users", ids=list(user_ids),
                      candidates=OVERFETCH * k + 1)
    return _by_seed(rows, k)


def _by_seed(rows: list[dict], k: int) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for r in rows:
        best = out.setdefault(r["seed"], [])
        if len(best) < k:
            best.append((r["id"], float(r["similarity"])))
    return out


def user_vectors(store: GraphStore, user_ids: Sequence[str]) -> dict[str, np.ndarray]:
    """Active vectors of the given users (those that have one)."""
    rows = store.read("neighbors/get_user_vectors", ids=list(user_ids)) if user_ids else []
    return {r["id"]: np.asarray(r["embedding"], dtype=np.float32) for r in rows}


def post_vectors(store: GraphStore, post_ids: Sequence[str]) -> dict[str, np.ndarray]:
    """Active vectors of the given posts (those that have one)."""
    rows = store.read("neighbors/get_post_vectors", ids=list(post_ids)) if post_ids else []
    return {r["id"]: np.asarray(r["embedding"], dtype=np.float32) for r in rows}


def user_cosines(store: GraphStore, user_id: str, candidate_ids: Sequence[str]
                 ) -> dict[str, float]:
    """Cosine similarity of ``user_id`` to each candidate that has a vector (for rankers,
    e.g. the follow-suggestion blend's ``embedding_cosine``); {} before training."""
    vectors = user_vectors(store, [user_id, *candidate_ids])
    me = vectors.get(user_id)
    if me is None:
        return {}
    return {c: cosine(me, vectors[c]) for c in candidate_ids if c in vectors}


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0
