"""The link-prediction harness: split invariants, known-answer scorers, CLI, real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.sparse import csgraph

from engine.cli import main
from engine.errors import ValidationError
from engine.evaluate.link_split import (
    EdgeList,
    adjacency_from_edges,
    connected_split,
    pair_keys,
    read_edge_list,
    sample_non_edges,
    split_links,
    training_pairs,
)
from engine.evaluate.links import evaluate_links, node2vec_params, run_protocol
from engine.learn.config import EmbeddingSettings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FACEBOOK = DATA / "snap_ego_facebook" / "facebook_combined.txt"


def ring_with_chords(n: int = 60, seed: int = 0) -> EdgeList:
    """A connected graph with enough non-tree edges to remove half of them."""
    rng = np.random.default_rng(seed)
    ring = np.c_[np.arange(n), (np.arange(n) + 1) % n]
    chords = rng.integers(0, n, size=(3 * n, 2))
    edges = np.sort(np.vstack([ring, chords]), axis=1)
    edges = np.unique(edges[edges[:, 0] != edges[:, 1]], axis=0)
    return EdgeList(edges=edges, labels=np.arange(n))


def two_components() -> EdgeList:
    a = ring_with_chords(30, 1).edges
    return EdgeList(edges=np.vstack([a, a + 30]), labels=np.arange(60))


@pytest.mark.parametrize("graph", [ring_with_chords(), two_components()])
def test_split_keeps_every_component_connected_and_removes_exactly_half(graph):
    split = split_links(graph, np.random.default_rng(3))
    m = len(graph.edges)
    assert len(split.positives) == m // 2 == len(split.negatives)
    assert len(split.residual_edges) == m - m // 2
    before = csgraph.connected_components(adjacency_from_edges(graph.edges, 60))[0]
    assert csgraph.connected_components(split.residual)[0] == before


def test_split_partitions_the_edges_and_never_repeats_a_pair():
    graph = ring_with_chords()
    split = split_links(graph, np.random.default_rng(5))
    n = graph.n_nodes
    kept, removed = pair_keys(split.residual_edges, n), pair_keys(split.positives, n)
    assert np.array_equal(np.sort(np.r_[kept, removed]), np.sort(pair_keys(graph.edges, n)))
    test_keys = pair_keys(split.test_pairs, n)
    assert len(np.unique(test_keys)) == len(test_keys)
    assert np.all(split.test_pairs[:, 0] < split.test_pairs[:, 1])


def test_negatives_are_never_edges_of_the_input_graph():
    graph = ring_with_chords()
    split = split_links(graph, np.random.default_rng(7))
    n = graph.n_nodes
    assert not np.isin(pair_keys(split.negatives, n), pair_keys(graph.edges, n)).any()


def test_training_pairs_come_from_the_residual_graph_only():
    graph = ring_with_chords()
    rng = np.random.default_rng(9)
    split = split_links(graph, rng)
    pairs, labels = training_pairs(split, rng)
    n = graph.n_nodes
    keys = pair_keys(pairs, n)
    residual = pair_keys(split.residual_edges, n)
    assert np.isin(keys[labels == 1], residual).all()
    assert not np.isin(keys[labels == 0], residual).any()
    assert not np.isin(keys[labels == 0], pair_keys(split.negatives, n)).any()
    assert len(np.unique(keys)) == len(keys)


def test_same_seed_same_split_other_seed_other_split():
    graph = ring_with_chords()
    a = split_links(graph, np.random.default_rng(0))
    b = split_links(graph, np.random.default_rng(0))
    c = split_links(graph, np.random.default_rng(1))
    assert np.array_equal(a.test_pairs, b.test_pairs)
    assert not np.array_equal(a.test_pairs, c.test_pairs)


def test_a_tree_cannot_lose_edges_and_stay_connected():
    path = np.c_[np.arange(9), np.arange(1, 10)]
    with pytest.raises(ValidationError, match="connected"):
        connected_split(path, 10, 0.5, np.random.default_rng(0))


def test_asking_for_more_non_edges_than_exist_fails():
    triangle_and_one = np.array([[0, 1], [0, 2], [1, 2]])
    keys = pair_keys(triangle_and_one, 4)
    assert len(sample_non_edges(4, 3, keys, np.random.default_rng(0))) == 3
    with pytest.raises(ValidationError):
        sample_non_edges(4, 4, keys, np.random.default_rng(0))


def _oracle(split, rng, operator, params):
    truth = set(map(tuple, split.positives.tolist()))
    return np.array([float(tuple(p) in truth) for p in split.test_pairs.tolist()]), {}


def _constant(split, rng, operator, params):
    return np.full(len(split.test_pairs), 0.3), {}


def _liar(split, rng, operator, params):
    scores, _ = _oracle(split, rng, operator, params)
    return 1.0 - scores, {}


@pytest.mark.parametrize(("scorer", "auc"), [(_oracle, 1.0), (_constant, 0.5), (_liar, 0.0)])
def test_harness_gives_known_aucs(scorer, auc):
    got, _, _ = run_protocol(ring_with_chords(), scorer, seed=0)
    assert got == pytest.approx(auc)


def test_read_edge_list_cleans_the_input(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("# a comment\nb a\na b\nc c\nc a\n10 a\n")
    graph = read_edge_list(path)
    assert graph.labels.tolist() == ["10", "a", "b", "c"]
    assert graph.edges.tolist() == [[0, 1], [1, 2], [1, 3]]


def test_read_edge_list_keeps_numeric_ids_in_order(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("0 10\n2 10\n")
    assert read_edge_list(path).labels.tolist() == [0, 2, 10]


def test_read_edge_list_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="not found"):
        read_edge_list(tmp_path / "nope.txt")


@pytest.fixture
def edge_file(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("\n".join(f"{u} {v}" for u, v in ring_with_chords().edges) + "\n")
    return path


@pytest.mark.parametrize("method", ["adamic-adar", "jaccard", "common-neighbors",
                                    "preferential-attachment", "blend", "fastrp"])
def test_evaluate_links_reports_json_able_results(edge_file, method):
    result = evaluate_links(edge_file, method, seed=0)
    json.dumps(result)
    assert 0.0 <= result["auc"] <= 1.0
    assert result["n_pos"] == result["n_neg"] > 0
    assert result["method"] == method


def test_evaluate_links_rejects_unknown_method_and_stray_operator(edge_file):
    with pytest.raises(ValidationError):
        evaluate_links(edge_file, "katz")
    with pytest.raises(ValidationError):
        evaluate_links(edge_file, "adamic-adar", operator="hadamard")
    with pytest.raises(ValidationError, match="refit"):
        evaluate_links(edge_file, "blend", refit_all=True)


def test_node2vec_runs_graphfeeds_training_defaults_unless_asked_for_the_papers():
    ours = EmbeddingSettings()
    default = node2vec_params({})
    assert (default.walk_length, default.window, default.walks_per_node, default.dimensions) \
        == (ours.walk_length, ours.window, ours.walks_per_node, ours.dimensions)
    paper = node2vec_params({"preset": "paper", "p": 0.5})
    assert (paper.walk_length, paper.window, paper.walks_per_node, paper.p) == (80, 10, 10, 0.5)
    assert node2vec_params({"window": 3}).walk_length == ours.walk_length
    with pytest.raises(ValidationError, match="preset"):
        node2vec_params({"preset": "deepwalk"})


def test_node2vec_reports_the_walk_settings_it_used(edge_file):
    result = evaluate_links(edge_file, "node2vec", dimensions=8, walks_per_node=2,
                            preset="paper", deterministic=True)
    assert result["embedding"]["walk_length"] == 80 and result["embedding"]["window"] == 10
    assert result["params"]["preset"] == "paper" and 0.0 <= result["auc"] <= 1.0


def test_blend_refit_learns_weights_from_the_residual_graph(edge_file):
    result = evaluate_links(edge_file, "blend", refit=True)
    assert set(result["weights"]) == {"intercept", "adamic_adar", "degree", "paths3",
                                      "embedding_cosine"}
    assert result["weights"]["embedding_cosine"] != 0.0  # FastRP's cosine is in by default
    graph_only = evaluate_links(edge_file, "blend", refit=True, embedding="none")
    assert graph_only["weights"]["embedding_cosine"] == 0.0
    with pytest.raises(ValidationError, match="embedding"):
        evaluate_links(edge_file, "blend", embedding="node2vec")


@pytest.mark.skipif(not FACEBOOK.is_file(), reason="../shared/data is not present")
def test_stored_blend_weights_are_the_seed_0_refits_and_the_cosine_helps():
    """Both weight sets come from the harness (no test pair touches them), and the
    stored-vector cosine beats the graph-only blend on the same test pairs."""
    from engine.recommend.suggestion_blend import EMBEDDING_BLEND, GRAPH_BLEND

    graph_only = evaluate_links(FACEBOOK, "blend", seed=0, refit=True, embedding="none")
    with_vectors = evaluate_links(FACEBOOK, "blend", seed=0, refit=True)
    assert graph_only["weights"] == GRAPH_BLEND.as_dict()
    assert with_vectors["weights"] == EMBEDDING_BLEND.as_dict()
    assert with_vectors["auc"] > graph_only["auc"] > 0.99


def test_cli_prints_json(edge_file):
    out = CliRunner().invoke(main, ["evaluate", "links", "--edges", str(edge_file),
                                    "--method", "fastrp", "--operator", "l2",
                                    "-P", "dimensions=16", "--seed", "1", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["operator"] == "l2" and result["params"] == {"dimensions": 16}
    weights = CliRunner().invoke(main, ["evaluate", "links", "--edges", str(edge_file),
                                        "--method", "fastrp", "-P", "weights=0,1", "--json"])
    assert json.loads(weights.output)["params"] == {"weights": "0,1"}


def test_cli_prints_a_readable_line_and_clean_errors(edge_file):
    out = CliRunner().invoke(main, ["evaluate", "links", "--edges", str(edge_file),
                                    "--method", "adamic-adar"])
    assert out.exit_code == 0 and out.output.startswith("adamic-adar: AUC ")
    bad = CliRunner().invoke(main, ["evaluate", "links", "--edges", str(edge_file),
                                    "--method", "fastrp", "-P", "colour=red"])
    assert bad.exit_code != 0 and "colour" in bad.output


@pytest.mark.data
@pytest.mark.skipif(not FACEBOOK.is_file(), reason="../shared/data is not present")
def test_adamic_adar_on_facebook_matches_a_careful_harness():
    result = evaluate_links(FACEBOOK, "adamic-adar", seed=0)
    assert result["n_pos"] == 44117 and result["auc"] > 0.95
