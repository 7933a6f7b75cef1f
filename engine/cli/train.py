"""`graphfeed train [communities|embeddings|collaborative|all|new-nodes|status]`."""

from __future__ import annotations

import json
import logging

import click
from rich.console import Console
from rich.table import Table

from engine.cli import main
from engine.cli.common import opened_store, reports_errors

console = Console()


@main.command()
@click.argument("what", default="all",
                type=click.Choice(["all", "communities", "embeddings", "collaborative", "likes",
                                   "new-nodes", "status"]))
@click.option("--seed", type=int, default=None, help="Seed of the run (default: settings).")
@click.option("--method", type=click.Choice(["fastrp", "node2vec"]), default=None,
              help="Embedding method (default: settings, fastrp).")
@click.option("--dimensions", type=click.IntRange(2, 4096), default=None,
              help="Embedding dimensions (default: settings, 128).")
@click.option("--communities-method", type=click.Choice(["leiden", "louvain"]), default=None)
@click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Community resolution: > 1 gives more, smaller communities.")
@click.option("--force", is_flag=True,
              help="Start even if a run of the same kind is marked running (it crashed).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@reports_errors
def train(what: str, seed: int | None, method: str | None, dimensions: int | None,
          communities_method: str | None, resolution: float | None, force: bool,
          progress: bool) -> None:
    """Compute communities, embeddings, post neighbours or the like model; safe while
    `serve` runs.

    `all` is communities + embeddings + collaborative (each post's neighbours for the
    feed's collaborative source); `likes` fits the like-prediction model on the
    posts that carry like counts (run `graphfeed import-instagram` first).

    Each run is recorded as a ModelRun node and published in one statement when it is
    complete: readers keep the previous version until then.
    """
    from engine.settings import get_settings
    from engine.train import (
        embed_new_nodes,
        train_collaborative,
        train_communities,
        train_embeddings,
    )

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings().train
    updates: dict[str, object] = {}
    if seed is not None:
        updates["seed"] = seed
    emb_updates = {k: v for k, v in (("method", method), ("dimensions", dimensions))
                   if v is not None}
    comm_updates = {k: v for k, v in (("method", communities_method),
                                      ("resolution", resolution)) if v is not None}
    if emb_updates:
        updates["embeddings"] = settings.embeddings.model_copy(update=emb_updates)
    if comm_updates:
        updates["communities"] = settings.communities.model_copy(update=comm_updates)
    settings = settings.model_copy(update=updates)

    def say(text: str) -> None:
        console.print(text, highlight=False)

    with opened_store() as store:
        if what == "status":
            _status(store)
            return
        if what == "new-nodes":
            embed_new_nodes(store, settings, say=say)
            return
        if what in ("all", "communities"):
            result = train_communities(store, settings, progress=progress, force=force, say=say)
            _communities_table(store)
            say(f"metrics: {json.dumps(result.metrics)}")
        if what in ("all", "embeddings"):
            result = train_embeddings(store, settings, progress=progress, force=force, say=say)
            say(f"metrics: {json.dumps(result.metrics)}")
        if what in ("all", "collaborative"):
            result = train_collaborative(store, settings, progress=progress, force=force,
                                         say=say)
            say(f"metrics: {json.dumps(result.metrics)}")
        if what == "likes":
            from engine.train import train_likes

            result = train_likes(store, get_settings().model_dir / "likes", settings,
                                 progress=progress, force=force, say=say)
            say(f"metrics: {json.dumps(result.metrics)}")


def _status(store: object) -> None:
    import datetime as dt

    from engine.learn.runs import list_runs

    table = Table()
    for column in ("run", "status", "active", "started (UTC)", "took", "result"):
        table.add_column(column)
    for run in list_runs(store, limit=20):  # type: ignore[arg-type]
        started = ("" if not run.started_at else dt.datetime.fromtimestamp(
            run.started_at / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M"))
        took = ("" if not run.finished_at or not run.started_at
                else f"{(run.finished_at - run.started_at) / 1000:.1f} s")
        table.add_row(run.id, run.status, "yes" if run.active else "", started, took,
                      _result(run.kind, run.metrics, run.error))
    console.print(table)


def _result(kind: str, m: dict, error: str | None) -> str:
    if error:
        return error[:60]
    if kind == "communities" and "communities" in m:
        return f"{m['communities']} communities, modularity {m.get('modularity')}"
    if kind == "embeddings" and "dimensions" in m:
        return (f"{m['dimensions']} dims in slot {m.get('slot')}, follow AUC "
                f"{m.get('follow_auc')}, engagement AUC {m.get('engagement_auc')}")
    if kind == "collaborative" and "relationships" in m:
        return (f"{m['relationships']:,} neighbours of {m.get('posts_with_neighbours', 0):,} "
                f"posts in slot {m.get('slot')}")
    return ""


def _communities_table(store: object) -> None:
    from engine.learn.communities import list_communities

    table = Table()
    for column in ("community", "size", "top tags", "top accounts"):
        table.add_column(column)
    for c in list_communities(store, limit=10):  # type: ignore[arg-type]
        table.add_row(str(c["id"]), f"{c['size']:,}",
                      " ".join(f"#{t}" for t in (c["tags"] or [])[:4]),
                      ", ".join((c["account_names"] or [])[:3]))
    console.print(table)
