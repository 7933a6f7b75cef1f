"""node2vec walks + skip-gram: graphfeed vs the `node2vec` package vs PecanPy SparseOTF.

The two competitors pin numpy < 2, so each lives in its own venv under
benchmarks/out/ (git-ignored) and runs as a subprocess; graphfeed runs in the
interpreter that runs this script. Every contender reads the same edge list (the
synthetic graph minus ``--holdout`` of its edges, kept connected), walks r=10 from
every node with the same p and q, and trains the same gensim Word2Vec (d=128, one
epoch, skip-gram, 5 negatives) with the same number of workers. The competitors
use the paper's l=80, k=10; graphfeed runs twice: at its own defaults
(``EmbeddingSettings``: l=40, k=5) and at the paper's. Each contender's vectors
then score the held-out edges vs as many non-edges (Hadamard + logistic
regression, ROC AUC), so speed is read beside quality. Measured per contender: wall time, CPU time
(user + sys of the process and its children) and peak resident memory
(the larger of ru_maxrss and the summed RSS of the process tree, sampled
every 0.2 s, so joblib/loky workers count too).

    python benchmarks/embeddings.py setup          # once: the two competitor venvs
    python benchmarks/embeddings.py run            # 20k nodes / 200k edges, p=0.5 q=2

Results go to benchmarks/out/embeddings.{json,md}; RESULTS.md quotes them.

The `node2vec` package walks with workers=1 (its default; its parallel mode
forks joblib processes that each hold the transition tables), then trains
with the common worker count. CPU time is reported beside wall time because
shared machines make wall time noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"

VENVS = {
    "node2vec": (OUT / "venv-node2vec", ["node2vec==0.5.0"]),
    "pecanpy": (OUT / "venv-pecanpy", ["pecanpy==2.0.9"]),
}

# Each script prints one JSON line with its phase timings and saves its vectors (row = node
# id, zeros for a node it never saw) for the quality check; argv: edges p q workers
# walk_length window vectors.npy.
SCRIPTS = {
    "node2vec": """
import json, sys, time
t0 = time.perf_counter()
import networkx as nx
from node2vec import Node2Vec
path, p, q, workers = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
length, window, out = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
g = nx.read_edgelist(path, nodetype=int)
t1 = time.perf_counter()
n2v = Node2Vec(g, dimensions=128, walk_length=length, num_walks=10, p=p, q=q, workers=1,
               quiet=True, seed=0)
t2 = time.perf_counter()
model = n2v.fit(window=window, min_count=1, sg=1, negative=5, epochs=1, workers=workers,
                seed=0)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "walks": t2 - t1, "train": t3 - t2,
                  "n_walks": len(n2v.walks), "vocab": len(model.wv)}))
import numpy as np
keys = [int(k) for k in model.wv.index_to_key]
vectors = np.zeros((max(keys) + 1, model.wv.vector_size), dtype=np.float32)
vectors[keys] = model.wv.vectors
np.save(out, vectors)
""",
    "pecanpy": """
import json, sys, time
t0 = time.perf_counter()
from gensim.models import Word2Vec
from pecanpy import pecanpy
path, p, q, workers = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
length, window, out = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
g = pecanpy.SparseOTF(p=p, q=q, workers=workers, verbose=False, random_state=0)
g.read_edg(path, weighted=False, directed=False, delimiter=" ")
t1 = time.perf_counter()
walks = g.simulate_walks(num_walks=10, walk_length=length)
t2 = time.perf_counter()
model = Word2Vec(walks, vector_size=128, window=window, min_count=0, sg=1, negative=5,
                 workers=workers, epochs=1, seed=0)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "walks": t2 - t1, "train": t3 - t2,
                  "n_walks": len(walks), "vocab": len(model.wv)}))
import numpy as np
keys = [int(k) for k in model.wv.index_to_key]
vectors = np.zeros((max(keys) + 1, model.wv.vector_size), dtype=np.float32)
vectors[keys] = model.wv.vectors
np.save(out, vectors)
""",
    "graphfeed": """
import json, sys, time
t0 = time.perf_counter()
from engine.evaluate.link_split import adjacency_from_edges, read_edge_list
from engine.learn.node2vec import Node2VecParams, train_word2vec
from engine.learn.walks import random_walks
path, p, q, workers = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
length, window, out = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
graph = read_edge_list(path)
adjacency = adjacency_from_edges(graph.edges, graph.n_nodes)
t1 = time.perf_counter()
walks = random_walks(adjacency, walks_per_node=10, walk_length=length, p=p, q=q, seed=0)
t2 = time.perf_counter()
params = Node2VecParams(p=p, q=q, workers=workers, walk_length=length, window=window)
vectors = train_word2vec(walks, graph.n_nodes, params, seed=0)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "walks": t2 - t1, "train": t3 - t2,
                  "n_walks": len(walks), "vocab": int((abs(vectors).sum(1) > 0).sum())}))
import numpy as np
by_id = np.zeros((int(graph.labels.max()) + 1, vectors.shape[1]), dtype=np.float32)
by_id[graph.labels] = vectors
np.save(out, by_id)
""",
}


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 0) -> np.ndarray:
    """A social-looking graph: heavy-tailed degrees (Chung-Lu) inside communities.

    80% of the edges stay inside one of n/200 communities, so walks see both
    dense neighbourhoods and hubs; exactly ``n_edges`` unique undirected edges.
    """
    rng = np.random.default_rng(seed)
    weight = 1.0 + rng.pareto(2.5, n_nodes)
    community = rng.integers(0, max(1, n_nodes // 200), n_nodes)
    order = np.argsort(community, kind="stable")
    cum = np.cumsum(weight[order])
    bounds = np.searchsorted(community[order], np.arange(community.max() + 2))
    global_p = weight / weight.sum()
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < n_edges:
        k = 2 * (n_edges - len(keys)) + 1000
        u = rng.choice(n_nodes, size=k, p=global_p)
        v = rng.choice(n_nodes, size=k, p=global_p)
        inside = rng.random(k) < 0.8
        c = community[u[inside]]
        lo = np.where(bounds[c] > 0, cum[bounds[c] - 1], 0.0)
        hi = cum[bounds[c + 1] - 1]
        target = lo + rng.random(len(c)) * (hi - lo)
        v[inside] = order[np.minimum(np.searchsorted(cum, target, side="right"), n_nodes - 1)]
        a, b = np.minimum(u, v), np.maximum(u, v)
        new = (a * n_nodes + b)[a != b]
        _, first = np.unique(new, return_index=True)
        new = new[np.sort(first)]
        keys = np.r_[keys, new[~np.isin(new, keys)]]
    keys = keys[:n_edges]
    return np.c_[keys // n_nodes, keys % n_nodes]


@dataclass
class Measurement:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    phases: dict[str, float]


def _tree_rss_kb(root: int) -> int:
    """Summed VmRSS of ``root`` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                line = next((x for x in fh if x.startswith("VmRSS:")), "VmRSS: 0 kB")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(line.split()[1])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(python: Path | str, script: str, args: list[str], env: dict[str, str]) -> Measurement:
    started = time.perf_counter()
    proc = subprocess.Popen([str(python), "-c", script, *args], stdout=subprocess.PIPE,
                            env=env, text=True)
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
        time.sleep(0.2)  # /proc scans cost CPU; 0.2 s still catches the peaks
    wall = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"contender failed (exit {os.waitstatus_to_exitcode(status)})")
    peak_kb = max(peak_kb, usage.ru_maxrss)
    phases = json.loads(out.strip().splitlines()[-1])
    return Measurement(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
                       peak_rss_mb=peak_kb / 1024, phases=phases)


# name -> (script, walk length, window): the competitors at the node2vec paper's defaults
# (l=80, k=10); graphfeed at its own defaults (EmbeddingSettings: l=40, k=5, which reach
# .99 AUC on Facebook, benchmarks/RESULTS.md) and at the paper's, for a like-for-like row.
PAPER = (80, 10)


def contenders() -> dict[str, tuple[str, int, int]]:
    from engine.learn.config import EmbeddingSettings

    ours = EmbeddingSettings()
    return {"graphfeed": ("graphfeed", ours.walk_length, ours.window),
            "graphfeed-paper": ("graphfeed", *PAPER),
            "pecanpy": ("pecanpy", *PAPER),
            "node2vec": ("node2vec", *PAPER)}


def setup() -> None:
    for name, (venv, packages) in VENVS.items():
        if not (venv / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *packages], check=True)
        print(f"{name}: {venv}")


def holdout_split(edges: np.ndarray, n_nodes: int, fraction: float, seed: int = 0
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(training edges, held-out edges, as many non-edges): the quality check's split.

    A spanning forest stays in training, so every node keeps its neighbours' company
    and gets a vector from every contender.
    """
    from engine.evaluate.link_split import EdgeList, split_links

    graph = EdgeList(edges=np.unique(np.sort(edges, axis=1), axis=0), labels=np.arange(n_nodes))
    split = split_links(graph, np.random.default_rng(seed), fraction)
    return split.residual_edges, split.positives, split.negatives


def link_auc(vectors: np.ndarray, train_edges: np.ndarray, positives: np.ndarray,
             negatives: np.ndarray, n_nodes: int, seed: int = 0) -> float:
    """Hadamard + logistic regression (the node2vec protocol's classifier) on held-out pairs.

    The classifier learns from 50,000 training edges vs as many training non-edges.
    """
    from sklearn.metrics import roc_auc_score

    from engine.evaluate.link_split import LinkSplit, training_pairs
    from engine.learn.edge_features import score_pairs_with_embedding

    if len(vectors) < n_nodes:  # nodes past the last one a contender saw: zero rows
        vectors = np.vstack([vectors, np.zeros((n_nodes - len(vectors), vectors.shape[1]),
                                               dtype=vectors.dtype)])
    split = LinkSplit(n_nodes=n_nodes, residual_edges=train_edges, positives=positives,
                      negatives=negatives)
    rng = np.random.default_rng(seed)
    pairs, labels = training_pairs(split, rng, max_positives=50_000)
    scores = score_pairs_with_embedding(vectors, pairs, labels, split.test_pairs, "hadamard",
                                        seed=seed)
    return float(roc_auc_score(split.test_labels, scores))


def run(args: argparse.Namespace) -> dict[str, object]:
    OUT.mkdir(exist_ok=True)
    edges_path = OUT / f"synthetic_{args.nodes}_{args.edges}.txt"
    if not edges_path.exists():
        edges = synthetic_graph(args.nodes, args.edges, seed=0)
        np.savetxt(edges_path, edges, fmt="%d", delimiter=" ")
    edges = np.loadtxt(edges_path, dtype=np.int64)
    train_edges, positives, negatives = holdout_split(edges, args.nodes, args.holdout)
    train_path = OUT / f"synthetic_{args.nodes}_{args.edges}_train{args.holdout:g}.txt"
    np.savetxt(train_path, train_edges, fmt="%d", delimiter=" ")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    pythons: dict[str, Path | str] = {"graphfeed": sys.executable,
               **{name: venv / "bin" / "python" for name, (venv, _) in VENVS.items()}}
    every = contenders()
    results: dict[str, object] = {"nodes": args.nodes, "edges": args.edges, "p": args.p,
                                  "q": args.q, "workers": args.workers,
                                  "holdout": args.holdout, "train_edges": len(train_edges),
                                  "load_before": os.getloadavg(), "runs": {}}
    for name in args.only or list(every):
        script, length, window = every[name]
        if not Path(pythons[script]).exists():
            raise SystemExit(f"{pythons[script]} is missing: run `python {__file__} setup` first")
        print(f"running {name} (l={length}, k={window}) ...", file=sys.stderr, flush=True)
        vectors_path = OUT / f"vectors-{name}.npy"
        cli = [str(train_path), str(args.p), str(args.q), str(args.workers), str(length),
               str(window), str(vectors_path)]
        load = os.getloadavg()
        m = measure(pythons[script], SCRIPTS[script], cli, env)
        auc = link_auc(np.load(vectors_path), train_edges, positives, negatives, args.nodes)
        results["runs"][name] = {**m.__dict__, "walk_length": length,  # type: ignore[index]
                                 "window": window, "auc": round(auc, 4), "load_before": load}
        print(f"  {name}: {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU, "
              f"{m.peak_rss_mb:.0f} MB peak, AUC {auc:.4f}, phases {m.phases}",
              file=sys.stderr, flush=True)
    results["load_after"] = os.getloadavg()
    (OUT / "embeddings.json").write_text(json.dumps(results, indent=2))
    return results


def markdown(results: dict[str, object]) -> str:
    runs: dict[str, dict] = results["runs"]  # type: ignore[assignment]
    lines = [
        "| pipeline | l | k | walks s | skip-gram s | total wall s | CPU s | peak RSS MB "
        "| held-out AUC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in runs.items():
        ph = r["phases"]
        lines.append(f"| {name} | {r['walk_length']} | {r['window']} | {ph['walks']:.1f} "
                     f"| {ph['train']:.1f} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} "
                     f"| {r['peak_rss_mb']:.0f} | {r['auc']:.4f} |")
    for ours_name in ("graphfeed", "graphfeed-paper"):
        if ours_name not in runs:
            continue
        ours = runs[ours_name]
        for name in ("node2vec", "pecanpy"):
            if name in runs:
                other = runs[name]
                walk_ratio = other["phases"]["walks"] / ours["phases"]["walks"]
                lines.append(f"\n{ours_name} vs {name}: {other['wall_s'] / ours['wall_s']:.1f}x "
                             f"faster (wall), {other['cpu_s'] / ours['cpu_s']:.1f}x less CPU, "
                             f"{ours['peak_rss_mb'] / other['peak_rss_mb']:.2f}x the memory; "
                             f"walks alone {walk_ratio:.0f}x faster; AUC {ours['auc']:.4f} vs "
                             f"{other['auc']:.4f}.")
    lines.append(f"\nload average before / after: {results.get('load_before')} / "
                 f"{results.get('load_after')}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create the competitor venvs under benchmarks/out/")
    r = sub.add_parser("run", help="measure every contender")
    r.add_argument("--nodes", type=int, default=20_000)
    r.add_argument("--edges", type=int, default=200_000)
    r.add_argument("--p", type=float, default=0.5)
    r.add_argument("--q", type=float, default=2.0)
    r.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    r.add_argument("--holdout", type=float, default=0.1,
                   help="share of edges held out for the AUC (the rest is what is embedded)")
    r.add_argument("--only", nargs="*", choices=["graphfeed", "graphfeed-paper", "pecanpy",
                                                  "node2vec"])
    args = parser.parse_args()
    if args.command == "setup":
        setup()
        return
    results = run(args)
    table = markdown(results)
    print(table)
    (OUT / "embeddings.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
