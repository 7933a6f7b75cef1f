"""In-process latency of the personalized feed and of follow suggestions.

    python benchmarks/recs.py [--users 100000] [--samples 200] [--data-dir DIR] [--graph NAME]
                              [--sequential] [--post-facts-ttl S] [--out benchmarks/out]
                              [--results]

Builds (or reuses, with --data-dir) the synthetic world of ``engine.demo`` — at
100,000 users about 1.75M follows, 500k posts and 4.4M engagements — in an
embedded FalkorDB, then calls ``Recommender.feed(u, 20)``,
``Recommender.follow_suggestions(u, 10)`` and ``Recommender.explore(u, 20)`` for
``--samples`` random users, one caller, with the world's own "now" as the clock.
Prints p50/p95/p99 per call, the CPU seconds this process spent, and the time each
named query took; writes JSON to --out and, with --results, replaces the
"Recommendations (in-process)" section of benchmarks/RESULTS.md.

No result cache: every feed and suggestion call runs every query. The feed keeps what
every user reads alike about a candidate post for a minute (``engine.recommend.postfacts``):
here it fills during the calls themselves, so the hit rate (reported) is below a busy
server's (~80%); ``--post-facts-ttl 0`` keeps nothing. Explore keeps, by
design, one computation of each community's trending posts per snapshot
(``engine.recommend.explore``); ``explore_uncached`` clears it before every call, so
it is what the first member of a community pays. With the graph sources on, the
feed's ``community_trending`` source shares that per-community computation. A world
written before ingestion kept per-post engagement counters gets them first
(``engine.recommend.counts``, about 1.5 minutes at 100k users). Train
the world first (``graphfeed train all``) to measure them; untrained, they answer
nothing. ``--sequential`` sends each request's reads one after the other instead
of together (``engine.recommend.fanout``), for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from results import RESULTS, replace_section
from tqdm import tqdm

from engine import serving_gc
from engine.demo import generate_world, load_world
from engine.recommend import Recommender, fanout
from engine.recommend.counts import backfill_post_counts, backfill_user_counts
from engine.recommend.explore import _CACHE as EXPLORE_CACHE
from engine.settings import Settings
from engine.store import open_store

NOW_MS = 1_767_225_600_000  # 2026-01-01 UTC: the world's "now", fixed for reuse
SECTION = "## Recommendations (in-process)"
TARGETS = {"feed": 100.0, "follow_suggestions": 50.0}  # p99 ms


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1) if values else float("nan")


def run(users: int, samples: int, seed: int, data_dir: Path, graph: str | None = None,
        progress: bool = True, sequential: bool = False,
        post_facts_ttl: float | None = None) -> dict[str, Any]:
    if sequential:
        fanout.WORKERS = 1
    settings = Settings(graph_uri=f"embedded://{data_dir}")  # type: ignore[call-arg]
    if post_facts_ttl is not None:
        settings = settings.model_copy(update={"recommend": settings.recommend.model_copy(
            update={"post_facts_ttl_s": post_facts_ttl})})
    store = open_store(settings, graph=graph or f"world{users}")
    result: dict[str, Any] = {"users": users, "samples": samples, "seed": seed,
                              "now_ms": NOW_MS, "fanout": not sequential,
                              "trained": sorted(r["kind"] for r in store.execute(
                                  "MATCH (r:ModelRun) WHERE r.active = true RETURN r.kind AS kind",
                                  {}, write=False))}
    counts = store.execute("MATCH (u:User) RETURN count(u) AS n", {}, write=False)
    if not counts or counts[0]["n"] < users:
        t = time.perf_counter()
        world = generate_world(users, seed=seed, now_ms=NOW_MS)
        result["world"] = world.counts()
        load_world(store, world, progress=progress, settings=settings)
        result["load_seconds"] = round(time.perf_counter() - t, 1)
    else:
        result["world"] = {"users": counts[0]["n"]} | {
            k: store.execute(q, {}, write=False)[0]["n"] for k, q in (
                ("posts", "MATCH (p:Post) RETURN count(p) AS n"),
                ("follows", "MATCH ()-[f:FOLLOWS]->() RETURN count(f) AS n"),
                ("engagements", "MATCH ()-[e:ENGAGED]->() RETURN count(e) AS n"))}

    # A world written before ingestion kept engagement and follower counters gets them once
    # (readers would count live, as before); a no-op for a world with them.
    t = time.perf_counter()
    backfilled = {"posts": backfill_post_counts(store), "users": backfill_user_counts(store)}
    if any(backfilled.values()):
        result["counters_backfilled"] = backfilled | {
            "seconds": round(time.perf_counter() - t, 1)}

    query_ms: dict[str, list[float]] = defaultdict(list)
    read = store.read

    def timed(name: str, **params: Any) -> list[dict[str, Any]]:
        t0 = time.perf_counter()
        try:
            return read(name, **params)
        finally:
            query_ms[name].append((time.perf_counter() - t0) * 1000)

    store.read = timed  # type: ignore[method-assign]
    rec = Recommender(store, settings, clock=lambda: NOW_MS)
    rng = np.random.default_rng(seed)
    picks = [f"u{i}" for i in rng.integers(0, users, size=samples + 10)]
    def explore_uncached(u: str) -> int:
        # Explore's shared per-community lists set aside for this one call, then put back:
        # what the first member of a community pays in a snapshot.
        kept = list(EXPLORE_CACHE._data.items())
        EXPLORE_CACHE.clear()
        try:
            return len(rec.explore(u, 20).items)
        finally:
            for key, value in kept:
                EXPLORE_CACHE.put(key, value)

    calls = {"feed": lambda u: len(rec.feed(u, 20).items),
             "follow_suggestions": lambda u: len(rec.follow_suggestions(u, 10)),
             "explore": lambda u: len(rec.explore(u, 20).items),
             "explore_uncached": explore_uncached}
    # Steady state of the shared per-community trending lists (computed once per community
    # and snapshot, by whichever member asks first): one member of each community asks
    # first. explore_uncached measures what that first request costs.
    members = [r["id"] for r in store.execute(
        "MATCH (r:ModelRun {kind: 'communities'}) WHERE r.active = true "
        "MATCH (c:Community) WHERE c.version = r.version AND size(c.accounts) > 0 "
        "RETURN c.accounts[0] AS id", {}, write=False)]
    t0 = time.perf_counter()
    for u in tqdm(members, desc="communities", unit=" members", disable=not progress):
        rec.feed(u, 20)
        rec.explore(u, 20)
    result["community_warmup"] = {"communities": len(members),
                                  "seconds": round(time.perf_counter() - t0, 1)}
    for u in picks[:10]:  # warm-up: plan caches, page cache
        for call in calls.values():
            call(u)
    serving_gc.settle()  # as `graphfeed serve` does once started (engine/api/app.py)
    query_ms.clear()
    latency: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, float] = defaultdict(float)
    sizes: dict[str, list[int]] = defaultdict(list)
    for u in tqdm(picks[10:], desc="calls", unit=" users", disable=not progress):
        for name, call in calls.items():
            t0, c0 = time.perf_counter(), time.process_time()
            returned = call(u)
            latency[name].append((time.perf_counter() - t0) * 1000)
            cpu[name] += time.process_time() - c0
            sizes[name].append(returned)
    result["latency_ms"] = {n: {"p50": pct(v, 50), "p95": pct(v, 95), "p99": pct(v, 99),
                                "mean": round(float(np.mean(v)), 1),
                                "cpu_ms_per_call": round(1000 * cpu[n] / len(v), 1)}
                            for n, v in latency.items()}
    kept = rec.ranker.post_facts
    result["post_facts"] = {"ttl_s": kept.ttl_s, "hit_rate": round(
        kept.hits / max(1, kept.hits + kept.misses), 3)}
    result["items_returned_mean"] = {n: round(float(np.mean(v)), 1) for n, v in sizes.items()}
    result["query_ms"] = {n: {"calls": len(v), "p50": pct(v, 50), "p99": pct(v, 99),
                              "mean": round(float(np.mean(v)), 2)}
                          for n, v in sorted(query_ms.items(), key=lambda kv: -sum(kv[1]))}
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    result["machine"] = f"{os.cpu_count()} cores, CPython {platform.python_version()}"
    store.close()
    return result


def markdown(r: dict[str, Any], command: str) -> str:
    w = r["world"]
    lines = [
        SECTION, "",
        f"`{command}` on {r['machine']}, load average {r['load_average']} (shared with other "
        f"engineers' jobs). World: {w.get('users', 0):,} users, {w.get('posts', 0):,} posts, "
        f"{w.get('follows', 0):,} follows, {w.get('engagements', 0):,} engagements (demo seed "
        f"{r['seed']}). Trained: {', '.join(r.get('trained', [])) or 'nothing'}. One caller, "
        f"{r['samples']} random users, no result cache (the feed's kept post facts: "
        f"{(r.get('post_facts') or {}).get('hit_rate', 0):.0%} hits, TTL "
        f"{(r.get('post_facts') or {}).get('ttl_s', '?')} s); each request's independent reads "
        f"{'go out together' if r.get('fanout', True) else 'run one after the other'}. "
        "CPU ms: this process's CPU time per call (the database's is not in it).", "",
        "| call | p50 ms | p95 ms | p99 ms | CPU ms | target p99 | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, lat in r["latency_ms"].items():
        target = TARGETS.get(name)
        met = "" if target is None else "met" if lat["p99"] <= target else "**not met**"
        lines.append(f"| {name} | {lat['p50']} | {lat['p95']} | {lat['p99']} | "
                     f"{lat.get('cpu_ms_per_call', '')} | "
                     f"{'' if target is None else f'{target:.0f}'} | {met} |")
    warm = r.get("community_warmup") or {}
    if warm.get("communities"):
        lines += ["", f"Before timing, one member of each of the {warm['communities']} communities "
                  f"asked for a feed and Explore ({warm['seconds']} s): the shared per-community "
                  "trending lists (one computation per community and 5-minute snapshot) were "
                  "in place, as in steady serving; `explore_uncached` is the first member's "
                  "request."]
    lines += ["", "Per named query (all calls):", "", "| query | calls | p50 ms | p99 ms |",
              "|---|---:|---:|---:|"]
    lines += [f"| {n} | {q['calls']} | {q['p50']} | {q['p99']} |"
              for n, q in r["query_ms"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="embedded data dir to build the world in or reuse (default: "
                             "var/bench-recs)")
    parser.add_argument("--graph", default=None,
                        help="graph name inside the data dir (default: world<USERS>)")
    parser.add_argument("--sequential", action="store_true",
                        help="send each request's reads one after the other (no fan-out)")
    parser.add_argument("--post-facts-ttl", type=float, default=None,
                        help="seconds the feed keeps post facts (default: the setting; 0: none)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    parser.add_argument("--results", action="store_true",
                        help="replace our section of benchmarks/RESULTS.md")
    args = parser.parse_args()
    data_dir = (args.data_dir or Path("var/bench-recs")).resolve()
    result = run(args.users, args.samples, args.seed, data_dir, args.graph,
                 sequential=args.sequential, post_facts_ttl=args.post_facts_ttl)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"recs-{args.users}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    command = f"python benchmarks/recs.py --users {args.users} --samples {args.samples}" + (
        " --sequential" if args.sequential else "") + (
        f" --post-facts-ttl {args.post_facts_ttl:g}" if args.post_facts_ttl is not None else "")
    print(markdown(result, command))
    print(f"wrote {out}")
    if args.results:
        replace_section(RESULTS, SECTION, markdown(result, command))


if __name__ == "__main__":
    main()
