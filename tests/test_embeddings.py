"""node2vec and FastRP embeddings on two cliques joined by one edge."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from engine.errors import ValidationError
from engine.evaluate.link_split import adjacency_from_edges
from engine.learn.fastrp import FastRPParams, embed_new_node, fastrp_embedding, sparse_projection
from engine.learn.node2vec import Node2VecParams, node2vec_embedding
from engine.learn.walks import random_walks

SIZE = 8  # nodes 0..7 form one clique, 8..15 the other; 7 — 8 is the bridge


def two_cliques():
    edges = [(i, j) for i in range(SIZE) for j in range(i + 1, SIZE)]
    edges += [(i + SIZE, j + SIZE) for i, j in edges]
    edges.append((SIZE - 1, SIZE))
    return adjacency_from_edges(np.array(edges), 2 * SIZE)


def cosine(x: np.ndarray) -> np.ndarray:
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    return unit @ unit.T


def assert_cliques_separate(embedding: np.ndarray) -> None:
    sim = cosine(embedding)
    a, b = np.arange(SIZE), np.arange(SIZE, 2 * SIZE)
    within = np.r_[sim[np.ix_(a, a)][np.triu_indices(SIZE, 1)],
                   sim[np.ix_(b, b)][np.triu_indices(SIZE, 1)]]
    across = sim[np.ix_(a, b)].ravel()
    assert within.mean() > across.mean() + 0.3
    # Every node is closer, on average, to its own clique than to the other.
    for node in range(2 * SIZE):
        own, other = (a, b) if node < SIZE else (b, a)
        assert sim[node, own[own != node]].mean() > sim[node, other].mean()


SMALL_N2V = Node2VecParams(dimensions=16, walks_per_node=20, walk_length=20, window=5,
                           epochs=3, deterministic=True)


def test_node2vec_puts_each_clique_together():
    assert_cliques_separate(node2vec_embedding(two_cliques(), SMALL_N2V, seed=0))


def test_node2vec_deterministic_mode_repeats_itself():
    a = node2vec_embedding(two_cliques(), SMALL_N2V, seed=4)
    assert np.array_equal(a, node2vec_embedding(two_cliques(), SMALL_N2V, seed=4))
    assert a.shape == (2 * SIZE, 16) and a.dtype == np.float32


@pytest.mark.slow
def test_word2vec_needs_no_pythonhashseed(tmp_path):
    # gensim 4.4 seeds its vectors from `seed`, not from hash(): two processes
    # with different hash salts must agree bit for bit on the same walks.
    walks = tmp_path / "walks.npy"
    np.save(walks, random_walks(two_cliques(), 20, 20, seed=0))
    script = textwrap.dedent(f"""
        import sys, numpy as np
        from engine.learn.node2vec import Node2VecParams, train_word2vec
        params = Node2VecParams(**{SMALL_N2V.as_dict()!r})
        np.save(sys.argv[2], train_word2vec(np.load(sys.argv[1]), {2 * SIZE}, params, seed=9))
    """)
    outs = []
    for salt in ("1", "2"):
        out = tmp_path / f"emb{salt}.npy"
        env = {**os.environ, "PYTHONHASHSEED": salt}
        subprocess.run([sys.executable, "-c", script, str(walks), str(out)], env=env,
                       check=True, timeout=300)
        outs.append(np.load(out))
    assert np.array_equal(*outs)


def test_node2vec_rejects_bad_parameters():
    with pytest.raises(ValidationError):
        node2vec_embedding(two_cliques(), Node2VecParams(dimensions=0))


def test_fastrp_puts_each_clique_together():
    assert_cliques_separate(fastrp_embedding(two_cliques(), FastRPParams(dimensions=32), seed=0))


def test_fastrp_same_seed_same_output_other_seed_other_output():
    a = fastrp_embedding(two_cliques(), seed=5)
    assert np.array_equal(a, fastrp_embedding(two_cliques(), seed=5))
    assert not np.array_equal(a, fastrp_embedding(two_cliques(), seed=6))
    assert a.shape == (2 * SIZE, 128) and a.dtype == np.float32


def test_fastrp_embeds_a_new_node_next_to_its_neighbours():
    emb = fastrp_embedding(two_cliques(), FastRPParams(dimensions=32), seed=0)
    new = embed_new_node(emb, [1, 2, 3])
    sim = cosine(np.vstack([emb, new]))[-1, :-1]
    assert sim[:SIZE].mean() > sim[SIZE:].mean() + 0.3
    assert sim[[1, 2, 3]].min() > sim[SIZE:].max()
    # Weights pull it towards the heavier neighbour.
    leaning = embed_new_node(emb, [0, SIZE + 3], weights=[1.0, 9.0])
    lean_sim = cosine(np.vstack([emb, leaning]))[-1, :-1]
    assert lean_sim[SIZE + 3] > lean_sim[0]


@pytest.mark.parametrize(("neighbors", "weights"), [([], None), ([99], None),
                                                    ([1, 2], [1.0]), ([1], [-1.0])])
def test_embed_new_node_rejects_bad_input(neighbors, weights):
    emb = np.zeros((4, 3), dtype=np.float32)
    with pytest.raises(ValidationError):
        embed_new_node(emb, neighbors, weights)


def test_sparse_projection_is_very_sparse_and_signed():
    r = sparse_projection(10_000, 64, np.random.default_rng(0))
    s = np.sqrt(10_000)
    assert r.nnz / (10_000 * 64) == pytest.approx(1 / s, rel=0.05)
    assert set(np.unique(r.data)) == {-np.sqrt(s), np.sqrt(s)}


def test_fastrp_uses_edge_weights():
    plain = two_cliques()
    heavy = plain.copy()
    heavy.data = heavy.data * np.where(heavy.indices < SIZE, 1.0, 5.0)
    assert not np.allclose(fastrp_embedding(plain, seed=0), fastrp_embedding(heavy, seed=0))
