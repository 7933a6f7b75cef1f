"""Link-prediction evaluation: the node2vec paper's protocol on an edge list.

``evaluate_links`` is what ``graphfeed evaluate links`` calls. One seed fixes
everything: the split (see ``link_split``), the training pairs of the
embedding classifiers, the walks and the projections. Scores only ever see
the residual graph; the AUC is sklearn's ``roc_auc_score`` (ties count half).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

from engine.errors import ValidationError
from engine.evaluate.link_split import (
    EdgeList,
    LinkSplit,
    read_edge_list,
    split_links,
    training_pairs,
)
from engine.learn.config import EmbeddingSettings
from engine.learn.edge_features import OPERATORS, score_pairs_with_embedding
from engine.learn.embeddings import unit_rows
from engine.learn.fastrp import FastRPParams, fastrp_embedding
from engine.learn.linkpred import HEURISTICS, pair_features
from engine.learn.node2vec import Node2VecParams, node2vec_embedding
from engine.recommend.suggestion_blend import (
    EMBEDDING_BLEND,
    GRAPH_BLEND,
    BlendWeights,
    blend_features,
    blend_logit,
    fit_blend,
)

EMBEDDING_METHODS = ("node2vec", "fastrp")
METHODS = (*HEURISTICS, "blend", *EMBEDDING_METHODS)

# Method -> scorer(split, rng, operator, params) -> (test scores, extra result fields).
Scorer = Callable[[LinkSplit, np.random.Generator, str, dict[str, Any]],
                  tuple[np.ndarray, dict[str, Any]]]


def _pair_blend_features(adjacency: Any, pairs: np.ndarray,
                         vectors: np.ndarray | None = None) -> np.ndarray:
    f = pair_features(adjacency, pairs)
    cosine = None if vectors is None else np.einsum(
        "ij,ij->i", vectors[pairs[:, 0]], vectors[pairs[:, 1]]).astype(np.float64)
    return blend_features(f["adamic_adar"], f["paths3"], f["degree_u"], f["degree_v"], cosine)


def production_vectors(adjacency: Any, seed: int) -> np.ndarray:
    """Unit FastRP vectors at `graphfeed train`'s default ``EmbeddingSettings``: what
    production stores on users and the suggestion blend reads back."""
    s = EmbeddingSettings()
    params = FastRPParams(dimensions=s.dimensions, weights=tuple(s.fastrp_weights),
                          normalization=s.fastrp_normalization, self_loops=s.fastrp_self_loops)
    return unit_rows(fastrp_embedding(adjacency, params, seed=seed))


def fit_blend_weights(split: LinkSplit, rng: np.random.Generator,
                      fraction: float = 0.1, embedding_seed: int | None = None) -> BlendWeights:
    """Blend weights learnt from the residual graph alone.

    A nested split of the residual graph hides ``fraction`` of its edges; the
    features of those (and of as many non-edges) are computed without them,
    as the test pairs' are. A small fraction keeps the density the fit sees
    close to the residual graph's. With ``embedding_seed`` the cosine of
    vectors trained on that inner residual graph is a fifth feature.
    """
    inner = split_links(EdgeList(edges=split.residual_edges,
                                 labels=np.arange(split.n_nodes)), rng, fraction)
    vectors = None if embedding_seed is None else production_vectors(inner.residual,
                                                                      embedding_seed)
    return fit_blend(_pair_blend_features(inner.residual, inner.test_pairs, vectors),
                     inner.test_labels, use_embedding=vectors is not None)


def _reject_unknown(method: str, params: dict[str, Any], known: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValidationError(f"{method} takes no parameter {', '.join(unknown)}"
                              + (f" (it takes {', '.join(known)})" if known else ""),
                              method=method, unknown=unknown)


def _heuristic(name: str) -> Scorer:
    def score(split: LinkSplit, rng: np.random.Generator, operator: str,
              params: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
        _reject_unknown(name, params, ())
        return HEURISTICS[name](split.residual, split.test_pairs), {}
    return score


BLEND_EMBEDDINGS = ("fastrp", "none")


def _blend(split: LinkSplit, rng: np.random.Generator, operator: str,
           params: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    _reject_unknown("blend", params, ("refit", "embedding"))
    embedding = str(params.get("embedding", "fastrp"))
    if embedding not in BLEND_EMBEDDINGS:
        raise ValidationError(f"unknown blend embedding {embedding!r}: use one of "
                              + ", ".join(BLEND_EMBEDDINGS), embedding=embedding)
    # Drawn first, and only when used, so `embedding=none` keeps the graph-only split.
    seed = int(rng.integers(0, 2**31 - 1)) if embedding == "fastrp" else None
    if params.get("refit"):
        weights = fit_blend_weights(split, rng, embedding_seed=seed)
    else:
        weights = GRAPH_BLEND if seed is None else EMBEDDING_BLEND
    vectors = None if seed is None else production_vectors(split.residual, seed)
    scores = blend_logit(_pair_blend_features(split.residual, split.test_pairs, vectors),
                         weights)
    return scores, {"weights": weights.as_dict()}


def _embedding(name: str) -> Scorer:
    def score(split: LinkSplit, rng: np.random.Generator, operator: str,
              params: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
        seed = int(rng.integers(0, 2**31 - 1))
        options = {k: v for k, v in params.items() if k != "progress"}
        fields = (*Node2VecParams.__dataclass_fields__, "preset") if name == "node2vec" \
            else tuple(FastRPParams.__dataclass_fields__)
        _reject_unknown(name, options, fields)
        started = time.perf_counter()
        used: dict[str, object]
        if name == "node2vec":
            n2v = node2vec_params(options)
            used = n2v.as_dict()
            embedding = node2vec_embedding(split.residual, n2v, seed=seed,
                                           progress=bool(params.get("progress")))
        else:
            frp = _fastrp_params(options)
            used = frp.as_dict()
            embedding = fastrp_embedding(split.residual, frp, seed=seed)
        embed_seconds = time.perf_counter() - started
        train, labels = training_pairs(split, rng)
        scores = score_pairs_with_embedding(embedding, train, labels, split.test_pairs,
                                            operator, seed=seed)
        return scores, {"embed_seconds": round(embed_seconds, 2), "n_train": len(train),
                        "embedding": used}
    return score


NODE2VEC_PRESETS = ("graphfeed", "paper")


def node2vec_params(options: dict[str, Any]) -> Node2VecParams:
    """``preset`` (graphfeed: `graphfeed train`'s ``EmbeddingSettings`` walks and window;
    paper: the node2vec paper's d=128, r=10, l=80, k=10), then the other options on top."""
    options = dict(options)
    preset = str(options.pop("preset", "graphfeed"))
    if preset not in NODE2VEC_PRESETS:
        raise ValidationError(f"unknown node2vec preset {preset!r}: use one of "
                              + ", ".join(NODE2VEC_PRESETS), preset=preset)
    base = Node2VecParams()
    if preset == "graphfeed":
        ours = EmbeddingSettings()
        base = replace(base, dimensions=ours.dimensions, walks_per_node=ours.walks_per_node,
                       walk_length=ours.walk_length, window=ours.window, p=ours.p, q=ours.q)
    return replace(base, **options)


def _fastrp_params(params: dict[str, Any]) -> FastRPParams:
    params = dict(params)
    if "weights" in params:  # "0,1,1" from the command line, or one number
        params["weights"] = tuple(float(w) for w in str(params["weights"]).split(","))
    return FastRPParams(**params)


SCORERS: dict[str, Scorer] = {
    **{name: _heuristic(name) for name in HEURISTICS},
    "blend": _blend,
    **{name: _embedding(name) for name in EMBEDDING_METHODS},
}


def evaluate_links(edges_path: str | Path, method: str, seed: int = 0,
                   operator: str | None = None, **params: Any) -> dict[str, Any]:
    """ROC AUC of ``method`` on the paper's 50% connected split of ``edges_path``.

    ``operator`` (hadamard, average, l1, l2) applies to the embedding methods
    only and defaults to hadamard; ``params`` go to the method (node2vec:
    ``Node2VecParams`` fields over ``preset`` - graphfeed, the default: the walks and
    window `graphfeed train` uses; paper: l=80, k=10; fastrp: ``FastRPParams`` fields, ``weights``
    as "0,1,1"; blend: ``refit=True`` fits the weights on this residual graph,
    ``embedding`` fastrp (the default: the cosine of production's FastRP vectors is a
    feature) or none (the graph-only blend)).
    """
    if method not in SCORERS:
        raise ValidationError(f"unknown method {method!r}: use one of " + ", ".join(METHODS),
                              method=method)
    if method in EMBEDDING_METHODS:
        operator = operator or "hadamard"
        if operator not in OPERATORS:
            raise ValidationError(f"unknown operator {operator!r}: use one of "
                                  + ", ".join(OPERATORS), operator=operator)
    elif operator is not None:
        raise ValidationError(f"--operator applies to {', '.join(EMBEDDING_METHODS)} only",
                              method=method, operator=operator)
    started = time.perf_counter()
    graph = read_edge_list(edges_path)
    auc, split, extra = run_protocol(graph, SCORERS[method], seed, operator or "", params)
    result: dict[str, Any] = {
        "method": method,
        "auc": round(auc, 4),
        "n_pos": len(split.positives),
        "n_neg": len(split.negatives),
        "n_nodes": graph.n_nodes,
        "n_edges": len(graph.edges),
        "seed": seed,
        "operator": operator,
        "params": {k: v for k, v in params.items() if k != "progress"},
        "seconds": round(time.perf_counter() - started, 2),
    }
    result.update(extra)
    return result


def run_protocol(graph: EdgeList, scorer: Scorer, seed: int, operator: str = "",
                 params: dict[str, Any] | None = None
                 ) -> tuple[float, LinkSplit, dict[str, Any]]:
    """Split ``graph`` with ``seed``, score the test pairs, return (AUC, split, extras).

    The one place the protocol runs, so tests can hand it any scorer (an
    oracle, a constant) and check the harness itself.
    """
    rng = np.random.default_rng(seed)
    split = split_links(graph, rng)
    scores, extra = scorer(split, rng, operator, dict(params or {}))
    if scores.shape != (len(split.test_pairs),):
        raise ValidationError("a scorer must return one score per test pair",
                              expected=len(split.test_pairs), got=scores.shape)
    return float(roc_auc_score(split.test_labels, scores)), split, extra
