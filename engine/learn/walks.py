"""node2vec's biased second-order random walks over a CSR adjacency.

How it is fast (the `node2vec` package precomputes an alias table per *edge*,
O(Σ deg²) memory; PecanPy SparseOTF recomputes the O(deg) transition vector at
every step): each step proposes the next node from the *first-order*
distribution (uniform, or by edge weight through a binary search over the
row's cumulative weights) and accepts it with probability α(t, x) / max α,
where α is 1/p for returning to the previous node t, 1 for a neighbour of t
(found by binary search in t's sorted row) and 1/q otherwise. That samples
exactly π(v→x) ∝ α(t, x) · w(v, x) (rejection sampling, as in KnightKing),
in O(log deg) expected time per step and no memory beyond the graph.

Reproducibility: every walk draws from its own splitmix64 stream seeded from
(seed, walk index), so the walks are identical for a seed whatever the number
of threads numba uses. The start order (every node ``walks_per_node`` times,
shuffled) comes from a ``numpy.random.Generator`` built from the same seed.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp

from engine.errors import ValidationError

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@numba.njit(cache=True, inline="always")
def _next(state: np.ndarray) -> float:
    """splitmix64 step on state[0]; a float in [0, 1) from the top 53 bits."""
    state[0] = state[0] + _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True, inline="always")
def _contains(indices: np.ndarray, lo: int, hi: int, x: int) -> bool:
    """Binary search for x in the sorted slice indices[lo:hi]."""
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if indices[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < end and indices[lo] == x


@numba.njit(cache=True, inline="always")
def _first_order(indptr: np.ndarray, indices: np.ndarray, cum: np.ndarray,
                 weighted: bool, v: int, state: np.ndarray) -> int:
    """A neighbour of v drawn ∝ edge weight (uniformly when unweighted)."""
    lo = indptr[v]
    hi = indptr[v + 1]
    if not weighted:
        return indices[lo + int(_next(state) * (hi - lo))]
    target = _next(state) * cum[hi - 1]  # cum holds prefix sums within each row
    a, b = lo, hi - 1
    while a < b:  # first position whose cumulative weight exceeds target
        mid = (a + b) >> 1
        if cum[mid] <= target:
            a = mid + 1
        else:
            b = mid
    return indices[a]


@numba.njit(cache=True, parallel=True)
def _walk_all(indptr: np.ndarray, indices: np.ndarray, cum: np.ndarray, weighted: bool,
              starts: np.ndarray, length: int, inv_p: float, inv_q: float,
              seed: np.uint64) -> np.ndarray:
    n_walks = len(starts)
    out = np.full((n_walks, length), -1, dtype=np.int32)
    biased = inv_p != 1.0 or inv_q != 1.0
    top = max(inv_p, 1.0, inv_q)
    for i in numba.prange(n_walks):
        state = np.empty(1, dtype=np.uint64)
        # Decorrelate neighbouring walk indices before the stream starts.
        state[0] = seed ^ (np.uint64(i + 1) * _MIX2)
        _next(state)
        v = starts[i]
        out[i, 0] = v
        if indptr[v + 1] == indptr[v] or length == 1:
            continue
        t = v
        v = _first_order(indptr, indices, cum, weighted, v, state)
        out[i, 1] = v
        for step in range(2, length):
            if indptr[v + 1] == indptr[v]:
                break  # dead end (only in directed graphs): the rest stays -1
            while True:
                x = _first_order(indptr, indices, cum, weighted, v, state)
                if not biased:
                    break
                if x == t:
                    alpha = inv_p
                elif _contains(indices, indptr[t], indptr[t + 1], x):
                    alpha = 1.0
                else:
                    alpha = inv_q
                if _next(state) * top < alpha:
                    break
            t = v
            v = x
            out[i, step] = v
    return out


def _is_weighted(adjacency: sp.csr_matrix) -> bool:
    data = adjacency.data
    return bool(len(data)) and not np.all(data == data[0])


def _row_prefix_sums(a: sp.csr_matrix) -> np.ndarray:
    """Cumulative edge weights restarted at each row (precise even on huge graphs)."""
    total = np.cumsum(a.data, dtype=np.float64)
    before_row = np.r_[0.0, total][a.indptr[:-1]]
    return total - np.repeat(before_row, np.diff(a.indptr))


def random_walks(adjacency: sp.spmatrix, walks_per_node: int = 10, walk_length: int = 80,
                 p: float = 1.0, q: float = 1.0, seed: int = 0,
                 start_nodes: np.ndarray | None = None) -> np.ndarray:
    """node2vec walks as an ``(n_walks, walk_length)`` int32 array.

    Row ``i`` starts at ``starts[i]``; the starts are every node (or every node
    of ``start_nodes``) ``walks_per_node`` times, shuffled per round as in the
    reference implementation. A walk that reaches a node without out-edges (a
    directed graph) stops there and the rest of its row is -1; a walk from an
    isolated node is that node alone. Edge weights come from the CSR data
    (they must be positive); a matrix whose stored values are all equal is
    walked as unweighted, which skips the weighted binary search.
    """
    if walks_per_node < 1 or walk_length < 1:
        raise ValidationError("walks_per_node and walk_length must be >= 1",
                              walks_per_node=walks_per_node, walk_length=walk_length)
    if p <= 0 or q <= 0:
        raise ValidationError("p and q must be positive", p=p, q=q)
    a = sp.csr_matrix(adjacency)
    if a.shape[0] != a.shape[1]:
        raise ValidationError("adjacency must be square", shape=a.shape)
    a.eliminate_zeros()
    if len(a.data) and a.data.min() < 0:
        raise ValidationError("edge weights must be positive")
    if not a.has_sorted_indices:
        a = a.sorted_indices()
    indptr = a.indptr.astype(np.int64)
    indices = a.indices.astype(np.int32)
    weighted = _is_weighted(a)
    cum = _row_prefix_sums(a) if weighted else np.zeros(1)
    nodes = (np.arange(a.shape[0], dtype=np.int32) if start_nodes is None
             else np.asarray(start_nodes, dtype=np.int32))
    rng = np.random.default_rng(seed)
    starts = np.concatenate([rng.permutation(nodes) for _ in range(walks_per_node)])
    stream_seed = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    return _walk_all(indptr, indices, cum, weighted, starts, int(walk_length),
                     1.0 / p, 1.0 / q, stream_seed)
