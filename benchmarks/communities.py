"""Communities on a 100k-user / 2M-follow graph: Leiden vs Louvain, export, the whole job.

    python benchmarks/communities.py [--users 100000] [--follows 2000000] [--seeds 0 1]
                                     [--demo] [--leidenalg] [--store] [--data-dir DIR]

The graph is generated with numpy (no database needed): users in planted communities
of Pareto-distributed sizes, follow targets drawn by a Pareto "attractiveness" (a few
celebrities), ``--inside`` of each user's follows inside the own community. Measures,
on the undirected graph ``graphfeed train communities`` uses: igraph's Leiden
(modularity, 2 iterations / until stable), igraph's Louvain (multilevel) and leidenalg;
modularity, time (wall and CPU), communities found and NMI against the planted ones.

With ``--store`` it also loads the graph into an embedded FalkorDB (``--data-dir``, a
temporary one by default; an already loaded graph is reused), then times the export
(``engine.learn.export.export_follows``) and the whole ``train_communities`` job.
Timings on a shared machine are noisy: CPU seconds are printed next to wall seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph as ig
import numpy as np
import scipy.sparse as sp
from sklearn.metrics import normalized_mutual_info_score

from engine.learn.communities import detect, to_igraph
from engine.learn.config import CommunitySettings, TrainSettings
from engine.learn.export import export_follows, undirected


def planted_graph(users: int, follows: int, communities: int, inside: float, seed: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, target, planted community): sorted unique directed edges, no self-loops."""
    rng = np.random.default_rng(seed)
    sizes = rng.pareto(1.5, communities) + 1
    comm = rng.choice(communities, size=users, p=sizes / sizes.sum())
    order = np.argsort(comm, kind="stable")
    cum = np.cumsum(rng.pareto(1.3, users)[order] + 1)  # attractiveness, community-sorted
    ids = np.arange(communities)
    starts = np.searchsorted(comm[order], ids, side="left")
    ends = np.searchsorted(comm[order], ids, side="right")
    lo = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    hi = np.where(ends > 0, cum[np.maximum(ends - 1, 0)], 0.0)
    m = int(follows * 1.2)
    src = rng.integers(0, users, m)
    r = rng.random(m)
    local = rng.random(m) < inside
    c = comm[src]
    pos = np.where(local, np.searchsorted(cum, lo[c] + r * (hi[c] - lo[c]), side="right"),
                   np.searchsorted(cum, r * cum[-1], side="right"))
    dst = order[np.minimum(pos, users - 1)]
    keep = src != dst
    pairs = np.unique(src[keep].astype(np.int64) * users + dst[keep])
    pairs = np.sort(rng.permutation(pairs)[:follows])
    return pairs // users, pairs % users, comm


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def compare(adjacency: sp.csr_matrix, planted: np.ndarray, seeds: list[int],
            leidenalg: bool) -> list[dict[str, Any]]:
    sym, build_wall, _ = timed(lambda: undirected(adjacency))
    g, wall, _ = timed(lambda: to_igraph(sym))
    print(f"undirected + igraph: {build_wall + wall:.1f} s, {g.ecount():,} undirected edges")
    rows = []
    configs: list[tuple[str, Callable[[int], list[int]]]] = [
        ("leiden (igraph, 2 iterations)", lambda s: _seeded(s, lambda: g.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=2).membership)),
        ("leiden (igraph, until stable)", lambda s: _seeded(s, lambda: g.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=-1).membership)),
        ("louvain (igraph multilevel)", lambda s: _seeded(s, lambda: g.community_multilevel(
            weights="weight").membership)),
    ]
    if leidenalg:
        import leidenalg as la

        configs.append(("leidenalg (modularity)", lambda s: la.find_partition(
            g, la.ModularityVertexPartition, weights="weight", seed=s).membership))
    for name, run in configs:
        for seed in seeds:
            membership, wall, cpu = timed(lambda run=run, seed=seed: run(seed))
            m = np.asarray(membership)
            row = {"method": name, "seed": seed, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                   "modularity": round(g.modularity(membership, weights="weight"), 4),
                   "communities": int(m.max()) + 1,
                   "nmi_planted": round(normalized_mutual_info_score(planted, m), 4)}
            rows.append(row)
            print(f"{name:32s} seed {seed}: Q={row['modularity']:.4f} "
                  f"k={row['communities']:4d} NMI={row['nmi_planted']:.3f} "
                  f"wall {wall:6.1f} s cpu {cpu:6.1f} s", flush=True)
    planted_q = g.modularity(planted.tolist(), weights="weight")
    print(f"planted partition: Q={planted_q:.4f}")
    rows.append({"method": "planted", "modularity": round(planted_q, 4)})
    return rows


def _seeded(seed: int, fn: Callable[[], list[int]]) -> list[int]:
    ig.set_random_number_generator(random.Random(seed))
    try:
        return fn()
    finally:
        ig.set_random_number_generator(random)


def store_run(src: np.ndarray, dst: np.ndarray, users: int, data_dir: Path,
              graph: str) -> dict[str, Any]:
    from engine.settings import Settings
    from engine.store import open_store
    from engine.train import train_communities

    settings = Settings(graph_uri=f"embedded://{data_dir}", max_batch=20_000)
    store = open_store(settings, graph=graph)
    out: dict[str, Any] = {}
    try:
        have = store.execute("MATCH (u:User) RETURN count(u) AS n", {}, write=False)[0]["n"]
        if have != users:
            t0 = time.perf_counter()
            for start in range(0, users, 10_000):
                store.write("ingest/upsert_users", now=0, rows=[
                    {"id": f"u{i}", "name": f"user {i}", "created_at": 0}
                    for i in range(start, min(users, start + 10_000))])
            for start in range(0, len(src), 20_000):
                store.write("ingest/create_follows", rows=[
                    {"source": f"u{a}", "target": f"u{b}", "at": 0} for a, b in
                    zip(src[start:start + 20_000].tolist(), dst[start:start + 20_000].tolist(),
                        strict=True)])
            store.compact()
            out["load_s"] = round(time.perf_counter() - t0, 1)
            print(f"loaded in {out['load_s']} s")
        export, wall, cpu = timed(lambda: export_follows(store))
        out.update(export_wall_s=round(wall, 2), export_cpu_s=round(cpu, 2),
                   export_steps=export.seconds, exported_follows=int(export.follows.nnz))
        print(f"export: {wall:.1f} s wall, {cpu:.1f} s client CPU, "
              f"{export.follows.nnz:,} follows")
        result, wall, cpu = timed(lambda: train_communities(store, TrainSettings(),
                                                            say=lambda s: print(s)))
        out.update(train_wall_s=round(wall, 2), train_cpu_s=round(cpu, 2),
                   train_metrics=result.metrics)
        print(f"train communities: {wall:.1f} s wall, {cpu:.1f} s client CPU")
    finally:
        store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=100_000)
    ap.add_argument("--follows", type=int, default=2_000_000)
    ap.add_argument("--communities", type=int, default=200)
    ap.add_argument("--inside", type=float, default=0.6)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--demo", action="store_true",
                    help="use the follow graph of engine.demo.generate_world(users) instead")
    ap.add_argument("--leidenalg", action="store_true", help="also time leidenalg (slow)")
    ap.add_argument("--store", action="store_true", help="also export and train via the store")
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--graph", default="bench_communities")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = ap.parse_args()

    if args.demo:
        from engine.demo import generate_world

        world, wall, _ = timed(lambda: generate_world(args.users, seed=0))
        src, dst, planted = world.follow_src, world.follow_dst, world.user_community
        print(f"demo world: {args.users:,} users / {len(src):,} follows in {wall:.1f} s "
              f"({int(planted.max()) + 1} planted communities)")
    else:
        (src, dst, planted), wall, _ = timed(lambda: planted_graph(
            args.users, args.follows, args.communities, args.inside, seed=0))
        print(f"generated {args.users:,} users / {len(src):,} follows in {wall:.1f} s "
              f"({args.communities} planted communities, {args.inside:.0%} of follows inside)")
    adjacency = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(args.users, args.users))
    detected, wall, cpu = timed(lambda: detect(adjacency, CommunitySettings(), seed=0))
    print(f"engine.learn.communities.detect (as train runs it): {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU, {detected.count} communities of >= 3, "
          f"Q={detected.modularity:.4f}")
    results: dict[str, Any] = {
        "graph": "demo" if args.demo else "planted", "users": args.users,
        "follows": int(len(src)), "planted": int(planted.max()) + 1,
        "inside": args.inside, "detect_wall_s": round(wall, 2), "detect_cpu_s": round(cpu, 2),
        "methods": compare(adjacency, planted, args.seeds, args.leidenalg)}
    if args.store:
        if args.data_dir is None:
            with tempfile.TemporaryDirectory(prefix="gf-bench-comm-") as tmp:
                results["store"] = store_run(src, dst, args.users, Path(tmp), args.graph)
        else:
            results["store"] = store_run(src, dst, args.users, args.data_dir, args.graph)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "communities_demo.json" if args.demo else "communities.json"
    (args.out / name).write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out / name}")


if __name__ == "__main__":
    main()
