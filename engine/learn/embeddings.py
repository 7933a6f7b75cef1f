"""Node embeddings of users, posts and tags in one space, stored in versioned slots.

The vectors are learned on one joint, undirected graph over ``[users | posts | tags]``::

    users–users  follows (A + Aᵀ)                       × follow_weight
    users–posts  Σ engagement score / 100               × engagement_weight
                 + authorship                           × posted_weight
    posts–tags   tagging                                × tag_weight

with FastRP (``engine.learn.fastrp``, seconds) or node2vec (``engine.learn.node2vec``).
One space serves every neighbour question: posts like a post, accounts like an account,
and a new node's vector from its neighbours' (FastRP's propagation step).

Storage. Each run writes unit-normalised vectors into the slot its ModelRun names
(``embedding_a`` or ``embedding_b`` on User, Post and Tag), the other slot being the
active run's; readers pick the slot of the active run in the same statement
(``CASE r.slot WHEN 'b' THEN n.embedding_b ELSE n.embedding_a END``), so the flip in
``engine.learn.runs`` switches every reader at once. Each slot of User and Post has a
cosine HNSW index, created once and kept (creating or dropping one re-indexes every
field of the label in the background); it is rebuilt only when the dimension changes.
Vectors travel as fixed-point text (round(x · 10⁴), joined by spaces) that the server
parses: a list parameter of 128 floats costs the client ~0.6 ms a row to serialise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from tqdm import tqdm

from engine.errors import StoreError, ValidationError
from engine.learn.config import EmbeddingSettings
from engine.learn.export import GraphExport, NodeSet
from engine.learn.fastrp import FastRPParams, embed_new_node, fastrp_embedding
from engine.learn.runs import active_run
from engine.store import GraphStore

log = logging.getLogger(__name__)

SCALE = 10_000  # fixed-point scale of stored vector components
LABELS = ("User", "Post", "Tag")
INDEXED = ("User", "Post")
SLOTS = ("a", "b")


# -- the joint graph and its vectors (pure) ---------------------------------------------------
@dataclass(frozen=True)
class JointGraph:
    adjacency: sp.csr_matrix  # symmetric, (users + posts + tags) square
    offsets: dict[str, tuple[int, int]]  # label -> [start, stop) rows

    def rows(self, label: str) -> slice:
        start, stop = self.offsets[label]
        return slice(start, stop)


def joint_graph(export: GraphExport, s: EmbeddingSettings) -> JointGraph:
    """The undirected weighted user–post–tag graph of an export (see the module doc)."""
    nu = len(export.users)
    np_ = len(export.posts) if export.posts is not None else 0
    nt = len(export.tags) if export.tags is not None else 0
    f = sp.csr_matrix(export.follows, dtype=np.float64)
    uu = s.follow_weight * (f + f.T)
    up = sp.csr_matrix((nu, np_))
    if export.engaged is not None:
        up = up + s.engagement_weight * export.engaged
    if export.posted is not None:
        up = up + s.posted_weight * export.posted
    pt = sp.csr_matrix((np_, nt)) if export.tagged is None else s.tag_weight * export.tagged
    a = sp.bmat([[uu, up, None], [up.T, None, pt], [None, pt.T, None]], format="csr",
                dtype=np.float64)
    if a.shape[0] == 0:
        a = sp.csr_matrix((0, 0))
    a.setdiag(0)
    a.eliminate_zeros()
    a.sort_indices()
    offsets = {"User": (0, nu), "Post": (nu, nu + np_), "Tag": (nu + np_, nu + np_ + nt)}
    return JointGraph(a, offsets)


def compute_vectors(graph: JointGraph, s: EmbeddingSettings, seed: int,
                    progress: bool = False) -> np.ndarray:
    """``(n, dimensions)`` float32 unit vectors (zero rows for isolated nodes)."""
    if s.method == "node2vec":
        from engine.learn.node2vec import Node2VecParams, node2vec_embedding

        params = Node2VecParams(dimensions=s.dimensions, walks_per_node=s.walks_per_node,
                                walk_length=s.walk_length, window=s.window, p=s.p, q=s.q)
        x = node2vec_embedding(graph.adjacency, params, seed=seed, progress=progress)
    else:
        params_rp = FastRPParams(dimensions=s.dimensions, weights=tuple(s.fastrp_weights),
                                 normalization=s.fastrp_normalization,
                                 self_loops=s.fastrp_self_loops)
        x = fastrp_embedding(graph.adjacency, params_rp, seed=seed)
    return unit_rows(x)


def unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x, dtype=np.float32),
                     where=norms > 0).astype(np.float32)


def pair_auc(vectors: np.ndarray, pairs: np.ndarray, negatives: np.ndarray) -> float:
    """Probability that a linked pair is more cosine-similar than a random pair."""
    if not len(pairs) or not len(negatives):
        return float("nan")
    pos = np.einsum("ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]])
    neg = np.einsum("ij,ij->i", vectors[negatives[:, 0]], vectors[negatives[:, 1]])
    ranks = np.argsort(np.argsort(np.concatenate([pos, neg]), kind="stable"), kind="stable")
    u = ranks[:len(pos)].sum() - len(pos) * (len(pos) - 1) / 2
    return float(u / (len(pos) * len(neg)))


def quality(vectors: np.ndarray, graph: JointGraph, export: GraphExport, seed: int,
            samples: int = 20_000) -> dict[str, float]:
    """In-sample sanity checks: follow / engagement pairs vs random pairs (AUC of cosine).

    Trained on these very edges, so optimistic; a broken run shows up as ~0.5.
    """
    rng = np.random.default_rng(seed)
    out: dict[str, float] = {}
    users = graph.rows("User")
    for name, m, cols in (("follow_auc", export.follows, graph.rows("User")),
                          ("engagement_auc", export.engaged, graph.rows("Post"))):
        if m is None or m.nnz == 0:
            continue
        coo = sp.coo_matrix(m)
        pick = rng.choice(coo.nnz, size=min(samples, coo.nnz), replace=False)
        pos = np.column_stack([coo.row[pick] + users.start, coo.col[pick] + cols.start])
        neg = np.column_stack([rng.integers(users.start, users.stop, len(pick)),
                               rng.integers(cols.start, cols.stop, len(pick))])
        out[name] = round(pair_auc(vectors, pos, neg), 4)
    return out


def encode(vectors: np.ndarray) -> list[str | None]:
    """Fixed-point text per row; None for zero rows (nothing to index)."""
    fixed = np.rint(vectors * SCALE).astype(np.int32)
    empty = ~fixed.any(axis=1)
    return [None if e else " ".join(map(str, row))
            for row, e in zip(fixed.tolist(), empty.tolist(), strict=True)]


# -- vector indexes ---------------------------------------------------------------------------
def vector_indexes(store: GraphStore) -> dict[tuple[str, str], int]:
    """(label, property) -> dimension of the vector indexes that exist."""
    return {(r["label"], r["property"]): int(r["dimension"])
            for r in store.read("learn/list_vector_indexes") if r["dimension"] is not None}


def wait_for_indexes(store: GraphStore, timeout_s: float = 3600.0) -> float:
    """Block until every vector index answers (a new one builds in the background)."""
    start = time.monotonic()
    while not all(r["ready"] for r in store.read("learn/list_vector_indexes")):
        if time.monotonic() - start > timeout_s:
            raise StoreError(f"vector indexes still building after {timeout_s:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - start


def ensure_vector_indexes(store: GraphStore, slot: str, s: EmbeddingSettings) -> list[str]:
    """Both slots' indexes exist; ``slot``'s has ``s.dimensions`` (dropped and made anew if
    not). The active slot's index is never touched. After a change it waits until every
    index answers again. Returns what was done."""
    existing = vector_indexes(store)
    done = []
    for label in INDEXED:
        for each in SLOTS:
            dim = existing.get((label, f"embedding_{each}"))
            if dim is not None and (dim == s.dimensions or each != slot):
                continue
            if dim is not None:
                _index_query(store, "drop", label, each)
                done.append(f"dropped {label}.embedding_{each} ({dim} dims)")
            _index_query(store, "create", label, each, dimension=s.dimensions,
                         m=s.index_m, ef_construction=s.index_ef_construction)
            done.append(f"created {label}.embedding_{each} ({s.dimensions} dims)")
    if done:
        # FalkorDB rebuilds a label's whole index (ids included) when a field comes or
        # goes. A lookup by id during the build crashed the server once in the tests (a
        # segfault in IndexSpec_GetField), and a vector query then fails ("Invalid
        # arguments for procedure db.idx.vector.queryNodes"). The new slot holds no
        # vectors yet, so the build is of ids only: seconds at 100k users.
        wait_for_indexes(store)
    return done


def _index_query(store: GraphStore, verb: str, label: str, slot: str, **params: Any) -> None:
    # One literal name per (verb, label, slot): tests/test_queries.py checks each has a file.
    key = (verb, label, slot)
    if key == ("create", "User", "a"):
        store.write("learn/create_user_vectors_a", **params)
    elif key == ("create", "User", "b"):
        store.write("learn/create_user_vectors_b", **params)
    elif key == ("create", "Post", "a"):
        store.write("learn/create_post_vectors_a", **params)
    elif key == ("create", "Post", "b"):
        store.write("learn/create_post_vectors_b", **params)
    elif key == ("drop", "User", "a"):
        store.write("learn/drop_user_vectors_a")
    elif key == ("drop", "User", "b"):
        store.write("learn/drop_user_vectors_b")
    elif key == ("drop", "Post", "a"):
        store.write("learn/drop_post_vectors_a")
    elif key == ("drop", "Post", "b"):
        store.write("learn/drop_post_vectors_b")
    else:
        raise ValueError(key)


# -- writing a run's vectors ------------------------------------------------------------------
def write_vectors(store: GraphStore, label: str, slot: str, nodes: NodeSet,
                  vectors: np.ndarray, batch_size: int, progress: bool = False) -> int:
    """Every node's vector into ``slot`` (null for zero rows, clearing an older value)."""
    if len(nodes) != len(vectors):
        raise ValidationError(f"{len(nodes)} {label} ids but {len(vectors)} vectors")
    written = 0
    bar = tqdm(total=len(nodes), desc=f"write {label} vectors", unit="node", unit_scale=True,
               disable=not progress, leave=False)
    with bar:
        ids = nodes.ids.tolist()
        for start in range(0, len(ids), batch_size):
            stop = start + batch_size
            rows = [{"id": i, "e": e}
                    for i, e in zip(ids[start:stop], encode(vectors[start:stop]), strict=True)]
            written += _set_vectors(store, label, slot, rows)
            bar.update(len(rows))
    return written


def _set_vectors(store: GraphStore, label: str, slot: str, rows: list[dict[str, Any]]) -> int:
    key = (label, slot)
    if key == ("User", "a"):
        out = store.write("learn/set_user_vectors_a", rows=rows)
    elif key == ("User", "b"):
        out = store.write("learn/set_user_vectors_b", rows=rows)
    elif key == ("Post", "a"):
        out = store.write("learn/set_post_vectors_a", rows=rows)
    elif key == ("Post", "b"):
        out = store.write("learn/set_post_vectors_b", rows=rows)
    elif key == ("Tag", "a"):
        out = store.write("learn/set_tag_vectors_a", rows=rows)
    elif key == ("Tag", "b"):
        out = store.write("learn/set_tag_vectors_b", rows=rows)
    else:
        raise ValueError(key)
    return int(out[0]["written"]) if out else 0


# -- nodes that joined after training -----------------------------------------------------------
@dataclass(frozen=True)
class NewNodeReport:
    users: int
    posts: int
    skipped: int  # no neighbour with a vector yet
    seconds: float


def embed_new_nodes(store: GraphStore, s: EmbeddingSettings, *, limit: int = 10_000,
                    batch_size: int = 500, since_ms: int | None = None,
                    cap: int = 200) -> NewNodeReport:
    """Vectors for users and posts that have none in the active slot, from their neighbours.

    FastRP's propagation step: the weighted mean of the neighbours' stored vectors, with
    the edge weights training used (``engine.learn.fastrp.embed_new_node``). Written into
    the active slot only while the run that made the neighbours' vectors is still active.
    Posts are looked for from ``since_ms`` (default: the active run's start).
    """
    start = time.perf_counter()
    run = active_run(store, "embeddings")
    if run is None:
        return NewNodeReport(0, 0, 0, 0.0)
    since = since_ms if since_ms is not None else (run.started_at or 0)
    version = run.version
    users = [r["id"] for r in store.read("learn/find_unembedded_users", limit=limit)]
    posts = [r["id"] for r in store.read("learn/find_unembedded_posts", since=since,
                                         limit=limit)]
    # Each kind reads its neighbourhood with the edge weights training gave those edges.
    done_users, missed_users = _embed_from_neighbours(
        users, batch_size, version,
        read=lambda chunk: store.read(
            "learn/get_user_neighbourhoods", ids=chunk, cap=cap,
            follow_weight=s.follow_weight, engagement_weight=s.engagement_weight,
            posted_weight=s.posted_weight),
        write=lambda out: store.write("learn/set_new_user_vectors", rows=out,
                                      version=version))
    done_posts, missed_posts = _embed_from_neighbours(
        posts, batch_size, version,
        read=lambda chunk: store.read(
            "learn/get_post_neighbourhoods", ids=chunk, cap=cap,
            posted_weight=s.posted_weight, tag_weight=s.tag_weight,
            engagement_weight=s.engagement_weight),
        write=lambda out: store.write("learn/set_new_post_vectors", rows=out,
                                      version=version))
    skipped = missed_users + missed_posts
    return NewNodeReport(done_users, done_posts, skipped, time.perf_counter() - start)


def _embed_from_neighbours(
        ids: Sequence[str], batch_size: int, version: int,
        read: Callable[[list[str]], list[dict[str, Any]]],
        write: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> tuple[int, int]:
    """(written, skipped) for ``ids`` of one kind, ``read`` and ``write`` batch by batch."""
    written = skipped = 0
    for chunk in _chunks(ids, batch_size):
        out, missed = _from_neighbours(read(chunk), version)
        skipped += missed
        if out:
            written += int(write(out)[0]["written"])
    return written, skipped


def _from_neighbours(rows: list[dict[str, Any]], version: int
                     ) -> tuple[list[dict[str, Any]], int]:
    out, missed = [], 0
    for r in rows:
        pairs = [(v, float(w)) for v, w in (r["neighbours"] or []) if v is not None and w > 0]
        if int(r["version"]) != version or not pairs:
            missed += 1
            continue
        matrix = np.asarray([v for v, _ in pairs], dtype=np.float32)
        vec = embed_new_node(matrix, np.arange(len(pairs)), [w for _, w in pairs])
        text = encode(unit_rows(vec[None, :]))[0]
        if text is None:
            missed += 1
            continue
        out.append({"id": r["id"], "e": text})
    return out, missed


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start:start + size])
