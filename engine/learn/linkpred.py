"""Neighbourhood link-prediction scores for arrays of node pairs.

Every scorer takes an undirected adjacency in CSR form and an ``(k, 2)`` array
of node pairs and returns ``k`` float scores, computed in chunks so that a
million pairs never materialise a million sparse rows at once. Edge weights are
ignored: the heuristics are defined on the unweighted graph (the stored
``data`` only has to be non-zero where an edge exists).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from engine.errors import ValidationError

PairScorer = Callable[[sp.csr_matrix, np.ndarray], np.ndarray]

# Pairs per chunk: A[u].multiply(A[v]) holds about chunk * mean degree entries.
_CHUNK = 50_000


def binary_adjacency(adjacency: sp.spmatrix) -> sp.csr_matrix:
    """The 0/1 CSR matrix of ``adjacency``'s non-zero pattern (float64, sorted indices)."""
    a = sp.csr_matrix(adjacency, copy=True)
    if a.shape[0] != a.shape[1]:
        raise ValidationError("adjacency must be square", shape=a.shape)
    a.eliminate_zeros()
    a.data = np.ones_like(a.data, dtype=np.float64)
    a.sort_indices()
    return a


def degrees(adjacency: sp.csr_matrix) -> np.ndarray:
    """Number of neighbours of each node (stored non-zeros per row)."""
    return np.diff(adjacency.indptr).astype(np.float64)


def _check_pairs(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    pairs = np.asarray(pairs)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValidationError("pairs must be an array of shape (k, 2)", shape=pairs.shape)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= adjacency.shape[0]):
        raise ValidationError("pairs name nodes outside the adjacency",
                              n_nodes=adjacency.shape[0])
    return pairs.astype(np.int64, copy=False)


def _weighted_common(adjacency: sp.csr_matrix, pairs: np.ndarray,
                     node_weight: np.ndarray | None) -> np.ndarray:
    """Sum over common neighbours w of node_weight[w] (1 when None), per pair."""
    a = binary_adjacency(adjacency)
    pairs = _check_pairs(a, pairs)
    out = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start:start + _CHUNK]
        both = a[chunk[:, 0]].multiply(a[chunk[:, 1]]).tocsr()
        if node_weight is None:
            out[start:start + len(chunk)] = np.asarray(both.sum(axis=1)).ravel()
        else:
            out[start:start + len(chunk)] = both @ node_weight
    return out


def common_neighbors(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """|N(u) ∩ N(v)|."""
    return _weighted_common(adjacency, pairs, None)


def adamic_adar(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Σ 1/log(deg(w)) over common neighbours w (Adamic & Adar 2003)."""
    deg = degrees(binary_adjacency(adjacency))
    # A common neighbour has degree >= 2, so log(deg) > 0 wherever it is used;
    # nodes of degree < 2 get weight 0 instead of a division by zero.
    weight = np.zeros_like(deg)
    many = deg > 1
    weight[many] = 1.0 / np.log(deg[many])
    return _weighted_common(adjacency, pairs, weight)


def jaccard(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """|N(u) ∩ N(v)| / |N(u) ∪ N(v)|, 0 when both neighbourhoods are empty."""
    a = binary_adjacency(adjacency)
    pairs = _check_pairs(a, pairs)
    deg = degrees(a)
    common = _weighted_common(a, pairs, None)
    union = deg[pairs[:, 0]] + deg[pairs[:, 1]] - common
    return np.divide(common, union, out=np.zeros_like(common), where=union > 0)


def preferential_attachment(adjacency: sp.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """deg(u) · deg(v) (Barabási & Albert 1999)."""
    a = binary_adjacency(adjacency)
    pairs = _check_pairs(a, pairs)
    deg = degrees(a)
    return deg[pairs[:, 0]] * deg[pairs[:, 1]]


def paths_of_length_3(adjacency: sp.csr_matrix, pairs: np.ndarray,
                      max_work: int = 20_000_000) -> np.ndarray:
    """(A³)ᵤᵥ: walks u-a-b-v; for a non-adjacent pair, exactly its simple 3-paths.

    This is what breaks the ties of every common-neighbour score: a pair with
    no common neighbour still differs in how many friends of u know friends
    of v. Rows of A[u]·A hold up to Σ_{a∈N(u)} deg(a) entries, so pairs are
    chunked by that work rather than by count.
    """
    a = binary_adjacency(adjacency)
    pairs = _check_pairs(a, pairs)
    done_before = np.cumsum((a @ degrees(a))[pairs[:, 0]] + 1.0)  # work up to each pair
    out = np.empty(len(pairs), dtype=np.float64)
    start = 0
    while start < len(pairs):
        budget = (done_before[start - 1] if start else 0.0) + max_work
        end = max(start + 1, int(np.searchsorted(done_before, budget, side="right")))
        chunk = pairs[start:end]
        two_hop = a[chunk[:, 0]] @ a
        out[start:end] = np.asarray(two_hop.multiply(a[chunk[:, 1]]).sum(axis=1)).ravel()
        start = end
    return out


def pair_features(adjacency: sp.csr_matrix, pairs: np.ndarray) -> dict[str, np.ndarray]:
    """All neighbourhood signals of each pair in one pass over the sparse rows.

    Keys: ``common`` (count), ``adamic_adar``, ``jaccard``, ``degree_u``,
    ``degree_v``, ``paths3`` -- what a Cypher query can return per candidate at
    request time.
    """
    a = binary_adjacency(adjacency)
    pairs = _check_pairs(a, pairs)
    deg = degrees(a)
    weight = np.zeros_like(deg)
    weight[deg > 1] = 1.0 / np.log(deg[deg > 1])
    common = np.empty(len(pairs), dtype=np.float64)
    aa = np.empty(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), _CHUNK):
        chunk = pairs[start:start + _CHUNK]
        both = a[chunk[:, 0]].multiply(a[chunk[:, 1]]).tocsr()
        common[start:start + len(chunk)] = np.asarray(both.sum(axis=1)).ravel()
        aa[start:start + len(chunk)] = both @ weight
    du, dv = deg[pairs[:, 0]], deg[pairs[:, 1]]
    union = du + dv - common
    jac = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    return {"common": common, "adamic_adar": aa, "jaccard": jac, "degree_u": du, "degree_v": dv,
            "paths3": paths_of_length_3(a, pairs)}


HEURISTICS: dict[str, PairScorer] = {
    "common-neighbors": common_neighbors,
    "jaccard": jaccard,
    "adamic-adar": adamic_adar,
    "preferential-attachment": preferential_attachment,
}
