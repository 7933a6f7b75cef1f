"""`graphfeed train`: batch jobs that read the graph and publish derived data atomically.

Each job records a ``(:ModelRun)`` before it writes, writes where readers do not look
(an embedding slot, or Community nodes of its own version), then flips the kind's
active run in one statement (``engine.learn.runs``). Serving keeps reading the
previous version until that statement; a job that fails is marked ``failed`` and is
never read. Two jobs of the same kind do not run at once (``TrainingInProgress``).

    communities   export follows -> Leiden -> Community nodes + memberships -> flip
                  -> User.community (convenience copy) -> delete older versions
    embeddings    export the joint graph -> FastRP / node2vec -> vectors into the free
                  slot (+ its vector index) -> flip
    collaborative export engagements -> each post's RP3beta neighbours -> relationships
                  into the free slot -> flip -> the other slot cleared
    new-nodes     vectors for users / posts created since, from their neighbours
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.learn import collaborative as collab
from engine.learn import communities as comm
from engine.learn import embeddings as emb
from engine.learn.config import TrainSettings
from engine.learn.export import export_engagements, export_follows, export_graph
from engine.learn.runs import ModelRun, activate, fail, start_run
from engine.store import GraphStore

log = logging.getLogger(__name__)

Say = Callable[[str], None]


@dataclass(frozen=True)
class TrainResult:
    kind: str
    run_id: str
    version: int
    metrics: dict[str, Any] = field(default_factory=dict)


class _Steps:
    """Times the steps of a run and reports each as it ends."""

    def __init__(self, say: Say) -> None:
        self.say = say
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str) -> _Steps:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, exc_type: object, *rest: object) -> None:
        took = round(time.perf_counter() - self._start, 3)
        self.seconds[self._name] = took
        if exc_type is None:
            self.say(f"  {self._name}: {took:.1f} s")


def _run_guarded(store: GraphStore, run: ModelRun, body: Callable[[], dict[str, Any]]
                 ) -> dict[str, Any]:
    try:
        metrics = body()
        activate(store, run, metrics)
        return metrics
    except BaseException as e:  # Ctrl-C too: the run must not stay "running"
        fail(store, run, f"{type(e).__name__}: {e}")
        raise


def train_communities(store: GraphStore, settings: TrainSettings | None = None, *,
                      progress: bool = False, force: bool = False,
                      say: Say = log.info) -> TrainResult:
    ts = settings or TrainSettings()
    cs = ts.communities
    run = start_run(store, "communities", {"seed": ts.seed, **cs.model_dump()},
                    stale_after_s=ts.stale_after_s, force=force)
    say(f"{run.id}: detecting communities ({cs.method})")
    steps = _Steps(say)
    state: dict[str, Any] = {}

    def body() -> dict[str, Any]:
        with steps("export"):
            export = export_follows(store, progress=progress,
                                    page_edges=ts.export_page_edges)
        with steps("detect"):
            partition = comm.detect(export.follows, cs, seed=ts.seed)
        with steps("write"):
            written = comm.write_communities(store, run.version, export, partition, cs,
                                             ts.batch_size)
        state.update(export=export, partition=partition)
        sizes = partition.sizes
        assigned = int((partition.membership >= 0).sum())
        return {"users": len(export.users), "follows": int(export.follows.nnz),
                "communities": partition.count, "modularity": round(partition.modularity, 4),
                "largest": int(sizes[0]) if len(sizes) else 0,
                "median_size": float(sorted(sizes)[len(sizes) // 2]) if len(sizes) else 0.0,
                "assigned_share": round(assigned / max(1, len(export.users)), 4),
                "links": written["links"], "seconds": dict(steps.seconds)}

    metrics = _run_guarded(store, run, body)
    say(f"{run.id} is active: {metrics['communities']} communities, "
        f"modularity {metrics['modularity']}")
    # After the flip: the convenience copy, then older versions go.
    with steps("user property"):
        comm.write_user_property(store, state["export"], state["partition"].membership,
                                 ts.batch_size)
    with steps("cleanup"):
        comm.delete_other_versions(store, keep=run.version)
        store.compact()
    return TrainResult("communities", run.id, run.version, metrics)


def train_embeddings(store: GraphStore, settings: TrainSettings | None = None, *,
                     progress: bool = False, force: bool = False,
                     say: Say = log.info) -> TrainResult:
    ts = settings or TrainSettings()
    es = ts.embeddings
    run = start_run(store, "embeddings", {"seed": ts.seed, **es.model_dump()},
                    stale_after_s=ts.stale_after_s, force=force)
    say(f"{run.id}: {es.method} embeddings ({es.dimensions} dims) into slot {run.slot}")
    steps = _Steps(say)

    def body() -> dict[str, Any]:
        with steps("export"):
            export = export_graph(store, progress=progress, page_edges=ts.export_page_edges)
        with steps("embed"):
            graph = emb.joint_graph(export, es)
            vectors = emb.compute_vectors(graph, es, ts.seed, progress=progress)
        with steps("indexes"):
            for done in emb.ensure_vector_indexes(store, run.slot, es):
                say(f"  {done}")
        written = {}
        with steps("write"):
            for label, nodes in (("User", export.users), ("Post", export.posts),
                                 ("Tag", export.tags)):
                if nodes is not None and len(nodes):
                    written[label] = emb.write_vectors(store, label, run.slot, nodes,
                                                       vectors[graph.rows(label)],
                                                       ts.vector_batch_size, progress)
        with steps("index build"):
            emb.wait_for_indexes(store)
        return {"slot": run.slot, "dimensions": es.dimensions, "nodes": written,
                "edges": export.edge_counts(), "dropped_edges": export.dropped,
                "export_seconds": export.seconds,
                **emb.quality(vectors, graph, export, ts.seed),
                "seconds": dict(steps.seconds)}

    metrics = _run_guarded(store, run, body)
    say(f"{run.id} is active (slot {run.slot}): " + ", ".join(
        f"{k} {v}" for k, v in metrics.items() if k.endswith("_auc")))
    with steps("compact"):
        store.compact()
    return TrainResult("embeddings", run.id, run.version, metrics)


def train_collaborative(store: GraphStore, settings: TrainSettings | None = None, *,
                        progress: bool = False, force: bool = False,
                        say: Say = log.info) -> TrainResult:
    ts = settings or TrainSettings()
    cs = ts.collaborative
    run = start_run(store, "collaborative", cs.model_dump(), stale_after_s=ts.stale_after_s,
                    force=force)
    say(f"{run.id}: each post's {cs.neighbours} collaborative neighbours into slot {run.slot}")
    steps = _Steps(say)

    def body() -> dict[str, Any]:
        with steps("export"):
            export = export_engagements(store, progress=progress,
                                        page_edges=ts.export_page_edges)
        posts, engaged = export.posts, export.engaged
        if posts is None or engaged is None:  # export_engagements always sets both
            raise TypeError("the engagement export has no posts or engagements")
        with steps("neighbours"):
            found = collab.post_neighbours(engaged, cs, progress=progress)
        with steps("clear"):  # what a failed run of this slot may have left
            collab.clear_slot(store, run.slot, cs.batch_size)
        with steps("write"):
            written = collab.write_neighbours(store, run.slot, posts, found, cs.batch_size,
                                              progress)
        return {"slot": run.slot, "posts": len(posts), "engagements": int(engaged.nnz),
                "posts_with_neighbours": len(found.listed()),
                "relationships": written, "dropped_edges": export.dropped,
                "seconds": dict(steps.seconds)}

    metrics = _run_guarded(store, run, body)
    say(f"{run.id} is active (slot {run.slot}): {metrics['relationships']:,} neighbour "
        f"relationships for {metrics['posts_with_neighbours']:,} posts")
    with steps("cleanup"):  # after the flip: the previous run's slot
        collab.clear_slot(store, "b" if run.slot == "a" else "a", cs.batch_size)
        store.compact()
    return TrainResult("collaborative", run.id, run.version, metrics)


def train_all(store: GraphStore, settings: TrainSettings | None = None, *,
              progress: bool = False, force: bool = False,
              say: Say = log.info) -> list[TrainResult]:
    return [train_communities(store, settings, progress=progress, force=force, say=say),
            train_embeddings(store, settings, progress=progress, force=force, say=say),
            train_collaborative(store, settings, progress=progress, force=force, say=say)]


def train_likes(store: GraphStore, model_dir: Path, settings: TrainSettings | None = None, *,
                progress: bool = False, force: bool = False,
                say: Say = log.info) -> TrainResult:
    """Fit the like model on the posts in the graph; recorded as a ``likes`` ModelRun.

    The model files go to ``model_dir/<version>/``; the run's metrics are the
    held-out scores (each author's newest post), so `graphfeed train status` shows them.
    """
    from engine.learn.likes_graph import train_likes as fit

    s = settings or TrainSettings()
    run = start_run(store, "likes", {"model_dir": str(model_dir)},
                    stale_after_s=s.stale_after_s, force=force)
    say(f"train likes: {run.id}")

    def body() -> dict[str, Any]:
        result = fit(store, model_dir, progress=progress)
        say(f"  model {result['version']} saved in {result['path']}")
        return {"version": result["version"], "posts": result["posts_with_likes"],
                **result.get("test", {})}

    return TrainResult("likes", run.id, run.version, _run_guarded(store, run, body))


def embed_new_nodes(store: GraphStore, settings: TrainSettings | None = None, *,
                    say: Say = log.info) -> emb.NewNodeReport:
    ts = settings or TrainSettings()
    report = emb.embed_new_nodes(store, ts.embeddings, batch_size=ts.vector_batch_size)
    say(f"embedded {report.users} new users and {report.posts} new posts "
        f"({report.skipped} without embedded neighbours) in {report.seconds:.1f} s")
    return report
