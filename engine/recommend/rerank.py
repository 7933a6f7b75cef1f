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


class _Similarity:
    """Rows of the pairwise ``0.5 * tag Jaccard + 0.5 * same author`` (float32), one per
    call: MMR needs only the rows of the items it picks (a page's worth of a pool of a few
    hundred), and the full matrix costs ``n * n * tags`` multiply-adds."""

    def __init__(self, items: Sequence[Scored], authors: np.ndarray,
                 members: list[list[int]]) -> None:
        self.items = items
        every = [t for item in items for t in item.tags]
        self.vocab = {t: i for i, t in enumerate(dict.fromkeys(every))}
        sizes = [len(item.tags) for item in items]
        self.tags = np.zeros((len(items), max(len(self.vocab), 1)), dtype=np.float32)
        self.tags[np.repeat(np.arange(len(items)), sizes), [self.vocab[t] for t in every]] = 1.0
        self.sizes = self.tags.sum(axis=1)  # distinct tags
        self.authors = authors
        self.members = members

    def row(self, i: int) -> np.ndarray:
        # Element by element the same float32 operations as a full matrix's would be:
        # equal values, so the same choices. With tags of its own, no union is empty.
        tags = self.items[i].tags
        if tags:
            cols = list(dict.fromkeys([self.vocab[t] for t in tags]))
            inter = self.tags[:, cols].sum(axis=1, dtype=np.float32)
            row = 0.5 * (inter / (self.sizes + self.sizes[i] - inter))
        else:
            row = np.zeros(len(self.authors), dtype=np.float32)
        row[self.members[self.authors[i]]] += np.float32(0.5)
        return row


def similarity_matrix(items: Sequence[Scored]) -> np.ndarray:
    """Pairwise ``0.5 * tag Jaccard + 0.5 * same author`` (the rows MMR reads)."""
    authors = _author_index(items)
    sim = _Similarity(items, authors, _members(authors))
    return np.array([sim.row(i) for i in range(len(items))], dtype=np.float32).reshape(
        len(items), len(items))


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
    base = lam * relevance
    authors = _author_index(items)
    members = _members(authors)
    sim = _Similarity(items, authors, members) if lam < 1.0 else None
    # (1 - lam) * the highest similarity to a chosen item (scaling by a non-negative
    # constant commutes with the maximum), +inf once the item itself is chosen.
    penalty = np.zeros(n)
    # -inf for the items whose author fills the cap in the current window, else 0.
    capped = np.zeros(n)
    counts = [0] * len(members)  # per author, in the window
    recent: deque[int] = deque(maxlen=window)
    order: list[Scored] = []

    def count(author: int, step: int) -> None:
        before = counts[author] >= max_per_author
        counts[author] += step
        if (counts[author] >= max_per_author) != before:
            capped[members[author]] = 0.0 if before else -np.inf

    for _ in range(limit):
        gain = base - penalty
        allowed = gain + capped
        pick = int(allowed.argmax())
        # argmax keeps the first of ties: the input (score) order. When only capped
        # authors are left, the cap yields.
        if allowed[pick] == -np.inf:
            pick = int(gain.argmax())
        order.append(items[pick])
        if sim is not None:
            np.maximum(penalty, np.multiply(sim.row(pick), 1.0 - lam, dtype=np.float64),
                       out=penalty)
        penalty[pick] = np.inf
        if len(recent) == recent.maxlen:
            count(recent[0], -1)
        author = int(authors[pick])
        recent.append(author)
        count(author, 1)
    return order


def _author_index(items: Sequence[Scored]) -> np.ndarray:
    index: dict[str, int] = {}
    return np.array([index.setdefault(i.author_id, len(index)) for i in items], dtype=np.int64)


def _members(authors: np.ndarray) -> list[list[int]]:
    """Each author's items (authors are numbered from 0 in order of appearance)."""
    members: list[list[int]] = [[] for _ in range(int(authors.max()) + 1)]
    for i, a in enumerate(authors.tolist()):
        members[a].append(i)
    return members
