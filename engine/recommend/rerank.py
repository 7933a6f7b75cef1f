"""Re-ranking: maximal marginal relevance over tags and authors, with an author cap.

Greedy MMR (Carbonell & Goldstein, 1998): the next item maximises
``lambda * relevance - (1 - lambda) * max similarity to the items already chosen``,
relevance being the score over the best score, similarity
``0.5 * Jaccard(tags) + 0.5 * [same author]``. On top, no author fills more than
``max_per_author`` of any ``window`` consecutive places while another choice exists.
Filtering (seen, own, removed posts) happens before: this module only orders.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np

from engine.recommend.scoring import Scored


def similarity_matrix(items: Sequence[Scored]) -> np.ndarray:
    """Pairwise ``0.5 * tag Jaccard + 0.5 * same author``."""
    n = len(items)
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, item in enumerate(items):
        for tag in item.tags:
            rows.append(i)
            cols.append(vocab.setdefault(tag, len(vocab)))
    tags = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    tags[rows, cols] = 1.0
    # einsum's own loop, not `tags @ tags.T`: a BLAS product, even this small, wakes
    # OpenBLAS's worker threads, which then spin for a while after every call (up to
    # ~70 ms CPU per feed measured in a caller running feeds in sequence: CPU the
    # database on the same cores then lacks).
    inter = np.einsum("ik,jk->ij", tags, tags)
    sizes = tags.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    authors = _author_index(items)
    same = (authors[:, None] == authors[None, :]).astype(np.float32)
    return 0.5 * jaccard + 0.5 * same


def diversify(items: Sequence[Scored], *, limit: int, lam: float, max_per_author: int,
              window: int) -> list[Scored]:
    """The first ``limit`` items in MMR order; ``items`` must already be sorted by score."""
    n = len(items)
    if n == 0:
        return []
    limit = min(limit, n)
    scores = np.array([max(i.score, 0.0) for i in items], dtype=np.float64)
    top = scores.max()
    relevance = scores / top if top > 0 else np.zeros(n)
    sim = similarity_matrix(items) if lam < 1.0 else None
    max_sim = np.zeros(n)
    chosen = np.zeros(n, dtype=bool)
    authors = _author_index(items)
    counts = np.zeros(int(authors.max()) + 1, dtype=np.int64)  # per author, in the window
    recent: deque[int] = deque(maxlen=window)
    order: list[Scored] = []
    for _ in range(limit):
        gain = lam * relevance - (1.0 - lam) * max_sim
        gain[chosen] = -np.inf
        allowed = np.where(counts[authors] >= max_per_author, -np.inf, gain)
        # argmax keeps the first of ties: the input (score) order. When only capped
        # authors are left, the cap yields.
        pick = int(np.argmax(allowed if np.isfinite(allowed).any() else gain))
        chosen[pick] = True
        order.append(items[pick])
        if sim is not None:
            np.maximum(max_sim, sim[pick], out=max_sim)
        if len(recent) == recent.maxlen:
            counts[recent[0]] -= 1
        recent.append(int(authors[pick]))
        counts[authors[pick]] += 1
    return order


def _author_index(items: Sequence[Scored]) -> np.ndarray:
    index: dict[str, int] = {}
    return np.array([index.setdefault(i.author_id, len(index)) for i in items], dtype=np.int64)
