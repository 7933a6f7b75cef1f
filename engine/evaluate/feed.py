"""Feed quality on real data: Recall@K and NDCG@K with full ranking.

``evaluate_feed`` is what ``graphfeed evaluate feed`` calls. It loads the training
part of a seeded 8:1:1 split into a fresh named graph (``engine.evaluate.hetrec``),
then ranks, for every user with held-out items, with the feed's own code: the
same candidate sources, Cypher, features, weights and MMR re-ranking, in the
evaluation mode of ``FeedRanker.rank`` (only the user's training interactions are
excluded; nothing is "seen", so test items stay reachable). The candidate limits
are widened so the sources can reach every item (``evaluation_settings``), and
items no source proposes follow in order of training popularity: the ranking is
over all items not in the user's training set. Validation items are masked from
both rankings, as the published full-ranking protocol does at test time.
``limits="serving"`` keeps the serving limits instead (the candidate budget a feed
request has): what that budget costs in quality, and what a change of it would.

The baseline is popularity: all items by training interaction count.

With ``graph`` (the default), ``graphfeed train``'s jobs (communities, embeddings,
post neighbours) run on the training graph before ranking, so the graph sources
(embedding neighbours, community trending) propose too and the collaborative source
reads trained neighbours (without ``graph`` it walks live); the report then also holds the same
ranking without them. Weight variants re-rank the same candidates, so a grid of
weights costs one candidate fetch per user.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from engine.errors import ValidationError
from engine.evaluate import hetrec
from engine.recommend import Recommender
from engine.recommend.candidates import default_sources
from engine.recommend.graph_sources import (
    COMMUNITY_FEATURE,
    EMBEDDING_FEATURE,
    register_graph_sources,
)
from engine.recommend.rerank import diversify
from engine.recommend.scoring import Scored, weight_of
from engine.settings import Settings, get_settings
from engine.tuning import FeedWeights, RecommendSettings

DATASETS = (hetrec.DATASET,)
KS = (1, 5, 10, 20, 50)
PUBLISHED = {  # RecBole-GNN, same interactions, random 8:1:1, full ranking: Recall@10/NDCG@10
    "BPR": (0.1761, 0.1674), "LightGCN": (0.2064, 0.1972), "MHCN": (0.2123, 0.2068),
}


def evaluation_settings(base: RecommendSettings, n_items: int, n_user_items: int
                        ) -> RecommendSettings:
    """The serving limits, widened so every item is reachable and every interaction counts."""
    return base.model_copy(update={
        "per_source": max(base.per_source, 200),
        "trending_scan": max(base.trending_scan, n_items + 1),
        "tag_scan": max(base.tag_scan, n_items + 1),
        "popular_scan": max(base.popular_scan, n_items + 1),
        "profile_engagements": max(base.profile_engagements, n_user_items),
        "collaborative_seeds": max(base.collaborative_seeds, n_user_items),
        "collaborative_damp_top": max(base.collaborative_damp_top, 2000),
    })


def _metrics(ranked: list[str], relevant: set[str], ks: tuple[int, ...]) -> np.ndarray:
    return np.array([[hetrec.recall_at(ranked, relevant, k), hetrec.ndcg_at(ranked, relevant, k)]
                     for k in ks])


GRAPH_SOURCES = ("embedding_posts", "embedding_authors", "community_trending")
TARGETS = ("test", "valid")
LIMITS = ("widened", "serving")
# Variants re-rank the same candidates, and MMR runs over the best RERANK_TOP of them for
# every variant alike: its similarity matrix is quadratic in the items it sees, and the
# widened sources propose up to ~2,000 per user here while the metrics read the top 50.
RERANK_TOP = 500


def _without_graph(weights: FeedWeights) -> FeedWeights:
    return weights.model_copy(update={"extra": {
        f: w for f, w in weights.extra.items() if f not in (EMBEDDING_FEATURE, COMMUNITY_FEATURE)}})


class _Candidates:
    """One user's scored candidates as a matrix, so a weight set re-ranks them in numpy."""

    def __init__(self, scored: list[Scored]) -> None:
        self.items = scored
        self.features = sorted({f for s in scored for f in s.values})
        self.values = np.array([[s.values.get(f, 0.0) for f in self.features] for s in scored],
                               dtype=np.float64).reshape(len(scored), len(self.features))
        self.graph_only = np.array([set(s.sources) <= set(GRAPH_SOURCES) for s in scored],
                                   dtype=bool)
        ids = [s.post_id for s in scored]
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[np.argsort(np.array(ids, dtype=object))] = np.arange(len(ids))
        self.id_rank = id_rank
        self.created = np.array([s.created_at for s in scored], dtype=np.float64)

    def ranked(self, weights: FeedWeights, graph: bool, top: int) -> list[Scored]:
        """The best ``top`` under ``weights`` in ``ordered``'s order; without ``graph``, as
        if the graph sources were off (what only they proposed goes)."""
        w = np.array([weight_of(weights, f) for f in self.features], dtype=np.float64)
        scores = self.values @ w
        keep = np.flatnonzero(~self.graph_only) if not graph else np.arange(len(self.items))
        order = keep[np.lexsort((self.id_rank[keep], -self.created[keep], -scores[keep]))][:top]
        out = []
        for i in order.tolist():
            s = self.items[i]
            contributions = {f: weight_of(weights, f) * v for f, v in s.values.items()}
            out.append(replace(s, score=float(scores[i]), contributions=contributions))
        return out


def tuning_grid(base: FeedWeights) -> dict[str, FeedWeights]:
    """``base`` with every pair of graph-feature weights of a small grid."""
    grid = {}
    for e in (0.0, 0.25, 0.5, 1.0, 2.0):
        for c in (0.0, 0.25, 0.5, 1.0):
            extra = {**base.extra, EMBEDDING_FEATURE: e, COMMUNITY_FEATURE: c}
            grid[f"emb={e:g},com={c:g}"] = base.model_copy(update={"extra": extra})
    return grid


def evaluate_feed(path: Path, *, dataset: str = hetrec.DATASET, seed: int = 0,
                  users: int | None = None, ks: tuple[int, ...] = KS,
                  settings: Settings | None = None, recommend: RecommendSettings | None = None,
                  graph: bool = True, target: str = "test", limits: str = "widened",
                  variants: dict[str, FeedWeights] | None = None,
                  progress: bool = True) -> dict[str, Any]:
    """Recall@K / NDCG@K of the feed vs popularity on one seeded split.

    ``graph``: run `graphfeed train all` (communities, embeddings, post neighbours) on the
    training graph
    first, so the graph sources propose; the result then also holds
    ``feed_without_graph``: the same candidates and weights, minus what only the graph
    sources proposed and the graph features' weights. ``target="valid"`` scores the
    validation items (test items masked) - tune there, report test once. ``variants``:
    more weight sets, each re-ranking the same candidates (reported under ``variants``).
    ``limits="serving"``: the candidate sources keep the serving limits (see the module doc).
    """
    if dataset not in DATASETS:
        raise ValidationError(f"unknown dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    if target not in TARGETS:
        raise ValidationError(f"unknown target {target!r}: use one of {', '.join(TARGETS)}")
    if limits not in LIMITS:
        raise ValidationError(f"unknown limits {limits!r}: use one of {', '.join(LIMITS)}")
    from engine.store import open_store
    from engine.train import train_all

    settings = settings or get_settings()
    started = time.perf_counter()
    data = hetrec.load(path)
    sp = hetrec.split(data, seed)
    train_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.train.groupby("user")}
    valid_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.valid.groupby("user")}
    test_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.test.groupby("user")}
    if target == "valid":  # below, "valid" is what gets masked and "test" what is scored
        valid_items, test_items = test_items, valid_items
    counts = sp.train.groupby("artist").size()
    everything = [hetrec.post_id(a) for a in data.artists.tolist()]
    popular = sorted(everything, key=lambda p: (-int(counts.get(int(p[1:]), 0)), p))
    evaluated = sorted(test_items)
    if users is not None and users < len(evaluated):
        rng = np.random.default_rng(seed)
        evaluated = sorted(rng.choice(evaluated, size=users, replace=False).tolist())
    most = max(len(v) for v in train_items.values())
    config = recommend or settings.recommend
    if limits == "widened":
        config = evaluation_settings(config, len(everything), most)
    weights = {"feed": (config.weights, True)}
    if graph:
        weights["feed_without_graph"] = (_without_graph(config.weights), False)
    extra_weights = {name: (w, graph) for name, w in (variants or {}).items()}

    store = open_store(settings, graph=f"eval_feed_{uuid.uuid4().hex[:10]}")
    trained: dict[str, Any] = {}
    try:
        t = time.perf_counter()
        sizes = hetrec.load_graph(store, data, sp, settings=settings, progress=progress)
        load_s = time.perf_counter() - t
        if graph:
            t = time.perf_counter()
            for run in train_all(store, settings.train, say=lambda _: None):
                trained[run.kind] = {k: v for k, v in run.metrics.items() if k != "seconds"}
            trained["seconds"] = round(time.perf_counter() - t, 1)
        sources = default_sources()
        if graph:
            register_graph_sources(sources)
        ranker = Recommender(store, settings, recommend=config, sources=sources).ranker
        as_of = hetrec.T0 + 60_000
        top = max(ks)
        names = [*weights, *extra_weights]
        totals = {name: np.zeros((len(ks), 2)) for name in [*names, "popularity"]}
        top10: dict[str, int] = {}
        rank_ms = []
        for u in tqdm(evaluated, desc="ranking", unit=" users", disable=not progress,
                      dynamic_ncols=True):
            seen = train_items.get(u, set())
            masked = valid_items.get(u, set())
            relevant = test_items[u]
            t = time.perf_counter()
            ctx = ranker.context(hetrec.user_id(u), as_of)
            candidates = _Candidates(ranker.rank(ctx, pool=10**9, exclude_engaged_only=True,
                                                 diversified=False))
            for name in names:
                w, with_graph = weights.get(name) or extra_weights[name]
                scored = candidates.ranked(w, with_graph, RERANK_TOP)
                scored = diversify(scored, limit=top + len(masked), lam=config.mmr_lambda,
                                   max_per_author=config.max_per_author,
                                   window=config.author_window)
                if name == "feed":
                    rank_ms.append((time.perf_counter() - t) * 1000)
                    for s in scored[:10]:
                        for src in s.sources:
                            top10[src] = top10.get(src, 0) + 1
                ranked = [s.post_id for s in scored if s.post_id not in masked][:top]
                if len(ranked) < top:  # items no source proposed: by popularity, as the tail
                    have = set(ranked)
                    ranked += [p for p in popular if p not in seen and p not in masked
                               and p not in have][:top - len(ranked)]
                totals[name] += _metrics(ranked, relevant, ks)
            baseline = [p for p in popular if p not in seen and p not in masked][:top]
            totals["popularity"] += _metrics(baseline, relevant, ks)
    finally:
        store.delete_graph()  # type: ignore[attr-defined]
        store.close()

    n = len(evaluated)
    result: dict[str, Any] = {
        "dataset": dataset, "seed": seed, "split": "random 8:1:1 per user", "target": target,
        "protocol": "full ranking over all items not in the user's training set; "
                    + ("test items masked, validation items scored" if target == "valid"
                       else "validation items masked"),
        "limits": limits,
        "users": n, "items": len(everything), "train": len(sp.train), "valid": len(sp.valid),
        "test": len(sp.test), "graph": sizes, "ks": list(ks), "graph_sources": graph,
        "trained": trained,
        "settings": config.model_dump(mode="json", exclude={"cursor_key"}),
        "load_seconds": round(load_s, 1),
        "rank_ms": {"p50": round(float(np.percentile(rank_ms, 50)), 1),
                    "p99": round(float(np.percentile(rank_ms, 99)), 1)},
        "top10_sources": dict(sorted(top10.items())),
        "published": {k: {"recall@10": r, "ndcg@10": g} for k, (r, g) in PUBLISHED.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }

    def mean_metrics(total: np.ndarray) -> dict[str, float]:
        mean = total / max(n, 1)
        out = {f"recall@{k}": round(float(mean[i, 0]), 4) for i, k in enumerate(ks)}
        out.update({f"ndcg@{k}": round(float(mean[i, 1]), 4) for i, k in enumerate(ks)})
        return out

    for name in [*weights, "popularity"]:
        result[name] = mean_metrics(totals[name])
    if extra_weights:
        result["variants"] = {name: {"weights": w.model_dump(mode="json"),
                                     **mean_metrics(totals[name])}
                              for name, (w, _) in extra_weights.items()}
    return result


def write_report(result: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """``feed-<dataset>-seed<seed>.json`` and the Recall@K curve as a PNG beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = "" if result.get("target", "test") == "test" else f"-{result['target']}"
    if result.get("limits", "widened") != "widened":
        suffix += f"-{result['limits']}"
    stem = out_dir / f"feed-{result['dataset']}-seed{result['seed']}{suffix}"
    json_path, png_path = stem.with_suffix(".json"), stem.with_suffix(".png")
    json_path.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    ks = result["ks"]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for name, style in (("feed", "o-"), ("feed_without_graph", "d:"), ("popularity", "s--")):
        if name not in result:
            continue
        ax.plot(ks, [result[name][f"recall@{k}"] for k in ks], style, label=name)
    for name, (recall, _) in PUBLISHED.items():
        ax.plot([10], [recall], "x", label=f"{name} (published @10)")
    ax.set_xlabel("K")
    ax.set_ylabel("Recall@K")
    scored = "" if result.get("target", "test") == "test" else f", {result['target']} items"
    ax.set_title(f"{result['dataset']}: {result['users']} users, full ranking, seed "
                 f"{result['seed']}{scored}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)
    return json_path, png_path
