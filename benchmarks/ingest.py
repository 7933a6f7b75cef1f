"""Ingestion throughput into the embedded store.

    python benchmarks/ingest.py [--engagements 100000] [--batch 5000] [--out benchmarks/out]

Measures, on a fresh embedded FalkorDB in a temporary directory:
activities/s (batched), engagements/s batched (each batch also updates the
interest profile) and engagements/s one request per event. Prints a table,
writes JSON to --out and, with --results, replaces the "Ingest" section of
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from results import replace_section
from tqdm import tqdm

from engine.ingest import Ingestor
from engine.settings import Settings
from engine.store import open_store

TAGS = [f"tag{i}" for i in range(200)]


def run(engagements: int, batch: int, single: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n_users, n_posts = 20_000, 50_000
    with tempfile.TemporaryDirectory(prefix="gf-bench-") as tmp:
        settings = Settings(graph_uri=f"embedded://{tmp}", max_batch=max(batch, 5000))
        store = open_store(settings)
        ingest = Ingestor(store, settings)
        results: dict[str, Any] = {}

        t0 = time.perf_counter()
        for start in tqdm(range(0, n_posts, 5000), desc="activities"):
            ingest.add_activities([
                {"actor": f"u{rng.integers(n_users)}", "foreign_id": f"p{i}",
                 "tags": rng.choice(TAGS, size=3, replace=False).tolist(),
                 "time": 1_700_000_000_000 + i}
                for i in range(start, min(start + 5000, n_posts))])
        results["activities_per_s"] = n_posts / (time.perf_counter() - t0)

        def engagement(i: int) -> dict[str, Any]:
            return {"id": f"e{i}", "user_id": f"u{rng.integers(n_users)}", "label": "like",
                    "content_id": f"p{rng.integers(n_posts)}", "score": float(rng.integers(1, 100)),
                    "time": 1_700_000_000_000 + i}

        rows = [engagement(i) for i in range(engagements)]
        t0 = time.perf_counter()
        for start in tqdm(range(0, engagements, batch), desc=f"engagements x{batch}"):
            ingest.track_engagements(rows[start:start + batch])
        results["engagements_batched_per_s"] = engagements / (time.perf_counter() - t0)
        results["batch_size"] = batch

        singles = [engagement(engagements + i) for i in range(single)]
        t0 = time.perf_counter()
        for row in tqdm(singles, desc="engagements one by one"):
            ingest.track_engagement(row)
        results["engagements_single_per_s"] = single / (time.perf_counter() - t0)

        t0 = time.perf_counter()
        dupes = ingest.track_engagements(rows[:batch])
        results["duplicate_batch_seconds"] = time.perf_counter() - t0
        assert dupes.accepted == 0, "a replayed batch must be recognised as duplicates"
        store.close()
    results.update(engagements=engagements, single=single, seed=seed,
                   machine=f"{platform.machine()}, {platform.python_version()}")
    return results


def markdown(r: dict[str, Any]) -> str:
    return "\n".join([
        "## Ingest",
        "",
        "`python benchmarks/ingest.py --results` (embedded FalkorDB, fresh temp dir, "
        f"{r['engagements']:,} engagements on 50,000 posts with 3 tags each, 20,000 users; "
        "each engagement batch also updates INTERESTED_IN).",
        "",
        "| what | per second |",
        "|---|---|",
        f"| activities, batches of 5,000 | {r['activities_per_s']:,.0f} |",
        f"| engagements, batches of {r['batch_size']:,} | {r['engagements_batched_per_s']:,.0f} |",
        f"| engagements, one request each ({r['single']:,}) | "
        f"{r['engagements_single_per_s']:,.0f} |",
        "",
        f"A replayed batch of {r['batch_size']:,} already-seen engagements is recognised in "
        f"{r['duplicate_batch_seconds'] * 1000:,.0f} ms and writes nothing.",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--results", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    results = run(args.engagements, args.batch, args.single, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))
    if args.results:
        replace_section(Path(__file__).parent / "RESULTS.md", "## Ingest", markdown(results))


if __name__ == "__main__":
    main()
