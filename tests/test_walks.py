"""node2vec walks: golden output, edges only, the exact p/q law, reproducibility."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.sparse as sp

from engine.errors import ValidationError
from engine.evaluate.link_split import adjacency_from_edges
from engine.learn.walks import random_walks

#  0 — 1        a triangle with a tail: 2 — 3 — 4
#   \  |
#     2 — 3 — 4
KITE = np.array([[0, 1], [0, 2], [1, 2], [2, 3], [3, 4]])


@pytest.fixture
def kite():
    return adjacency_from_edges(KITE, 5)


def test_golden_walks_for_a_fixed_seed(kite):
    # Checked by hand: every node starts twice (one shuffled round each), each
    # step is an edge of the kite, and the tail 3-4 can only bounce or go back to 2.
    assert random_walks(kite, walks_per_node=2, walk_length=6, seed=42).tolist() == [
        [4, 3, 4, 3, 2, 1], [2, 0, 2, 3, 2, 3], [3, 4, 3, 4, 3, 2], [1, 2, 1, 0, 1, 2],
        [0, 2, 3, 4, 3, 2], [3, 4, 3, 4, 3, 4], [0, 2, 1, 0, 1, 0], [1, 0, 1, 0, 2, 0],
        [2, 1, 2, 3, 4, 3], [4, 3, 4, 3, 2, 3],
    ]
    # p = 0.5 doubles the weight of stepping back: more back-and-forth (2-0-2-0, 0-2-0-2).
    assert random_walks(kite, 2, 6, p=0.5, q=2.0, seed=42).tolist() == [
        [4, 3, 4, 3, 2, 3], [2, 0, 2, 0, 1, 0], [3, 4, 3, 4, 3, 2], [1, 2, 1, 0, 1, 2],
        [0, 2, 0, 2, 0, 1], [3, 4, 3, 4, 3, 4], [0, 2, 1, 0, 2, 0], [1, 0, 1, 2, 0, 2],
        [2, 1, 2, 1, 0, 1], [4, 3, 4, 3, 2, 3],
    ]


def test_walks_only_follow_edges_and_start_everywhere_equally():
    a = sp.random(200, 200, density=0.03, random_state=1, format="csr")
    a = ((a + a.T) > 0).astype(float).tocsr()
    walks = random_walks(a, walks_per_node=3, walk_length=20, p=0.5, q=2.0, seed=7)
    assert walks.shape == (600, 20) and walks.dtype == np.int32
    isolated = np.flatnonzero(np.diff(a.indptr) == 0)
    moving = walks[~np.isin(walks[:, 0], isolated)]
    assert (moving >= 0).all()
    assert (a[moving[:, :-1].ravel(), moving[:, 1:].ravel()] > 0).all()
    assert np.bincount(walks[:, 0], minlength=200).tolist() == [3] * 200


def _return_rate(walks: np.ndarray) -> float:
    return float((walks[:, 2:] == walks[:, :-2]).mean())


def test_p_and_q_move_the_return_frequency():
    a = adjacency_from_edges(np.array([[i, j] for i in range(8) for j in range(i + 1, 8)
                                       if (j - i) in (1, 2)]), 8)
    plain = _return_rate(random_walks(a, 50, 30, seed=1))
    homing = _return_rate(random_walks(a, 50, 30, p=0.25, seed=1))
    roaming = _return_rate(random_walks(a, 50, 30, p=4.0, seed=1))
    assert homing > 1.5 * plain and roaming < 0.7 * plain


def test_second_order_law_matches_the_node2vec_formula():
    # Weighted graph; condition on t=0 -> v=2 and compare the next step with
    # π(x) ∝ α(t, x) · w(v, x): α = 1/p for x = t, 1 for x ~ t, 1/q otherwise.
    edges = np.array([[0, 1], [0, 2], [1, 2], [2, 3], [2, 4], [3, 4]])
    weights = np.array([1.0, 2.0, 3.0, 1.5, 0.5, 1.0])
    a = adjacency_from_edges(edges, 5, weights)
    p, q = 0.5, 3.0
    walks = random_walks(a, 60_000, 3, p=p, q=q, seed=3, start_nodes=np.array([0]))
    nxt = walks[walks[:, 1] == 2, 2]
    w = {0: 2.0, 1: 3.0, 3: 1.5, 4: 0.5}
    alpha = {0: 1 / p, 1: 1.0, 3: 1 / q, 4: 1 / q}
    z = sum(alpha[x] * w[x] for x in w)
    for x in w:
        assert np.mean(nxt == x) == pytest.approx(alpha[x] * w[x] / z, abs=0.01)
    # The first step is first-order by weight: 1 (w=1) vs 2 (w=2).
    assert np.mean(walks[:, 1] == 2) == pytest.approx(2 / 3, abs=0.01)


def test_walks_do_not_depend_on_the_thread_count(kite):
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = random_walks(kite, 20, 15, p=0.3, q=3.0, seed=11)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(one, random_walks(kite, 20, 15, p=0.3, q=3.0, seed=11))
    assert not np.array_equal(one, random_walks(kite, 20, 15, p=0.3, q=3.0, seed=12))


def test_dead_ends_of_directed_graphs_pad_with_minus_one():
    chain = sp.csr_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    walks = random_walks(chain, 1, 5, seed=0, start_nodes=np.array([0]))
    assert walks.tolist() == [[0, 1, 2, -1, -1]]


@pytest.mark.parametrize("kwargs", [{"p": 0.0}, {"q": -1.0}, {"walk_length": 0},
                                    {"walks_per_node": 0}])
def test_bad_parameters_are_rejected(kite, kwargs):
    with pytest.raises(ValidationError):
        random_walks(kite, **kwargs)


def test_negative_weights_are_rejected():
    with pytest.raises(ValidationError):
        random_walks(sp.csr_matrix(np.array([[0.0, -1.0], [-1.0, 0.0]])))
