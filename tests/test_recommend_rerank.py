"""The MMR re-ranker against the textbook greedy loop, written out the slow way."""

from __future__ import annotations

import random

import numpy as np
import pytest

from engine.recommend.rerank import diversify, similarity_matrix
from engine.recommend.scoring import Scored


def item(pid: str, author: str, tags: tuple[str, ...], score: float) -> Scored:
    return Scored(post_id=pid, author_id=author, tags=tags, created_at=0, sources=(),
                  values={}, contributions={}, score=score)


def similarity(a: Scored, b: Scored) -> float:
    """``0.5 * Jaccard(tags) + 0.5 * [same author]`` in float32, one pair at a time."""
    union = len(set(a.tags) | set(b.tags))
    shared = np.float32(len(set(a.tags) & set(b.tags)))
    jaccard = shared / np.float32(union) if union else np.float32(0.0)
    same = np.float32(a.author_id == b.author_id)
    return float(np.float32(0.5) * jaccard + np.float32(0.5) * same)


def textbook(items: list[Scored], *, limit: int, lam: float, max_per_author: int,
             window: int) -> list[str]:
    top = max((max(i.score, 0.0) for i in items), default=0.0)
    chosen: list[int] = []
    while len(chosen) < min(limit, len(items)):
        recent = [items[i].author_id for i in chosen[-window:]]

        def gain(i: int) -> float:
            relevance = max(items[i].score, 0.0) / top if top > 0 else 0.0
            worst = max((similarity(items[i], items[j]) for j in chosen), default=0.0)
            return lam * relevance - (1.0 - lam) * worst

        left = [i for i in range(len(items)) if i not in chosen]
        allowed = [i for i in left if recent.count(items[i].author_id) < max_per_author]
        pool = allowed or left  # the cap yields when only capped authors are left
        chosen.append(max(pool, key=lambda i: (gain(i), -i)))  # ties: the earlier item
    return [items[i].post_id for i in chosen]


def test_a_near_duplicate_waits_and_an_author_is_capped() -> None:
    items = [item("a1", "ana", ("snow", "ski"), 1.0), item("a2", "ana", ("snow", "ski"), 0.99),
             item("a3", "ana", ("beach",), 0.7), item("b1", "bo", ("snow",), 0.9),
             item("c1", "cy", ("sun",), 0.5)]
    order = [s.post_id for s in diversify(items, limit=5, lam=0.8, max_per_author=2,
                                          window=3)]
    # a2 repeats a1 (same author, same tags), so b1 goes first; then a3 would beat c1,
    # but ana already fills two of the last three places.
    assert order == ["a1", "b1", "a2", "c1", "a3"]
    assert order == textbook(items, limit=5, lam=0.8, max_per_author=2, window=3)


@pytest.mark.parametrize("seed", range(40))
def test_diversify_is_the_textbook_greedy_loop(seed: int) -> None:
    rng = random.Random(seed)
    vocab = [f"t{i}" for i in range(rng.choice([3, 12, 60]))]
    authors = [f"u{i}" for i in range(rng.choice([2, 8, 40]))]
    items = [item(f"p{i}", rng.choice(authors),
                  tuple(sorted(rng.choices(vocab, k=rng.randrange(0, 4)))),  # duplicates too
                  rng.choice([round(rng.random(), rng.choice([1, 3])), 0.0, -0.2]))
             for i in range(rng.choice([1, 5, 30, 60]))]
    items.sort(key=lambda s: -s.score)
    limit, lam = rng.choice([1, 10, 100]), rng.choice([0.0, 0.5, 0.8, 1.0])
    cap, window = rng.choice([1, 2]), rng.choice([1, 4, 10])
    assert [s.post_id for s in diversify(items, limit=limit, lam=lam, max_per_author=cap,
                                         window=window)] == \
        textbook(items, limit=limit, lam=lam, max_per_author=cap, window=window)


def test_similarity_matrix_holds_every_pair() -> None:
    items = [item("a", "ana", ("x", "y"), 1.0), item("b", "ana", ("y",), 1.0),
             item("c", "bo", (), 1.0), item("d", "cy", ("y", "y", "z"), 1.0)]
    expected = np.array([[similarity(p, q) for q in items] for p in items], dtype=np.float32)
    assert np.array_equal(similarity_matrix(items), expected)
    assert similarity_matrix(items)[0, 1] == pytest.approx(0.5 * 0.5 + 0.5)
