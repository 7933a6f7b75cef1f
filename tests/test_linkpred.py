"""Neighbourhood scores, edge features and the follow-suggestion blend on tiny graphs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.errors import ValidationError
from engine.evaluate.link_split import adjacency_from_edges
from engine.learn.edge_features import edge_features, score_pairs_with_embedding
from engine.learn.linkpred import (
    adamic_adar,
    common_neighbors,
    jaccard,
    pair_features,
    paths_of_length_3,
    preferential_attachment,
)
from engine.recommend.suggestion_blend import (
    EMBEDDING_BLEND,
    GRAPH_BLEND,
    BlendWeights,
    blend_features,
    blend_logit,
    blend_score,
    fit_blend,
    suggestion_logit,
)

#   0 — 1 — 3 — 4       degrees: 0:2, 1:3, 2:3, 3:3, 4:1
#    \  |  /
#      2
EDGES = np.array([[0, 1], [0, 2], [1, 2], [1, 3], [2, 3], [3, 4]])
PAIRS = np.array([[0, 3], [0, 4], [1, 2], [2, 4]])


@pytest.fixture
def adjacency():
    return adjacency_from_edges(EDGES, 5)


def test_common_neighbors_counts_shared_friends(adjacency):
    assert common_neighbors(adjacency, PAIRS).tolist() == [2, 0, 2, 1]


def test_jaccard_divides_by_the_union(adjacency):
    # N(0)={1,2}, N(3)={1,2,4}: 2/3. N(1)={0,2,3}, N(2)={0,1,3}: {0,3} over {0,1,2,3}.
    assert jaccard(adjacency, PAIRS) == pytest.approx([2 / 3, 0.0, 2 / 4, 1 / 3])


def test_adamic_adar_weighs_by_inverse_log_degree(adjacency):
    # (1, 2) share 0 (degree 2) and 3 (degree 3).
    want = [2 / math.log(3), 0.0, 1 / math.log(2) + 1 / math.log(3), 1 / math.log(3)]
    assert adamic_adar(adjacency, PAIRS) == pytest.approx(want)


def test_preferential_attachment_multiplies_degrees(adjacency):
    assert preferential_attachment(adjacency, PAIRS).tolist() == [6, 2, 9, 3]


def test_paths_of_length_3_break_ties_between_strangers(adjacency):
    # 0 and 4 share no neighbour, but 0-1-3-4 and 0-2-3-4 connect them.
    assert paths_of_length_3(adjacency, np.array([[0, 4]])).tolist() == [2]
    dense = adjacency.toarray()
    cube = dense @ dense @ dense
    assert paths_of_length_3(adjacency, PAIRS, max_work=1).tolist() == \
        cube[PAIRS[:, 0], PAIRS[:, 1]].tolist()


def test_scores_ignore_edge_weights(adjacency):
    weighted = adjacency_from_edges(EDGES, 5, weights=np.arange(1.0, 7.0))
    assert adamic_adar(weighted, PAIRS) == pytest.approx(adamic_adar(adjacency, PAIRS))


def test_pair_features_agree_with_the_single_scorers(adjacency):
    f = pair_features(adjacency, PAIRS)
    assert f["common"] == pytest.approx(common_neighbors(adjacency, PAIRS))
    assert f["adamic_adar"] == pytest.approx(adamic_adar(adjacency, PAIRS))
    assert f["jaccard"] == pytest.approx(jaccard(adjacency, PAIRS))
    assert f["degree_u"] * f["degree_v"] == pytest.approx(
        preferential_attachment(adjacency, PAIRS))


def test_scores_of_no_pairs_are_empty(adjacency):
    assert adamic_adar(adjacency, np.empty((0, 2), dtype=int)).shape == (0,)


@pytest.mark.parametrize("pairs", [np.array([[0, 5]]), np.array([0, 1, 2])])
def test_bad_pairs_are_rejected(adjacency, pairs):
    with pytest.raises(ValidationError):
        common_neighbors(adjacency, pairs)


def test_edge_operators():
    emb = np.array([[1.0, 2.0], [3.0, -1.0]])
    pair = np.array([[0, 1]])
    assert edge_features(emb, pair, "hadamard").tolist() == [[3.0, -2.0]]
    assert edge_features(emb, pair, "average").tolist() == [[2.0, 0.5]]
    assert edge_features(emb, pair, "l1").tolist() == [[2.0, 3.0]]
    assert edge_features(emb, pair, "l2").tolist() == [[4.0, 9.0]]
    with pytest.raises(ValidationError):
        edge_features(emb, pair, "cosine")


def test_edge_classifier_learns_a_separable_rule():
    # Nodes carry their group in the sign of the first coordinate; edges join equals.
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(40, 4))
    emb[:20, 0], emb[20:, 0] = 1.0, -1.0
    same = np.array([[i, j] for i in range(20) for j in range(i + 1, 20)])
    cross = np.array([[i, j] for i in range(20) for j in range(20, 40)])
    train = np.vstack([same[::2], cross[::2]])
    labels = np.r_[np.ones(len(same[::2])), np.zeros(len(cross[::2]))]
    test = np.vstack([same[1::2], cross[1::2]])
    scores = score_pairs_with_embedding(emb, train, labels, test, "hadamard")
    n_same = len(same[1::2])
    assert scores[:n_same].min() > scores[n_same:].max()


def test_blend_ranks_shared_friends_first_and_paths_break_ties():
    degree = np.array([20.0, 20.0, 20.0])
    score = blend_score(adamic_adar=np.array([0.0, 0.0, 1.0]), paths3=np.array([0.0, 5.0, 5.0]),
                        user_degree=degree, candidate_degree=degree)
    assert score[0] < score[1] < score[2]


def test_blend_with_the_paths_fixed_prefers_less_followed_candidates():
    # GRAPH_BLEND's degree weight is negative: the same paths mean more for a small account.
    score = blend_score(np.array([1.0, 1.0]), np.array([10.0, 10.0]),
                        np.array([10.0, 10.0]), np.array([5.0, 500.0]))
    assert GRAPH_BLEND.degree < 0 and score[0] > score[1]


def test_blend_features_reject_negative_counts():
    with pytest.raises(ValidationError):
        blend_features(np.array([-1.0]), np.array([0.0]), np.array([1.0]), np.array([1.0]))


def test_fit_blend_recovers_the_informative_feature():
    rng = np.random.default_rng(1)
    aa = rng.exponential(size=2000)
    labels = (aa + 0.1 * rng.normal(size=2000) > 1.0).astype(float)
    x = blend_features(aa, rng.exponential(size=2000), np.full(2000, 10.0), np.full(2000, 10.0))
    weights = fit_blend(x, labels)
    assert isinstance(weights, BlendWeights)
    assert weights.adamic_adar > 5 * abs(weights.paths3)
    assert weights.embedding_cosine == 0.0


def test_suggestion_logit_uses_the_cosine_only_where_both_vectors_exist():
    aa, p3, deg = np.full(4, 1.0), np.full(4, 5.0), np.full(4, 20.0)
    cosine = np.array([np.nan, -0.5, 0.0, 0.5])  # NaN: the user or the candidate has none
    got = suggestion_logit(aa, p3, deg, deg, cosine)
    assert got[0] == pytest.approx(blend_score(aa[:1], p3[:1], deg[:1], deg[:1])[0],
                                   abs=1e-12)  # the graph-only blend
    x = blend_features(aa[1:], p3[1:], deg[1:], deg[1:], cosine[1:])
    assert np.allclose(got[1:], blend_logit(x, EMBEDDING_BLEND))
    assert EMBEDDING_BLEND.embedding_cosine > 0 and got[1] < got[2] < got[3]
    assert abs(got[2] - got[0]) > 0.1  # a known cosine of 0 is not "no vector"
