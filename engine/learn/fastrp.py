"""FastRP node embeddings (Chen, Sultan, Tian, Chen, Skiena; CIKM 2019).

A very sparse random projection R (Achlioptas / Li et al.: entries
±sqrt(s) with probability 1/(2s) each, 0 otherwise, s = sqrt(n)) is pushed
through powers of the random-walk matrix S = D⁻¹A:

    N₁ = S · L · R,   Nᵢ = S · Nᵢ₋₁,   embedding = Σ αᵢ · normalize(Nᵢ)

with L = diag(deg^β) (β < 0 damps hubs) and each Nᵢ scaled to unit rows so
that the αᵢ weigh neighbourhoods of radius i directly. A few sparse-dense
products: seconds where node2vec takes minutes, and the same seed always
gives the same matrix.

A new node needs no retraining: its row of S averages its neighbours' rows,
so :func:`embed_new_node` averages (weight-proportionally) the neighbours'
final embeddings -- one more propagation step, which keeps the new account
next to the people it follows instead of out in the cold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp

from engine.errors import ValidationError


@dataclass(frozen=True)
class FastRPParams:
    dimensions: int = 128
    # α₁..α_k. Low orders alone capture little beyond common neighbours; the
    # 2- and 3-hop terms carry the community structure link prediction needs.
    weights: Sequence[float] = field(default=(0.0, 1.0, 1.0, 1.0))
    normalization: float = 0.0  # β in L = diag(deg^β)
    self_loops: float = 0.0  # added to the diagonal before normalising: keeps ego information

    def as_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["weights"] = list(self.weights)
        return d


def sparse_projection(n_nodes: int, dimensions: int, rng: np.random.Generator) -> sp.csr_matrix:
    """The very sparse random projection matrix (n_nodes × dimensions)."""
    s = np.sqrt(n_nodes) if n_nodes > 1 else 1.0
    density = min(1.0, 1.0 / s)
    rows, cols = [], []
    for start in range(0, n_nodes, 65_536):  # bounded temporary memory on big graphs
        block = rng.random((min(65_536, n_nodes - start), dimensions)) < density
        r, c = np.nonzero(block)
        rows.append(r + start)
        cols.append(c)
    row = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
    signs = rng.choice(np.array([-1.0, 1.0]), size=len(row))
    return sp.csr_matrix((signs * np.sqrt(s), (row, col)), shape=(n_nodes, dimensions))


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def fastrp_embedding(adjacency: sp.spmatrix, params: FastRPParams | None = None,
                     seed: int = 0) -> np.ndarray:
    """``(n_nodes, dimensions)`` float32 FastRP vectors; edge weights are used."""
    params = params or FastRPParams()
    if params.dimensions < 1 or not params.weights:
        raise ValidationError("FastRP needs dimensions >= 1 and at least one weight",
                              **params.as_dict())
    a = sp.csr_matrix(adjacency, dtype=np.float64)
    if a.shape[0] != a.shape[1]:
        raise ValidationError("adjacency must be square", shape=a.shape)
    n = a.shape[0]
    if params.self_loops:
        a = a + params.self_loops * sp.identity(n, format="csr")
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv_deg = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    transition = sp.diags(inv_deg) @ a
    rng = np.random.default_rng(seed)
    r = sparse_projection(n, params.dimensions, rng)
    scale = np.power(deg, params.normalization, out=np.zeros_like(deg), where=deg > 0)
    current = np.asarray((transition @ (sp.diags(scale) @ r)).todense())
    out = np.zeros((n, params.dimensions))
    for i, alpha in enumerate(params.weights):
        if i:
            current = transition @ current
        if alpha:
            out += alpha * _unit_rows(current)
    return out.astype(np.float32)


def embed_new_node(embedding: np.ndarray, neighbors: Sequence[int] | np.ndarray,
                   weights: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    """The FastRP vector of a node that joined after training, from its neighbours.

    One application of S = D⁻¹A to the stored embedding: the weighted mean of
    the neighbours' rows. Vectors of nodes present at training time are left
    untouched, so serving can add it at once and retrain later.
    """
    idx = np.asarray(neighbors, dtype=np.int64)
    if idx.size == 0:
        raise ValidationError("a new node needs at least one neighbour to be embedded")
    if idx.min() < 0 or idx.max() >= len(embedding):
        raise ValidationError("neighbour ids outside the embedding", n_nodes=len(embedding))
    w = np.ones(len(idx)) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != idx.shape or np.any(w < 0) or w.sum() <= 0:
        raise ValidationError("weights must be non-negative, one per neighbour, not all zero")
    return (w @ embedding[idx] / w.sum()).astype(embedding.dtype)
