"""Post neighbours for the feed's collaborative source, computed at training time.

The collaborative source scores a post ``q`` for a user ``u`` by the RP3beta walk
``u -> p -> v -> q`` (Paudel et al., 2016): from the posts ``p`` the user engaged with,
to the people ``v`` who engaged with them, to what they engaged with. Only the first
hop depends on ``u``. The rest is one matrix over posts::

    W[p, q] = sum_v X[v, p] X[v, q] / (d_p^alpha * d_v^alpha * (1 + d_q)^beta)

(``X`` the users x posts engagements with a positive score, ``d`` the degrees in ``X``),
so ``graphfeed train collaborative`` computes it once and keeps each post's
``neighbours`` strongest ``q``. Serving then reads one hop from a handful of seeds,
``score(q) = sum_p liking(u, p) / 100 * W[p, q]``, instead of walking three hops per
request (the walk cost ~6 ms of database time per feed under load; benchmarks/RESULTS.md).
Because nothing is sampled, the scores are exact where the walk sampled engagers.

The lists are written as relationships of the run's slot (see ``engine.learn.runs``)::

    (:Post)-[:ALSO_ENGAGED_A|ALSO_ENGAGED_B {score, users}]->(:Post)

``users`` is how many people engaged with both posts (the reason the feed gives).
Relationships rather than list properties on the posts: setting any property of a Post
re-inserts it into the post vector index (cypher/README.md), and a relationship is what
Neo4j Browser shows when a data person opens a post.
A run clears its slot, writes it, and is published by the flip; the previous slot is
cleared after the flip. What is posted or engaged with after a run reaches these lists
at the next run (the walk saw it at once): the feed's other sources cover new posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from engine.errors import GraphfeedError
from engine.learn.config import CollaborativeSettings
from engine.learn.export import NodeSet
from engine.store import GraphStore


@dataclass(frozen=True)
class PostNeighbours:
    """Each post's neighbours, best first, as CSR rows over the exported posts."""

    indptr: np.ndarray  # int64, one more than posts
    targets: np.ndarray  # int64 post rows
    scores: np.ndarray  # float64, W[p, q]
    users: np.ndarray  # int64, people who engaged with both

    @property
    def edges(self) -> int:
        return len(self.targets)

    def listed(self) -> np.ndarray:
        """The rows (posts) that have at least one neighbour."""
        return np.flatnonzero(np.diff(self.indptr))

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.targets[lo:hi], self.scores[lo:hi], self.users[lo:hi]


def post_neighbours(engaged: sp.spmatrix, params: CollaborativeSettings | None = None, *,
                    progress: bool = False) -> PostNeighbours:
    """The ``params.neighbours`` strongest ``W[p, q]`` (q != p) of every post ``p``.

    ``engaged``: users x posts, any positive weight counts as one engagement (the walk
    counts people, not scores, along its hops). Ties: the lower post row first.
    """
    params = params or CollaborativeSettings()
    x = sp.csr_matrix(engaged, dtype=np.float64, copy=True)
    x.eliminate_zeros()  # before the ones: a stored zero is no engagement
    x.data[:] = 1.0
    user_degree = np.asarray(x.sum(axis=1)).ravel()
    post_degree = np.asarray(x.sum(axis=0)).ravel()
    xt = x.T.tocsr()  # posts x users
    # Zero-degree rows never appear in a product, so their infinite powers are never used.
    with np.errstate(divide="ignore"):
        to_users = sp.diags(np.power(post_degree, -params.alpha)) @ xt
        to_posts = sp.diags(np.power(user_degree, -params.alpha)) @ x
    damping = np.power(1.0 + post_degree, -params.beta)
    k = params.neighbours
    n = xt.shape[0]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    bar = tqdm(total=n, desc="post neighbours", unit="post", unit_scale=True,
               disable=not progress, leave=False)
    with bar:
        for lo in range(0, n, params.chunk_posts):
            hi = min(n, lo + params.chunk_posts)
            parts.append(_top_k(to_users[lo:hi] @ to_posts, xt[lo:hi] @ x, lo, damping, k))
            bar.update(hi - lo)
    counts = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return PostNeighbours(indptr=indptr,
                          targets=_joined([p[1] for p in parts], np.int64),
                          scores=_joined([p[2] for p in parts], np.float64),
                          users=_joined([p[3] for p in parts], np.int64))


def _joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)


def _top_k(walk: sp.csr_matrix, both: sp.csr_matrix, first_row: int, damping: np.ndarray,
           k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of a chunk: how many kept, and the kept (targets, scores, co-engagers)."""
    walk.sort_indices()
    both.sort_indices()
    # Both products have the pattern of X^T X (positive terms never cancel), so their
    # entries line up one to one.
    if not (np.array_equal(walk.indptr, both.indptr)
            and np.array_equal(walk.indices, both.indices)):
        raise GraphfeedError("the walk and co-engagement products differ in pattern")
    rows = np.repeat(np.arange(walk.shape[0]), np.diff(walk.indptr))
    cols = walk.indices.astype(np.int64)
    scores = walk.data * damping[cols]
    keep = cols != rows + first_row  # a post is not its own neighbour
    rows, cols, scores, users = rows[keep], cols[keep], scores[keep], both.data[keep]
    order = np.lexsort((cols, -scores, rows))
    rows, cols, scores, users = rows[order], cols[order], scores[order], users[order]
    starts = np.searchsorted(rows, np.arange(walk.shape[0]))
    rank = np.arange(len(rows)) - starts[rows]
    top = rank < k
    counts = np.bincount(rows[top], minlength=walk.shape[0]).astype(np.int64)
    return counts, cols[top], scores[top], np.rint(users[top]).astype(np.int64)


# -- the database ---------------------------------------------------------------------------------
def clear_slot(store: GraphStore, slot: str, batch_size: int) -> int:
    """Delete every neighbour relationship of ``slot``, ``batch_size`` per statement."""
    deleted = 0
    while True:
        rows = _delete(store, slot, batch_size)
        done = int(rows[0]["deleted"]) if rows else 0
        deleted += done
        if done < batch_size:
            return deleted


def write_neighbours(store: GraphStore, slot: str, posts: NodeSet, found: PostNeighbours,
                     batch_size: int, progress: bool = False) -> int:
    """Write every post's list into ``slot``, about ``batch_size`` relationships a statement."""
    written = 0
    bar = tqdm(total=found.edges, desc="write post neighbours", unit="edge", unit_scale=True,
               disable=not progress, leave=False)
    with bar:
        for rows, edges in _batches(posts, found, batch_size):
            out = _create(store, slot, rows)
            written += int(out[0]["written"]) if out else 0
            bar.update(edges)
    return written


def _batches(posts: NodeSet, found: PostNeighbours, batch_size: int
             ) -> Iterator[tuple[list[dict[str, Any]], int]]:
    ids = posts.ids
    rows: list[dict[str, Any]] = []
    edges = 0
    for i in found.listed().tolist():
        targets, scores, users = found.row(i)
        rows.append({"id": ids[i], "targets": ids[targets].tolist(),
                     "scores": scores.tolist(), "users": users.tolist()})
        edges += len(targets)
        if edges >= batch_size:
            yield rows, edges
            rows, edges = [], 0
    if rows:
        yield rows, edges


# A relationship type cannot be a parameter: one query file per slot.
def _delete(store: GraphStore, slot: str, limit: int) -> list[dict[str, Any]]:
    if slot == "a":
        return store.write("learn/delete_post_neighbours_a", limit=limit)
    if slot == "b":
        return store.write("learn/delete_post_neighbours_b", limit=limit)
    raise ValueError(f"unknown slot {slot!r}")


def _create(store: GraphStore, slot: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if slot == "a":
        return store.write("learn/create_post_neighbours_a", rows=rows)
    if slot == "b":
        return store.write("learn/create_post_neighbours_b", rows=rows)
    raise ValueError(f"unknown slot {slot!r}")
