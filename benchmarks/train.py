"""`graphfeed train` end to end on a demo world, then the serving-side reads it enables.

    python benchmarks/train.py [--users 10000] [--dimensions 128] [--data-dir DIR]
                               [--out benchmarks/out]

Loads ``engine.demo.generate_world(users, seed=0)`` into an embedded FalkorDB
(``--data-dir``, a temporary one by default; an already loaded world is reused), runs
``train_communities`` and ``train_embeddings`` with their per-step timings, then times
what serving does with them: ``explore`` (first page and a later page),
``similar_posts`` / ``similar_users`` (vector index) and the community summary.
Timings on a shared machine are noisy; CPU seconds are printed next to wall seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.learn.communities import community_summary, user_community
from engine.learn.config import EmbeddingSettings, TrainSettings
from engine.learn.neighbors import similar_posts, similar_users
from engine.recommend.explore import explore
from engine.settings import Settings
from engine.store import GraphStore, open_store
from engine.train import train_communities, train_embeddings


def latency(fn: Callable[[int], Any], n: int) -> dict[str, float]:
    times = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1)}


def run(store: GraphStore, users: int, dimensions: int) -> dict[str, Any]:
    from engine.demo import generate_world, load_world
    from engine.maintenance import graph_counts

    out: dict[str, Any] = {}
    counts = graph_counts(store)
    if counts.get("users", 0) < users:
        world = generate_world(users, seed=0)
        t = time.perf_counter()
        load_world(store, world, progress=True)
        out["load_s"] = round(time.perf_counter() - t, 1)
        counts = graph_counts(store)
    out["graph"] = counts
    print(counts)
    settings = TrainSettings(embeddings=EmbeddingSettings(dimensions=dimensions))
    for name, job in (("communities", train_communities), ("embeddings", train_embeddings)):
        wall, cpu = time.perf_counter(), time.process_time()
        result = job(store, settings, progress=True, say=print)
        out[name] = {"wall_s": round(time.perf_counter() - wall, 1),
                     "client_cpu_s": round(time.process_time() - cpu, 1),
                     "metrics": result.metrics}
        print(f"{name}: {out[name]['wall_s']} s wall, {out[name]['client_cpu_s']} s CPU")
    ids = [r["id"] for r in store.execute(
        "MATCH (u:User)-[:ENGAGED]->() WITH u, count(*) AS n WHERE n > 5 "
        "RETURN u.id AS id ORDER BY id LIMIT 50", {}, write=False)]
    posts = [r["id"] for r in store.execute(
        "MATCH (p:Post)<-[:ENGAGED]-() WITH p, count(*) AS n WHERE n > 5 "
        "RETURN p.id AS id ORDER BY id LIMIT 50", {}, write=False)]
    now = max(r["t"] for r in store.execute("MATCH (p:Post) RETURN max(p.created_at) AS t", {},
                                            write=False))
    cursors: dict[int, str | None] = {}

    def first_page(i: int) -> None:
        cursors[i] = explore(store, ids[i % len(ids)], 20, now=now).end_cursor

    def next_page(i: int) -> None:
        explore(store, ids[i % len(ids)], 20, cursors.get(i % len(ids)), now=now)

    out["explore_first_page"] = latency(first_page, len(ids))
    out["explore_next_page"] = latency(next_page, len(ids))
    out["similar_posts_k10"] = latency(lambda i: similar_posts(store, posts[i % len(posts)], 10),
                                       len(posts))
    out["similar_users_k10"] = latency(lambda i: similar_users(store, ids[i % len(ids)], 10),
                                       len(ids))
    mine = user_community(store, ids[0])
    if mine is not None:
        out["community_summary"] = latency(lambda i: community_summary(store, mine.community),
                                           20)
    for key in ("explore_first_page", "explore_next_page", "similar_posts_k10",
                "similar_users_k10", "community_summary"):
        if key in out:
            print(f"{key}: {out[key]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--dimensions", type=int, default=128)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--graph", default="bench_train")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gf-bench-train-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        store = open_store(Settings(graph_uri=f"embedded://{data_dir}"), graph=args.graph)
        try:
            results = run(store, args.users, args.dimensions)
        finally:
            store.close()
    results.update(users=args.users, dimensions=args.dimensions)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "train.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"wrote {args.out / 'train.json'}")


if __name__ == "__main__":
    main()
