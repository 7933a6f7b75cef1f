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

The baseline is popularity: all items by training interaction count.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from engine.errors import ValidationError
from engine.evaluate import hetrec
from engine.recommend import Recommender
from engine.settings import Settings, get_settings
from engine.tuning import RecommendSettings

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


def evaluate_feed(path: Path, *, dataset: str = hetrec.DATASET, seed: int = 0,
                  users: int | None = None, ks: tuple[int, ...] = KS,
                  settings: Settings | None = None, recommend: RecommendSettings | None = None,
                  progress: bool = True) -> dict[str, Any]:
    if dataset not in DATASETS:
        raise ValidationError(f"unknown dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    from engine.store import open_store

    settings = settings or get_settings()
    started = time.perf_counter()
    data = hetrec.load(path)
    sp = hetrec.split(data, seed)
    train_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.train.groupby("user")}
    valid_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.valid.groupby("user")}
    test_items = {u: set(map(hetrec.post_id, g["artist"])) for u, g in sp.test.groupby("user")}
    counts = sp.train.groupby("artist").size()
    everything = [hetrec.post_id(a) for a in data.artists.tolist()]
    popular = sorted(everything, key=lambda p: (-int(counts.get(int(p[1:]), 0)), p))
    evaluated = sorted(test_items)
    if users is not None and users < len(evaluated):
        rng = np.random.default_rng(seed)
        evaluated = sorted(rng.choice(evaluated, size=users, replace=False).tolist())
    most = max(len(v) for v in train_items.values())
    config = evaluation_settings(recommend or settings.recommend, len(everything), most)

    store = open_store(settings, graph=f"eval_feed_{uuid.uuid4().hex[:10]}")
    try:
        t = time.perf_counter()
        sizes = hetrec.load_graph(store, data, sp, settings=settings, progress=progress)
        load_s = time.perf_counter() - t
        ranker = Recommender(store, settings, recommend=config).ranker
        as_of = hetrec.T0 + 60_000
        top = max(ks)
        totals = {"feed": np.zeros((len(ks), 2)), "popularity": np.zeros((len(ks), 2))}
        sources: dict[str, int] = {}
        rank_ms = []
        for u in tqdm(evaluated, desc="ranking", unit=" users", disable=not progress,
                      dynamic_ncols=True):
            seen = train_items.get(u, set())
            masked = valid_items.get(u, set())
            relevant = test_items[u]
            t = time.perf_counter()
            ctx = ranker.context(hetrec.user_id(u), as_of)
            scored = ranker.rank(ctx, pool=top + len(masked), exclude_engaged_only=True)
            rank_ms.append((time.perf_counter() - t) * 1000)
            ranked = [s.post_id for s in scored if s.post_id not in masked][:top]
            for s in scored[:10]:
                for src in s.sources:
                    sources[src] = sources.get(src, 0) + 1
            if len(ranked) < top:  # items no source proposed: by popularity, as the tail
                have = set(ranked)
                ranked += [p for p in popular if p not in seen and p not in masked
                           and p not in have][:top - len(ranked)]
            baseline = [p for p in popular if p not in seen and p not in masked][:top]
            totals["feed"] += _metrics(ranked, relevant, ks)
            totals["popularity"] += _metrics(baseline, relevant, ks)
    finally:
        store.delete_graph()  # type: ignore[attr-defined]
        store.close()

    n = len(evaluated)
    result: dict[str, Any] = {
        "dataset": dataset, "seed": seed, "split": "random 8:1:1 per user",
        "protocol": "full ranking over all items not in the user's training set; "
                    "validation items masked",
        "users": n, "items": len(everything), "train": len(sp.train), "valid": len(sp.valid),
        "test": len(sp.test), "graph": sizes, "ks": list(ks),
        "settings": config.model_dump(mode="json", exclude={"cursor_key"}),
        "load_seconds": round(load_s, 1),
        "rank_ms": {"p50": round(float(np.percentile(rank_ms, 50)), 1),
                    "p99": round(float(np.percentile(rank_ms, 99)), 1)},
        "top10_sources": dict(sorted(sources.items())),
        "published": {k: {"recall@10": r, "ndcg@10": g} for k, (r, g) in PUBLISHED.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
    for name, total in totals.items():
        mean = total / max(n, 1)
        result[name] = {f"recall@{k}": round(float(mean[i, 0]), 4) for i, k in enumerate(ks)}
        result[name].update({f"ndcg@{k}": round(float(mean[i, 1]), 4) for i, k in enumerate(ks)})
    return result


def write_report(result: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """``feed-<dataset>-seed<seed>.json`` and the Recall@K curve as a PNG beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"feed-{result['dataset']}-seed{result['seed']}"
    json_path, png_path = stem.with_suffix(".json"), stem.with_suffix(".png")
    json_path.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    ks = result["ks"]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    for name, style in (("feed", "o-"), ("popularity", "s--")):
        ax.plot(ks, [result[name][f"recall@{k}"] for k in ks], style, label=name)
    for name, (recall, _) in PUBLISHED.items():
        ax.plot([10], [recall], "x", label=f"{name} (published @10)")
    ax.set_xlabel("K")
    ax.set_ylabel("Recall@K")
    ax.set_title(f"{result['dataset']}: {result['users']} users, full ranking, seed "
                 f"{result['seed']}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)
    return json_path, png_path
