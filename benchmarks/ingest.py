"""Ingestion throughput into the embedded store.

    python benchmarks/ingest.py [--engagements 100000] [--batches 1000,5000,20000] [--results]

Measures, on a fresh embedded FalkorDB in a temporary directory:
activities/s (batched), engagements/s batched at each batch size (each batch
also updates the interest profile), engagements/s one request per event, and
the floor: what FalkorDB itself takes for 5,000 rows of much simpler
statements, so the engagement figure can be judged against it. Prints a
table, writes JSON to --out and, with --results, replaces the "Ingest" section
of benchmarks/RESULTS.md. Run it alone on the machine (`flock -x`): it
reports wall time beside the CPU seconds of this process and of the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from results import replace_section
from tqdm import tqdm

from engine.ingest import Ingestor
from engine.settings import Settings
from engine.store import GraphStore, open_store

TAGS = [f"tag{i}" for i in range(200)]
N_USERS, N_POSTS, T0 = 20_000, 50_000, 1_700_000_000_000
FLOOR_ROWS = 5000

# Lower bounds for one batch: simpler statements over the same rows. Admin-style
# raw text (benchmark only); the :Floor label and :FLOOR type exist nowhere else.
FLOORS: dict[str, str] = {
    "parse the rows only": "UNWIND $rows AS row RETURN count(row) AS n",
    "create a node per row, no lookup": (
        "UNWIND $rows AS row CREATE (:Floor {id: row.id, label: row.label, score: row.score, "
        "at: row.at}) RETURN count(*) AS n"),
    "find user and post by id": (
        "UNWIND $rows AS row MATCH (p:Post {id: row.post_id}) MATCH (u:User {id: row.user_id}) "
        "RETURN count(*) AS n"),
    "find both, create the edge": (
        "UNWIND $rows AS row MATCH (p:Post {id: row.post_id}) MATCH (u:User {id: row.user_id}) "
        "CREATE (u)-[:FLOOR {id: row.id, label: row.label, score: row.score, at: row.at}]->(p) "
        "RETURN count(*) AS n"),
}


@dataclass
class Timed:
    rows: int
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float

    @property
    def per_s(self) -> float:
        return self.rows / self.wall_s


def _server_cpu(store: GraphStore) -> float:
    """CPU seconds of the embedded database process (Linux /proc), 0 if unknown."""
    server = getattr(store, "server", None)
    pid = server.pid if server is not None else None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed(store: GraphStore, rows: int, into: Timed) -> Iterator[None]:
    """Add the wall time and CPU seconds of the block (and its rows) to `into`."""
    wall, cpu, srv = time.perf_counter(), time.process_time(), _server_cpu(store)
    yield
    into.rows += rows
    into.wall_s += time.perf_counter() - wall
    into.client_cpu_s += time.process_time() - cpu
    into.server_cpu_s += _server_cpu(store) - srv


def run(engagements: int, batches: list[int], single: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    results: dict[str, Any] = {"load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="gf-bench-") as tmp:
        settings = Settings(graph_uri=f"embedded://{tmp}", max_batch=max([*batches, 5000]))
        store = open_store(settings)
        ingest = Ingestor(store, settings)

        activities = Timed(0, 0.0, 0.0, 0.0)
        with timed(store, N_POSTS, activities):
            for start in tqdm(range(0, N_POSTS, 5000), desc="activities"):
                ingest.add_activities([
                    {"actor": f"u{rng.integers(N_USERS)}", "foreign_id": f"p{i}",
                     "tags": rng.choice(TAGS, size=3, replace=False).tolist(), "time": T0 + i}
                    for i in range(start, min(start + 5000, N_POSTS))])
        results["activities"] = asdict(activities)

        clock = iter(range(T0 + N_POSTS, T0 + 10**12))  # engagements arrive in time order

        def engagement(key: str) -> dict[str, Any]:
            return {"id": key, "user_id": f"u{rng.integers(N_USERS)}", "label": "like",
                    "content_id": f"p{rng.integers(N_POSTS)}",
                    "score": float(rng.integers(1, 100)), "time": next(clock)}

        # The sizes take turns, a slice of `round_rows` each, so that every size
        # meets the same graph (it grows with each engagement and interest edge).
        round_rows = max(batches)
        spent = {size: Timed(0, 0.0, 0.0, 0.0) for size in batches}
        replay: list[dict[str, Any]] = []
        for start in tqdm(range(0, engagements, round_rows), desc="engagements, batched"):
            for size in batches:
                part = [engagement(f"e{size}-{i}")
                        for i in range(start, min(start + round_rows, engagements))]
                replay = replay or part[:5000]
                with timed(store, len(part), spent[size]):
                    for at in range(0, len(part), size):
                        ingest.track_engagements(part[at:at + size])
        results["batched"] = {str(size): asdict(t) for size, t in spent.items()}

        singles = [engagement(f"s{i}") for i in range(single)]
        one_by_one = Timed(0, 0.0, 0.0, 0.0)
        with timed(store, single, one_by_one):
            for row in tqdm(singles, desc="engagements one by one"):
                ingest.track_engagement(row)
        results["one_by_one"] = asdict(one_by_one)

        duplicates = Timed(0, 0.0, 0.0, 0.0)
        with timed(store, len(replay), duplicates):
            dupes = ingest.track_engagements(replay)
        results["duplicates"] = asdict(duplicates)
        assert dupes.accepted == 0, "a replayed batch must be recognised as duplicates"

        results["floors"] = floors(store, ingest, engagement)
        store.close()
    results.update(engagements=engagements, single=single, seed=seed, batches=batches,
                   load_after=os.getloadavg(), date=dt.date.today().isoformat(),
                   machine=f"{platform.machine()}, {os.cpu_count()} CPUs, "
                           f"Python {platform.python_version()}")
    return results


def floors(store: GraphStore, ingest: Ingestor,
           engagement: Callable[[str], dict[str, Any]]) -> dict[str, float]:
    """Median wall ms of each floor statement and of the real one, on 5,000 fresh rows."""
    out: dict[str, float] = {}
    statements = {**FLOORS, "the real batch (create_engagements)": ""}
    for name, text in statements.items():
        walls = []
        for rep in range(3):
            raw = [engagement(f"f{len(out)}-{rep}-{i}") for i in range(FLOOR_ROWS)]
            rows = [{"id": r["id"], "user_id": r["user_id"], "post_id": r["content_id"],
                     "label": r["label"], "score": r["score"], "at": r["time"]} for r in raw]
            t = time.perf_counter()
            if text:
                store.execute(text, {"rows": rows}, write=True)
            else:
                ingest.track_engagements(raw)
            walls.append(time.perf_counter() - t)
        out[name] = statistics.median(walls) * 1000
    return out


def markdown(r: dict[str, Any]) -> str:
    def row(what: str, t: dict[str, Any]) -> str:
        return (f"| {what} | {t['rows'] / t['wall_s']:,.0f} | {t['wall_s']:.1f} | "
                f"{t['client_cpu_s']:.1f} | {t['server_cpu_s']:.1f} |")

    lines = [
        "## Ingest",
        "",
        "`python benchmarks/ingest.py --results` under `flock -x /tmp/graphfeed-cpu.lock` "
        f"(embedded FalkorDB, fresh temp dir, 50,000 posts with 3 tags each, 20,000 users; "
        f"{r['engagements']:,} engagements per batch size, each batch also updating "
        f"INTERESTED_IN). {r['machine']}; load average {r['load_before'][0]:.2f} before, "
        f"{r['load_after'][0]:.2f} after; {r['date']}.",
        "",
        "| what | per second | wall s | client CPU s | database CPU s |",
        "|---|---|---|---|---|",
        row("activities, batches of 5,000", r["activities"]),
        *(row(f"engagements, batches of {int(size):,}", t) for size, t in r["batched"].items()),
        row(f"engagements, one request each ({r['single']:,})", r["one_by_one"]),
        "",
        *([verdict(r), ""] if verdict(r) else []),
        f"A replayed batch of {r['duplicates']['rows']:,} already-seen engagements is "
        f"recognised in {r['duplicates']['wall_s'] * 1000:,.0f} ms and writes nothing.",
        "",
        f"Floor: wall ms for one statement over {FLOOR_ROWS:,} rows on the same graph "
        "(median of 3), against a real engagement batch of the same size "
        "(validation, dedupe and missing-post reads, the write):",
        "",
        "| statement | ms | rows/s |",
        "|---|---|---|",
        *(f"| {name} | {ms:,.0f} | {FLOOR_ROWS / ms * 1000:,.0f} |"
          for name, ms in r["floors"].items()),
        "",
        "",  # a blank line before the next section
    ]
    return "\n".join(lines)


def verdict(r: dict[str, Any]) -> str:
    batched = r["batched"].get("5000")
    edges = r["floors"].get("find both, create the edge")
    if batched is None or edges is None:
        return ""
    rate = batched["rows"] / batched["wall_s"]
    return (f"Target: 20,000 engagements/s in batches of 5,000 — "
            f"{'met' if rate >= 20_000 else 'not met'} ({rate:,.0f}/s). For scale, the "
            f"database alone finds the user and post and creates the edge for "
            f"{FLOOR_ROWS / edges * 1000:,.0f} rows/s, before validation, the dedupe and "
            "missing-post read, the interest update (three INTERESTED_IN merges per "
            "engagement here) and the ENGAGED.id index.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--batches", default="1000,5000,20000",
                        help="comma-separated batch sizes for the batched engagements")
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--results", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    results = run(args.engagements, batches, args.single, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))
    if args.results:
        replace_section(Path(__file__).parent / "RESULTS.md", "## Ingest", markdown(results))


if __name__ == "__main__":
    main()
