"""Training runs as ``(:ModelRun)`` nodes, and the one-statement flip that publishes them.

A run of a ``kind`` (``"embeddings"``, ``"communities"``) is recorded before it
writes anything::

    (:ModelRun {id: "embeddings-3", kind, version: 3, slot: "a"|"b",
                params: JSON, metrics: JSON, status: running|finished|failed|abandoned,
                started_at, finished_at, active: bool, error})

Derived data is written where readers do not look, keyed by the run:

* embeddings into the *slot* the active run does not use (``embedding_a`` /
  ``embedding_b`` on User, Post and Tag, each slot with its own vector index);
* communities as ``(:Community {version})`` nodes with ``IN_COMMUNITY`` memberships of
  that version.

Readers first match the active run (``MATCH (r:ModelRun {kind: …}) WHERE r.active``) and
read its slot or version, in the same statement. The flip (``learn/activate_run``) sets
``active`` on the new run and clears it on the old one in one statement, so a reader sees
the old version or the new one, never a half-written one; a failed run is never activated
and its partial output is ignored (and overwritten or deleted by the next run).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

from engine.errors import GraphfeedError, ModelNotTrained
from engine.store import GraphStore

Kind = Literal["embeddings", "communities", "collaborative", "likes"]
KINDS: tuple[Kind, ...] = ("embeddings", "communities", "collaborative", "likes")


class TrainingInProgress(GraphfeedError):
    """Another run of the same kind is still writing; two would overwrite each other."""

    code = "TRAINING_IN_PROGRESS"


@dataclass(frozen=True)
class ModelRun:
    id: str
    kind: str
    version: int
    slot: str
    params: dict[str, Any]
    metrics: dict[str, Any]
    status: str = "running"
    active: bool = False
    started_at: int | None = None
    finished_at: int | None = None
    error: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], kind: str | None = None) -> ModelRun:
        return cls(id=row["id"], kind=row.get("kind") or kind or "", version=int(row["version"]),
                   slot=row["slot"], params=_json(row.get("params")),
                   metrics=_json(row.get("metrics")), status=row.get("status") or "finished",
                   active=bool(row.get("active", True)), started_at=row.get("started_at"),
                   finished_at=row.get("finished_at"), error=row.get("error"))


def now_ms() -> int:
    return int(time.time() * 1000)


def start_run(store: GraphStore, kind: Kind, params: dict[str, Any], *,
              stale_after_s: float = 6 * 3600, force: bool = False) -> ModelRun:
    """Record a new run; refuses while another run of the kind is (recently) running.

    A run still marked running after ``stale_after_s`` is taken as crashed and marked
    ``abandoned``; ``force`` abandons a running one at once.
    """
    now = now_ms()
    for run in list_runs(store, kind, limit=50):
        if run.status != "running":
            continue
        age_s = (now - (run.started_at or 0)) / 1000
        if age_s < stale_after_s and not force:
            raise TrainingInProgress(
                f"{run.id} has been running for {age_s:.0f} s; wait for it, or pass --force "
                "if that process is gone", run=run.id)
        store.write("learn/fail_run", id=run.id, status="abandoned", now=now,
                    error=f"still running after {age_s:.0f} s: taken as crashed")
    text = json.dumps(params, sort_keys=True, default=str)
    row = store.write("learn/create_run", kind=kind, params=text, now=now)[0]
    return ModelRun(id=row["id"], kind=kind, version=int(row["version"]), slot=row["slot"],
                    params=params, metrics={}, started_at=now)


def activate(store: GraphStore, run: ModelRun, metrics: dict[str, Any]) -> None:
    """The flip: publish ``run`` as the kind's active version (one statement)."""
    rows = store.write("learn/activate_run", kind=run.kind, id=run.id, now=now_ms(),
                       metrics=json.dumps(metrics, sort_keys=True, default=str))
    if not rows or not rows[0]["activated"]:
        raise GraphfeedError(f"{run.id} could not be activated: it is no longer running "
                             "(marked abandoned by another train?)", run=run.id)


def fail(store: GraphStore, run: ModelRun, error: str) -> None:
    store.write("learn/fail_run", id=run.id, status="failed", now=now_ms(), error=error[:2000])


def active_run(store: GraphStore, kind: Kind) -> ModelRun | None:
    rows = store.read("learn/get_active_run", kind=kind)
    return ModelRun.from_row(rows[0], kind) if rows else None


def require_active(store: GraphStore, kind: Kind) -> ModelRun:
    run = active_run(store, kind)
    if run is None:
        raise ModelNotTrained(f"no {kind} yet: run `graphfeed train {kind}`", kind=kind)
    return run


def list_runs(store: GraphStore, kind: Kind | None = None, limit: int = 20) -> list[ModelRun]:
    return [ModelRun.from_row(r) for r in store.read("learn/list_runs", kind=kind, limit=limit)]


def _json(text: Any) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
