"""Edge lists and the node2vec paper's link-prediction split.

Grover & Leskovec (KDD 2016, section 4.4): remove 50% of the edges at random
while the residual graph stays connected; the removed edges are the positives,
an equal number of node pairs that are not edges are the negatives, and every
score may look at the residual graph only.

Connectivity is kept by construction: a random spanning forest of the input is
set aside first and the removed edges are drawn from the other edges only, so
each connected component of the input stays connected (no retry loop, and an
exact count of removed edges).

Pairs are always canonical (``u < v``) rows of int64 arrays; ``pair_keys``
turns them into one sortable integer each, which is how duplicates and
membership are checked without Python sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from engine.errors import ValidationError


@dataclass(frozen=True)
class EdgeList:
    """An undirected simple graph: canonical unique edges over nodes 0..n-1."""

    edges: np.ndarray  # (m, 2) int64, u < v, unique, sorted
    labels: np.ndarray  # labels[i] is node i's id in the source file

    @property
    def n_nodes(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class LinkSplit:
    """Residual graph plus the held-out test pairs (positives first)."""

    n_nodes: int
    residual_edges: np.ndarray  # (m - k, 2) canonical
    positives: np.ndarray  # (k, 2) removed edges
    negatives: np.ndarray  # (k, 2) pairs that are not edges of the input graph

    @property
    def residual(self) -> sp.csr_matrix:
        return adjacency_from_edges(self.residual_edges, self.n_nodes)

    @property
    def test_pairs(self) -> np.ndarray:
        return np.vstack([self.positives, self.negatives])

    @property
    def test_labels(self) -> np.ndarray:
        return np.r_[np.ones(len(self.positives)), np.zeros(len(self.negatives))]


def canonical_pairs(pairs: np.ndarray) -> np.ndarray:
    """Rows sorted so that u <= v (undirected pairs have one spelling)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return np.sort(pairs, axis=1)


def pair_keys(pairs: np.ndarray, n_nodes: int) -> np.ndarray:
    """One int64 per canonical pair: u * n + v (exact for n < 3e9)."""
    pairs = np.asarray(pairs, dtype=np.int64)
    return pairs[:, 0] * np.int64(n_nodes) + pairs[:, 1]


def read_edge_list(path: str | Path) -> EdgeList:
    """Read ``u v`` lines (whitespace separated, ``#`` comments) as an undirected graph.

    Self-loops are dropped and repeated or reversed edges collapse into one.
    Integer ids keep their numeric order, so a file over 0..n-1 keeps its ids.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"edge list not found: {path}", path=str(path))
    frame = pd.read_csv(path, sep=r"\s+", comment="#", header=None, usecols=[0, 1],
                        dtype=str, engine="c")
    raw = frame.to_numpy()
    if raw.size == 0:
        raise ValidationError(f"edge list is empty: {path}", path=str(path))
    try:
        numeric = raw.astype(np.int64)
    except ValueError:
        labels, inverse = np.unique(raw.ravel(), return_inverse=True)
    else:
        labels, inverse = np.unique(numeric.ravel(), return_inverse=True)
    edges = canonical_pairs(inverse.reshape(-1, 2))
    edges = np.unique(edges[edges[:, 0] != edges[:, 1]], axis=0)
    if len(edges) == 0:
        raise ValidationError(f"edge list has no edges besides self-loops: {path}")
    return EdgeList(edges=edges, labels=labels)


def adjacency_from_edges(edges: np.ndarray, n_nodes: int,
                         weights: np.ndarray | None = None) -> sp.csr_matrix:
    """Symmetric CSR adjacency (float64, sorted indices) of canonical edges."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    w = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=np.float64)
    rows = np.r_[edges[:, 0], edges[:, 1]]
    cols = np.r_[edges[:, 1], edges[:, 0]]
    a = sp.csr_matrix((np.r_[w, w], (rows, cols)), shape=(n_nodes, n_nodes))
    a.sum_duplicates()
    a.sort_indices()
    return a


def spanning_forest_mask(edges: np.ndarray, n_nodes: int,
                         rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of the edges of a random spanning forest.

    A minimum spanning tree under i.i.d. random weights is a random spanning
    tree (not a uniform one, which the split does not need). Weights are kept
    in [1, 2) because csgraph treats a stored 0 as a missing edge.
    """
    m = len(edges)
    weights = 1.0 + rng.random(m)
    g = sp.csr_matrix((weights, (edges[:, 0], edges[:, 1])), shape=(n_nodes, n_nodes))
    tree = csgraph.minimum_spanning_tree(g).tocoo()
    tree_pairs = canonical_pairs(np.c_[tree.row, tree.col])
    return np.isin(pair_keys(edges, n_nodes), pair_keys(tree_pairs, n_nodes))


def connected_split(edges: np.ndarray, n_nodes: int, fraction: float,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(kept, removed): ``floor(fraction * m)`` edges removed, components intact."""
    if not 0.0 < fraction < 1.0:
        raise ValidationError("fraction must be in (0, 1)", fraction=fraction)
    m = len(edges)
    n_remove = int(np.floor(fraction * m))
    in_forest = spanning_forest_mask(edges, n_nodes, rng)
    candidates = np.flatnonzero(~in_forest)
    if n_remove > len(candidates):
        raise ValidationError(
            f"cannot remove {n_remove} of {m} edges and keep the graph connected: "
            f"only {len(candidates)} edges lie outside a spanning forest; "
            "use a smaller fraction or a denser graph",
            n_remove=n_remove, removable=len(candidates))
    removed = np.zeros(m, dtype=bool)
    removed[rng.choice(candidates, size=n_remove, replace=False)] = True
    return edges[~removed], edges[removed]


def sample_non_edges(n_nodes: int, k: int, forbidden: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """``k`` distinct canonical pairs u < v, uniform over pairs whose key is not in ``forbidden``.

    ``forbidden`` is a 1-d array of pair keys (edges, pairs already used).
    Rejection sampling in vectorised rounds: fine for sparse graphs, where
    almost every random pair is a non-edge.
    """
    forbidden = np.unique(np.asarray(forbidden, dtype=np.int64))
    available = n_nodes * (n_nodes - 1) // 2 - len(forbidden)
    if k > available:
        raise ValidationError(f"asked for {k} non-edges but the graph has only {available}",
                              k=k, available=available)
    chosen = np.empty(0, dtype=np.int64)
    while len(chosen) < k:
        need = k - len(chosen)
        draw = rng.integers(0, n_nodes, size=(2 * need + 16, 2), dtype=np.int64)
        draw = canonical_pairs(draw[draw[:, 0] != draw[:, 1]])
        keys = pair_keys(draw, n_nodes)
        keys = keys[~np.isin(keys, forbidden) & ~np.isin(keys, chosen)]
        # Keep first occurrences in draw order so the result depends on the seed only.
        _, first = np.unique(keys, return_index=True)
        chosen = np.r_[chosen, keys[np.sort(first)][:need]]
    return np.c_[chosen // n_nodes, chosen % n_nodes]


def split_links(graph: EdgeList, rng: np.random.Generator, fraction: float = 0.5) -> LinkSplit:
    """The paper's test split: removed edges vs as many non-edges of the input graph."""
    kept, removed = connected_split(graph.edges, graph.n_nodes, fraction, rng)
    negatives = sample_non_edges(graph.n_nodes, len(removed),
                                 pair_keys(graph.edges, graph.n_nodes), rng)
    return LinkSplit(n_nodes=graph.n_nodes, residual_edges=kept,
                     positives=removed, negatives=negatives)


def training_pairs(split: LinkSplit, rng: np.random.Generator,
                   max_positives: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Labelled pairs for a classifier, built from the residual graph only.

    Positives are residual edges; negatives are as many residual non-edges,
    disjoint from the test negatives. A negative may be a removed edge (about
    k / (n²/2) of them, 0.5% on Facebook): the trainer cannot know better
    without peeking at the test set, so it is not filtered out.
    """
    positives = split.residual_edges
    if max_positives is not None and len(positives) > max_positives:
        positives = positives[np.sort(rng.choice(len(positives), max_positives, replace=False))]
    forbidden = np.r_[pair_keys(split.residual_edges, split.n_nodes),
                      pair_keys(split.negatives, split.n_nodes)]
    negatives = sample_non_edges(split.n_nodes, len(positives), forbidden, rng)
    pairs = np.vstack([positives, negatives])
    labels = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    return pairs, labels
